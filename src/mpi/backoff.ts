/**
 * How a thread waits for MPI without blocking inside it: poll, spin a little, then sleep in
 * growing steps. Open MPI's blocking calls spin and burn a core; a thread sleeping here costs
 * almost nothing and can still be terminated. Measured in bench/README.md.
 */
export interface BackoffOptions {
  /** Empty polls before the first sleep. */
  spins: number;
  /** The first sleep, in microseconds. */
  sleepStartUs: number;
  /** Sleeps double up to this cap: higher saves CPU when idle, lower wakes sooner. */
  sleepCapUs: number;
}

/** The Backoff a thread gets when given none. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  // ~250 us of polling: longer than the shortest real sleep (Atomics.wait(10 us) takes ~63 us
  // here), so two threads in request/reply do not fall into step, each sleeping once per
  // message (bench/README.md).
  spins: 1000,
  sleepStartUs: 10,
  sleepCapUs: 1000,
});

/**
 * Empty polls before sleeping, for `pollingThreads` threads polling on a node of `cores` cores
 * (unknown: assumed to have a core each). Spinning pays only when every polling thread has a
 * core of its own; on an oversubscribed node a spinning thread takes the core from the one that
 * would send what it waits for, and Open MPI then yields in every empty probe (bench/README.md).
 */
export function spinsFor(pollingThreads: number | undefined, cores: number): number {
  return pollingThreads !== undefined && pollingThreads > cores ? 0 : DEFAULT_BACKOFF.spins;
}

/**
 * One thread's waiting state: call pause() after each empty poll and reset() when something
 * arrived. Communicator.waitMessage uses one; keep one per loop to keep its state.
 */
export class Backoff {
  /** The settings in use (DEFAULT_BACKOFF with the constructor's overrides). */
  readonly options: Readonly<BackoffOptions>;
  #idle = 0;
  #sleepUs: number;
  readonly #cell = new Int32Array(new SharedArrayBuffer(4));

  constructor(options: Partial<BackoffOptions> = {}) {
    this.options = { ...DEFAULT_BACKOFF, ...options };
    this.#sleepUs = this.options.sleepStartUs;
  }

  /** Call when work arrived: the next wait starts with spinning again. */
  reset(): void {
    this.#idle = 0;
    this.#sleepUs = this.options.sleepStartUs;
  }

  /** One idle step: returns at once while spinning, else sleeps at most `limitUs`. */
  pause(limitUs = Infinity): void {
    if (++this.#idle <= this.options.spins) return;
    const sleepUs = Math.min(this.#sleepUs, limitUs);
    if (sleepUs > 0) Atomics.wait(this.#cell, 0, 0, sleepUs / 1000);
    this.#sleepUs = Math.min(this.#sleepUs * 2, this.options.sleepCapUs);
  }
}
