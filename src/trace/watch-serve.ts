/**
 * A role and its transport as serve() drives them, watched for the trace (only when --trace is
 * on; off, serve() gets the bare role and transport). Per message a count by type, no event: a
 * run moves many thousands. Every SAMPLE_MS of activity, counters: messages handled by type,
 * the share of the time spent waiting for a message, and the role's own numbers. A wait of
 * WAIT_SPAN_US or more is a span (the idle stretches), up to WAIT_SPAN_BUDGET of them.
 */
import type { Message } from '../protocol/messages.js';
import type { Role } from '../protocol/role.js';
import type { Tag } from '../protocol/tags.js';
import type { Packet, Transport } from '../protocol/transport.js';
import type { Microseconds } from './events.js';
import type { Tracer } from './recorder.js';

/** Counters at most this often (ms of the role's clock): ~100 a second of activity. */
export const SAMPLE_MS = 10;
/** Waits shorter than this (us) are only counted. */
export const WAIT_SPAN_US = 2000;
/** Wait spans a thread records at most; the counters go on. */
export const WAIT_SPAN_BUDGET = 20_000;

export interface WatchOptions {
  /** The thread's label in the counters' names: 'download' gives 'download messages', ... */
  label: string;
  /** The role's own numbers at a sample (segments received, served, ...). */
  sample?: () => Record<string, number>;
}

export interface Watched {
  role: Role;
  transport: Transport;
}

export function watchServe(role: Role, transport: Transport, tracer: Tracer, options: WatchOptions): Watched {
  const watch = new ServeWatch(role, transport, tracer, options);
  return { role: watch, transport: watch.transport };
}

class ServeWatch implements Role {
  readonly transport: Transport;
  readonly #role: Role;
  readonly #tracer: Tracer;
  readonly #options: WatchOptions;
  readonly #handled: Record<string, number> = {};
  #lastSampleMs = -Infinity;
  #lastSampleUs: Microseconds = 0;
  #waitedUs = 0;
  #waitedAtSampleUs = 0;
  #waitSpans = 0;
  /** Messages handled since the last sample. */
  #unsampled = 0;

  constructor(role: Role, transport: Transport, tracer: Tracer, options: WatchOptions) {
    this.#role = role;
    this.#tracer = tracer;
    this.#options = options;
    this.transport = {
      rank: transport.rank,
      size: transport.size,
      send: (dest, tag, data) => transport.send(dest, tag, data),
      receive: (tag, timeoutMs) => this.#receive(transport, tag, timeoutMs),
      flush: () => transport.flush(),
      ...(transport.allocate && { allocate: (bytes: number) => transport.allocate!(bytes) }),
      ...(transport.release && { release: (packet: Packet) => transport.release!(packet) }),
    };
  }

  get done(): boolean {
    return this.#role.done;
  }

  start(now: number): void {
    this.#lastSampleUs = this.#tracer.now();
    this.#role.start(now);
    this.#sample(now);
  }

  handle(source: number, message: Message, now: number): void {
    this.#handled[message.type] = (this.#handled[message.type] ?? 0) + 1;
    this.#unsampled++;
    this.#role.handle(source, message, now);
    if (now - this.#lastSampleMs >= SAMPLE_MS) this.#sample(now);
  }

  tick(now: number): number {
    const next = this.#role.tick(now);
    if (now - this.#lastSampleMs >= SAMPLE_MS) this.#sample(now);
    return next;
  }

  /** The last sample, unless the one just taken already holds every message. */
  close(now: number): void {
    this.#role.close?.(now);
    if (this.#unsampled > 0 || now - this.#lastSampleMs >= SAMPLE_MS) this.#sample(now);
  }

  #receive(transport: Transport, tag: Tag, timeoutMs: number): Packet | undefined {
    const start = this.#tracer.now();
    const packet = transport.receive(tag, timeoutMs);
    const waited = this.#tracer.now() - start;
    this.#waitedUs += waited;
    if (waited >= WAIT_SPAN_US && this.#waitSpans < WAIT_SPAN_BUDGET) {
      this.#waitSpans++;
      this.#tracer.complete('wait for a message', 'mpi', start, packet ? { from: packet.source } : { timeout: true });
    }
    return packet;
  }

  #sample(now: number): void {
    const { label, sample } = this.#options;
    const at = this.#tracer.now();
    const interval = at - this.#lastSampleUs;
    const waiting = interval > 0 ? ((this.#waitedUs - this.#waitedAtSampleUs) / interval) * 100 : 0;
    if (Object.keys(this.#handled).length > 0) this.#tracer.counter(`${label} messages`, { ...this.#handled });
    this.#tracer.counter(`${label} waiting %`, { waiting: Math.min(100, Math.round(waiting)) });
    if (sample) this.#tracer.counter(label, sample());
    this.#lastSampleMs = now;
    this.#lastSampleUs = at;
    this.#waitedAtSampleUs = this.#waitedUs;
    this.#unsampled = 0;
  }
}
