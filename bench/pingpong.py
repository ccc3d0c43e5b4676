"""The mpi4py comparison of the binding benchmark: the same blocking ping-pong as
bench/pingpong.c through mpi4py's buffer API (Comm.Send / Comm.Recv on preallocated
bytearrays, no pickling). Run by bench/binding.mjs when `import mpi4py` works.

    python3 bench/pingpong.py <repetitions> size:iterations:warmups...

For each size: `warmups` + `repetitions` timed runs of `iterations` round trips; the first
`warmups` are dropped.
"""
import json
import sys
import time

from mpi4py import MPI  # initializes MPI with MPI_THREAD_MULTIPLE, as the Node binding does

TAG = 7


def main():
    repetitions = int(sys.argv[1])
    plan = [tuple(int(part) for part in item.split(':')) for item in sys.argv[2:]]
    world = MPI.COMM_WORLD
    rank = world.Get_rank()
    peer = 1 - rank
    largest = max([1] + [size for size, _, _ in plan])
    out = bytearray([rank + 1]) * largest
    into = bytearray(largest)
    empty = bytearray(0)
    results = []
    for size, iterations, warmups in plan:
        # Buffer specs made once per size, outside the timed loop.
        send_spec = [memoryview(out)[:size], MPI.BYTE]
        recv_spec = [memoryview(into)[:size], MPI.BYTE]
        half_round_trip_us = []
        for _ in range(warmups + repetitions):
            world.Send(empty, peer, TAG + 1)  # line both ranks up
            world.Recv(empty, peer, TAG + 1)
            start = time.perf_counter()
            if rank == 0:
                for _ in range(iterations):
                    world.Send(send_spec, peer, TAG)
                    world.Recv(recv_spec, peer, TAG)
            else:
                for _ in range(iterations):
                    world.Recv(recv_spec, peer, TAG)
                    world.Send(send_spec, peer, TAG)
            elapsed = time.perf_counter() - start
            half_round_trip_us.append(elapsed / iterations / 2 * 1e6)
        results.append({'size': size, 'iterations': iterations, 'halfRoundTripUs': half_round_trip_us[warmups:]})
    if rank == 0:
        print(json.dumps({
            'impl': 'mpi4py',
            'version': __import__('mpi4py').__version__,
            'threadLevel': MPI.Query_thread(),
            'results': results,
        }), flush=True)


if __name__ == '__main__':
    main()
