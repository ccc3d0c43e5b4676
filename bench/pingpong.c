/*
 * The C baseline of the binding benchmark: a blocking MPI_Send/MPI_Recv ping-pong between
 * ranks 0 and 1 over preallocated buffers, with the same plan as bench/pingpong.mjs and
 * bench/pingpong.py. Built and run by bench/binding.mjs.
 *
 *   pingpong_c <thread level: single|multiple> <repetitions> size:iterations:warmups...
 *
 * For each size: `warmups` + `repetitions` timed runs of `iterations` round trips; the first
 * `warmups` are dropped. Rank 0 prints one JSON line: for each size, the half round trip in
 * microseconds of every kept repetition (its total time / iterations / 2).
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TAG = 7, MAX_SIZES = 32 };

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s single|multiple repetitions size:iterations:warmups...\n", argv[0]);
    return 2;
  }
  /* The Node binding and mpi4py both ask for MPI_THREAD_MULTIPLE, which adds locking in
     Open MPI: the fair baseline asks for it too; "single" shows what that costs. */
  int required = strcmp(argv[1], "single") == 0 ? MPI_THREAD_SINGLE : MPI_THREAD_MULTIPLE;
  int repetitions = atoi(argv[2]);
  int count = argc - 3;
  if (count > MAX_SIZES) count = MAX_SIZES;
  long sizes[MAX_SIZES];
  long iterations[MAX_SIZES];
  long warmups[MAX_SIZES];
  long largest = 1;
  for (int i = 0; i < count; ++i) {
    if (sscanf(argv[3 + i], "%ld:%ld:%ld", &sizes[i], &iterations[i], &warmups[i]) != 3) {
      fprintf(stderr, "bad size:iterations:warmups %s\n", argv[3 + i]);
      return 2;
    }
    if (sizes[i] > largest) largest = sizes[i];
  }

  int provided = 0;
  MPI_Init_thread(&argc, &argv, required, &provided);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int peer = 1 - rank;

  char* out = malloc((size_t)largest);
  char* in = malloc((size_t)largest);
  memset(out, rank + 1, (size_t)largest);  /* touch every page before timing */
  memset(in, 0, (size_t)largest);

  if (rank == 0) printf("{\"impl\":\"c\",\"threadLevel\":%d,\"results\":[", provided);
  for (int s = 0; s < count && rank < 2; ++s) {
    int size = (int)sizes[s];
    if (rank == 0) printf("%s{\"size\":%d,\"iterations\":%ld,\"halfRoundTripUs\":[", s ? "," : "", size,
                          iterations[s]);
    for (long rep = -warmups[s]; rep < repetitions; ++rep) {  /* negative: warm-up */
      long n = iterations[s];
      MPI_Send(out, 0, MPI_BYTE, peer, TAG + 1, MPI_COMM_WORLD);  /* line both ranks up */
      MPI_Recv(in, 0, MPI_BYTE, peer, TAG + 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      double start = MPI_Wtime();
      for (long i = 0; i < n; ++i) {
        if (rank == 0) {
          MPI_Send(out, size, MPI_BYTE, peer, TAG, MPI_COMM_WORLD);
          MPI_Recv(in, size, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
          MPI_Recv(in, size, MPI_BYTE, peer, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          MPI_Send(out, size, MPI_BYTE, peer, TAG, MPI_COMM_WORLD);
        }
      }
      double elapsed = MPI_Wtime() - start;
      if (rank == 0 && rep >= 0) printf("%s%.5f", rep ? "," : "", elapsed / (double)n / 2 * 1e6);
    }
    if (rank == 0) printf("]}");
  }
  if (rank == 0) printf("]}\n");
  fflush(stdout);
  free(out);
  free(in);
  MPI_Finalize();
  return 0;
}
