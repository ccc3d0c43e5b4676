/**
 * Milliseconds on a monotonic clock, as `performance.now()` but without loading perf_hooks:
 * that costs each thread ~0.5 ms of CPU on first use, and every rank starts three threads.
 */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
