/**
 * Milliseconds on a monotonic clock, as `performance.now()` but without loading perf_hooks:
 * that costs each thread ~0.5 ms of CPU on first use, and every rank starts three threads.
 */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

/**
 * Blocks this thread for `ms` without spinning. Not inside MPI: the thread can still be
 * terminated, and process.exit and MPI_Abort end it.
 */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
