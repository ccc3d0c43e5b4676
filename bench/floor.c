/*
 * The C floor of bench/swarm.mjs: what a C solution of the assignment pays before its protocol.
 * MPI_Init_thread asking for MPI_THREAD_MULTIPLE (as the C solutions and our binding do), a
 * download and an upload thread on every peer (rank > 0) that do nothing, MPI_Finalize.
 */
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>

static void* idle_thread(void* arg) { return arg; }

int main(int argc, char** argv) {
  int provided, rank;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  if (provided < MPI_THREAD_MULTIPLE) {
    fprintf(stderr, "floor_c: MPI provides thread level %d, not MPI_THREAD_MULTIPLE\n", provided);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank > 0) {
    pthread_t download, upload;
    pthread_create(&download, NULL, idle_thread, NULL);
    pthread_create(&upload, NULL, idle_thread, NULL);
    pthread_join(download, NULL);
    pthread_join(upload, NULL);
  }
  MPI_Finalize();
  return 0;
}
