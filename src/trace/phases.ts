/**
 * A thread's steps one after another as spans: next('plan') ends the step under way and starts
 * the next, end() ends the last. For the main threads, whose work is a sequence.
 */
import type { Microseconds, TraceArgs } from './events.js';
import { monotonicMicroseconds, type Tracer } from './recorder.js';

export class Phases {
  readonly #tracer: Tracer;
  readonly #cat: string;
  #name: string | undefined;
  #start: Microseconds = 0;

  constructor(tracer: Tracer, cat: string) {
    this.#tracer = tracer;
    this.#cat = cat;
  }

  /** Ends the step under way, if any, and starts `name`. */
  next(name: string): void {
    this.end();
    this.#name = name;
    this.#start = this.#tracer.now();
  }

  /** Ends the step under way, if any. */
  end(args?: TraceArgs): void {
    if (this.#name !== undefined) this.#tracer.complete(this.#name, this.#cat, this.#start, args);
    this.#name = undefined;
  }
}

/** When this process started, on the recorders' clock (process.uptime counts from there). */
export function processStart(): Microseconds {
  return monotonicMicroseconds() - process.uptime() * 1e6;
}
