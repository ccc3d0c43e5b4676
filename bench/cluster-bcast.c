/*
 * The MPI references of `npm run bench:cluster` (bench/cluster.mjs): one buffer of SIZE bytes
 * from rank 0 to every rank, in chunks of at most CHUNK bytes (default 256 MiB), by
 *   bcast  MPI_Bcast of each chunk (the algorithm is Open MPI's choice, or forced with
 *          --mca coll_tuned_use_dynamic_rules 1 --mca coll_tuned_bcast_algorithm K ...);
 *   star   rank 0 MPI_Send's each chunk to rank 1, then 2, ... (the naive copy to each node);
 *   p2p    rank 0 to rank 1 only (np 2): what one link carries.
 *
 *   mpirun -np N cluster-bcast MODE SIZE [CHUNK]
 *
 * The bytes live in memory only: on a cluster in a box every "node" shares one disk and one page
 * cache, so file I/O would measure the box, not the network; and the pattern is written once,
 * before the clock starts, as the two cores are needed for the transfers. Every receiver checks
 * each chunk it got: its index (first 8 bytes, set per chunk) and three 4 KiB samples of the
 * pattern. A Barrier before and after; rank 0 prints "seconds S" (MPI_Wtime between them).
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t pattern(size_t at) { return (uint64_t)(at / 8 + 1) * 0x9E3779B97F4A7C15ull; }

static void fill(unsigned char *bytes, size_t length) {
  for (size_t i = 0; i < length; i += 8) {
    uint64_t value = pattern(i);
    memcpy(bytes + i, &value, length - i < 8 ? length - i : 8);
  }
}

/* Whether a received chunk holds its index and the pattern at its start, middle and end. */
static int intact(const unsigned char *bytes, size_t length, uint64_t index) {
  uint64_t got;
  if (length >= 8) {
    memcpy(&got, bytes, 8);
    if (got != index) return 0;
  }
  size_t starts[3] = {8, length / 2 / 8 * 8, length > 4096 ? (length - 4096) / 8 * 8 : 8};
  for (int s = 0; s < 3; s++) {
    for (size_t i = starts[s]; i + 8 <= length && i < starts[s] + 4096; i += 8) {
      memcpy(&got, bytes + i, 8);
      if (got != pattern(i)) return 0;
    }
  }
  return 1;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc < 3) {
    if (rank == 0) fprintf(stderr, "usage: cluster-bcast bcast|star|p2p SIZE [CHUNK]\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const char *mode = argv[1];
  uint64_t total = strtoull(argv[2], NULL, 10);
  uint64_t chunk = argc > 3 ? strtoull(argv[3], NULL, 10) : (256ull << 20);
  if (chunk > total) chunk = total;
  if (chunk == 0 || chunk > (1ull << 30)) {
    if (rank == 0) fprintf(stderr, "cluster-bcast: CHUNK must be 1 byte to 1 GiB\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  unsigned char *buffer = malloc(chunk);
  if (!buffer) {
    fprintf(stderr, "cluster-bcast: rank %d: out of memory\n", rank);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  int p2p = strcmp(mode, "p2p") == 0, star = strcmp(mode, "star") == 0, bcast = strcmp(mode, "bcast") == 0;
  if (!p2p && !star && !bcast) {
    if (rank == 0) fprintf(stderr, "cluster-bcast: unknown mode %s\n", mode);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  int receives = p2p ? rank == 1 : rank > 0;
  long bad = 0;
  if (rank == 0) fill(buffer, chunk);
  else memset(buffer, 0, chunk);

  MPI_Barrier(MPI_COMM_WORLD);
  double start = MPI_Wtime();
  for (uint64_t offset = 0; offset < total; offset += chunk) {
    int length = (int)(total - offset < chunk ? total - offset : chunk);
    uint64_t index = offset / chunk;
    if (rank == 0 && length >= 8) memcpy(buffer, &index, 8);
    if (bcast) {
      MPI_Bcast(buffer, length, MPI_BYTE, 0, MPI_COMM_WORLD);
    } else if (rank == 0) {
      for (int dest = 1; dest < (p2p ? 2 : size); dest++) MPI_Send(buffer, length, MPI_BYTE, dest, 0, MPI_COMM_WORLD);
    } else if (receives) {
      MPI_Recv(buffer, length, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    if (receives && !intact(buffer, length, index)) bad++;
  }
  MPI_Barrier(MPI_COMM_WORLD);
  double seconds = MPI_Wtime() - start;
  long allBad = 0;
  MPI_Reduce(&bad, &allBad, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    if (allBad > 0) {
      fprintf(stderr, "cluster-bcast: %ld chunks arrived wrong\n", allBad);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    printf("seconds %.4f\n", seconds);
  }
  free(buffer);
  MPI_Finalize();
  return 0;
}
