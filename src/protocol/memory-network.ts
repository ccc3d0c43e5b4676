/**
 * Many roles in one thread, connected by in-memory queues, for tests. Delivery order is
 * random (seeded) but, as in MPI, messages from one sender to one receiving tag stay in order.
 * Time is virtual: it moves to the next deadline whenever no message is left to deliver.
 */
import { deliver } from './deliver.js';
import { Outbox } from './outbox.js';
import { randomIndex, seededRandom, type Random } from './random.js';
import type { Role } from './role.js';
import type { Tag } from './tags.js';

interface Envelope {
  source: number;
  data: Uint8Array;
}

export interface Rejection {
  receiver: number;
  source: number;
  reason: Error;
}

export class MemoryNetwork {
  readonly size: number;
  readonly rejections: Rejection[] = [];
  now = 0;
  readonly #queues = new Map<string, Envelope[]>();
  readonly #roles = new Map<string, { rank: number; role: Role }>();
  readonly #closed = new Set<Role>();
  readonly #random: Random;

  constructor(size: number, seed = 1) {
    this.size = size;
    this.#random = seededRandom(seed);
  }

  /** An outbox sending as `rank`. */
  outbox(rank: number): Outbox {
    return new Outbox((dest, tag, data) => {
      if (!Number.isInteger(dest) || dest < 0 || dest >= this.size) {
        throw new Error(`rank ${rank} sent to rank ${dest}, which does not exist`);
      }
      this.#queue(dest, tag).push({ source: rank, data: data.slice() });
    });
  }

  /** Starts `role` as the receiver of `tag` at `rank`. */
  attach(rank: number, tag: Tag, role: Role): void {
    this.#roles.set(`${rank}:${tag}`, { rank, role });
    role.start(this.now);
    this.#closeIfDone(role);
  }

  /** Delivers messages and advances time until every role is done. */
  run(maxSteps = 10_000_000): void {
    for (let step = 0; step < maxSteps; step++) {
      const ready = [...this.#roles.entries()].filter(
        ([key, { role }]) => !role.done && (this.#queues.get(key)?.length ?? 0) > 0,
      );
      if (ready.length > 0) {
        const [key, { rank, role }] = ready[randomIndex(this.#random, ready.length)]!;
        const envelope = this.#take(this.#queues.get(key)!);
        deliver(role, envelope.source, envelope.data, this.now, (source, reason) =>
          this.rejections.push({ receiver: rank, source, reason }),
        );
        role.tick(this.now);
        this.#closeIfDone(role);
        continue;
      }
      const active = [...this.#roles.values()].filter(({ role }) => !role.done);
      if (active.length === 0) return;
      const next = Math.min(...active.map(({ role }) => role.tick(this.now)));
      if (!Number.isFinite(next)) {
        const waiting = [...this.#roles.entries()].filter(([, { role }]) => !role.done).map(([key]) => key);
        throw new Error(`deadlock: no message in flight and no deadline; waiting: ${waiting.join(', ')}`);
      }
      this.now = Math.max(this.now, next);
      for (const { role } of active) {
        role.tick(this.now);
        this.#closeIfDone(role);
      }
    }
    throw new Error(`still running after ${maxSteps} steps`);
  }

  /** Messages never received, per "rank:tag". */
  undelivered(): Map<string, number> {
    const left = new Map<string, number>();
    for (const [key, queue] of this.#queues) if (queue.length > 0) left.set(key, queue.length);
    return left;
  }

  // Messages here leave at once, so a done role's sends have all left: close it now.
  #closeIfDone(role: Role): void {
    if (!role.done || this.#closed.has(role)) return;
    this.#closed.add(role);
    role.close?.(this.now);
  }

  #queue(rank: number, tag: Tag): Envelope[] {
    const key = `${rank}:${tag}`;
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      queue = [];
      this.#queues.set(key, queue);
    }
    return queue;
  }

  // A random sender's oldest message: senders interleave, each one's messages stay in order.
  #take(queue: Envelope[]): Envelope {
    const source = queue[randomIndex(this.#random, queue.length)]!.source;
    const index = queue.findIndex((envelope) => envelope.source === source);
    return queue.splice(index, 1)[0]!;
  }
}
