/**
 * One thread's trace: events appended to a buffer, handed over whole (drain) to be sent to
 * rank 0. Off, it costs a property read per call: `NO_TRACE` does nothing and `now()` is 0.
 *
 *   const trace = tracing ? new TraceRecorder({ pid: rank, tid: DOWNLOAD_THREAD }) : NO_TRACE;
 *   const started = trace.now();
 *   ...download file1...
 *   trace.complete('file1', 'download', started, { segments: 120 });
 *
 * Times are microseconds of the host's monotonic clock (process.hrtime, not performance.now,
 * which loads perf_hooks in every thread: docs/startup.md), one clock for every process and
 * thread of a host, so they line up; merge.ts shifts each rank by its offset (job-trace.ts).
 */
import type { CounterEvent, Microseconds, TimedEvent, TraceArgs } from './events.js';

/**
 * Past this many events a thread keeps counting but stops recording: ~10 MB of JSON a thread at
 * most, so that a long run's trace stays a file a viewer opens.
 */
export const DEFAULT_EVENT_LIMIT = 100_000;

export interface Tracer {
  readonly enabled: boolean;
  /** The time to pass to complete() later; 0 when off. */
  now(): Microseconds;
  /** A span from `start` (from now()) to now. */
  complete(name: string, cat: string, start: Microseconds, args?: TraceArgs): void;
  /** A span known afterwards, from `start` to `end` (both from now()). */
  span(name: string, cat: string, start: Microseconds, end: Microseconds, args?: TraceArgs): void;
  /** A moment: now, or `at` (from now()). */
  instant(name: string, cat: string, args?: TraceArgs, at?: Microseconds): void;
  counter(name: string, values: Record<string, number>): void;
}

/** The host's monotonic clock in microseconds: the recorders' clock. */
export function monotonicMicroseconds(): Microseconds {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e6 + nanoseconds / 1e3;
}

/** The recorder of a thread that is not traced: every call returns at once. */
export const NO_TRACE: Tracer = Object.freeze({
  enabled: false,
  now: () => 0,
  complete: () => {},
  span: () => {},
  instant: () => {},
  counter: () => {},
});

export interface RecorderOptions {
  /** The rank. */
  pid: number;
  /** The thread: 0 main, then one number per worker. */
  tid: number;
  limit?: number;
  /** The clock (tests give their own). */
  clock?: () => Microseconds;
}

export class TraceRecorder implements Tracer {
  readonly enabled = true;
  readonly pid: number;
  readonly tid: number;
  #events: TimedEvent[] = [];
  #dropped = 0;
  readonly #limit: number;
  readonly #clock: () => Microseconds;

  constructor(options: RecorderOptions) {
    this.pid = options.pid;
    this.tid = options.tid;
    this.#limit = options.limit ?? DEFAULT_EVENT_LIMIT;
    this.#clock = options.clock ?? monotonicMicroseconds;
  }

  now(): Microseconds {
    return this.#clock();
  }

  /** Events not recorded because the buffer was full. */
  get dropped(): number {
    return this.#dropped;
  }

  get size(): number {
    return this.#events.length;
  }

  complete(name: string, cat: string, start: Microseconds, args?: TraceArgs): void {
    this.span(name, cat, start, this.#clock(), args);
  }

  span(name: string, cat: string, start: Microseconds, end: Microseconds, args?: TraceArgs): void {
    this.#push({
      ph: 'X',
      name,
      cat,
      ts: start,
      dur: Math.max(0, end - start),
      pid: this.pid,
      tid: this.tid,
      ...(args && { args }),
    });
  }

  instant(name: string, cat: string, args?: TraceArgs, at?: Microseconds): void {
    const ts = at ?? this.#clock();
    this.#push({ ph: 'i', name, cat, ts, s: 't', pid: this.pid, tid: this.tid, ...(args && { args }) });
  }

  counter(name: string, values: Record<string, number>): void {
    const event: CounterEvent = {
      ph: 'C',
      name,
      cat: 'counter',
      ts: this.#clock(),
      pid: this.pid,
      tid: this.tid,
      args: { ...values },
    };
    this.#push(event);
  }

  /** The events so far (and a note of any dropped), leaving the buffer empty. */
  drain(): TimedEvent[] {
    const events = this.#events;
    if (this.#dropped > 0) {
      events.push({
        ph: 'i',
        name: 'trace buffer full',
        cat: 'trace',
        ts: this.#clock(),
        s: 't',
        pid: this.pid,
        tid: this.tid,
        args: { dropped: this.#dropped },
      });
    }
    this.#events = [];
    this.#dropped = 0;
    return events;
  }

  #push(event: TimedEvent): void {
    if (this.#events.length >= this.#limit) this.#dropped++;
    else this.#events.push(event);
  }
}
