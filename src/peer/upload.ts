/**
 * A peer's upload half: serves segment requests from any peer for the segments it holds
 * (owned, or downloaded so far), refuses the rest explicitly, counts what it served, and
 * reports to the tracker when told to stop, once every answer it sent has left (close): the
 * tracker then knows no data is still on its way to a download worker.
 */
import { encodeSegmentsWithRoom } from '../protocol/codec.js';
import { rankCounts, type Message, type SegmentRequest } from '../protocol/messages.js';
import type { Outbox } from '../protocol/outbox.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import type { Role } from '../protocol/role.js';
import { TRACKER_RANK, Tag } from '../protocol/tags.js';
import type { PieceStore } from './store.js';

/** Changes to what the upload worker sends, for fault injection (see faults.ts). */
export interface UploadBehaviour {
  /** The payload to send for a segment (the stored one, or a corrupted copy). */
  payload(stored: Uint8Array): Uint8Array;
  /** Milliseconds to hold an answer back (0: answer at once). */
  delayMs(): number;
  /** Called after each answer with the total of segments served. */
  served(total: number): void;
}

export const HONEST_UPLOAD: UploadBehaviour = {
  payload: (stored) => stored,
  delayMs: () => 0,
  served: () => {},
};

/**
 * A bound on the answers this worker has handed to MPI and MPI has not finished sending: the
 * memory they hold. Requests beyond it wait, in order, until sends complete.
 */
export interface SendBudget {
  limitBytes: number;
  /** Bytes of sends not yet complete (the transport's count). */
  pendingBytes(): number;
}

export interface UploadContext {
  rank: number;
  size: number;
  outbox: Outbox;
  store: PieceStore;
  /** Rank 0 is a peer too (stage mode: the tracker's rank also gets the data). */
  trackerIsPeer?: boolean;
  behaviour?: UploadBehaviour;
  /** Unbounded when absent (the course mode: answers are tiny). */
  sendBudget?: SendBudget;
  /** Where an answer's buffer comes from (the transport's, to reuse); a fresh one if absent. */
  allocate?: (bytes: number) => Uint8Array;
}

/** How soon to look again whether sends completed, while requests wait for the budget. */
const BUDGET_POLL_MS = 1;

/** What an answer will carry: the segments held (with their lengths) and those refused. */
interface PlannedAnswer {
  held: { segment: number; length: number }[];
  refused: number[];
  /** Payload bytes of the held segments. */
  bytes: number;
}

interface HeldBack {
  at: number;
  dest: number;
  data: Uint8Array;
}

export class Upload implements Role {
  readonly servedTo = new Map<number, number>();
  served = 0;
  refused = 0;
  readonly #context: UploadContext;
  readonly #behaviour: UploadBehaviour;
  #heldBack: HeldBack[] = [];
  /** Requests waiting for the send budget, oldest first. */
  readonly #waiting: { source: number; request: SegmentRequest }[] = [];
  #stopping = false;
  #done = false;

  constructor(context: UploadContext) {
    this.#context = context;
    this.#behaviour = context.behaviour ?? HONEST_UPLOAD;
  }

  get done(): boolean {
    return this.#done;
  }

  start(): void {}

  handle(source: number, message: Message, now: number): void {
    switch (message.type) {
      case 'segment-request':
        this.#checkRequester(source);
        this.#waiting.push({ source, request: message });
        this.#answerWaiting(now);
        break;
      case 'stop':
        if (source !== TRACKER_RANK) throw new ProtocolError('only the tracker can stop an upload worker');
        this.#stopping = true;
        this.tick(now);
        break;
      default:
        throw new ProtocolError(`an upload worker does not take ${message.type} messages`);
    }
  }

  tick(now: number): number {
    this.#answerWaiting(now);
    while (this.#heldBack.length > 0 && (this.#heldBack[0]!.at <= now || this.#stopping)) {
      const { dest, data } = this.#heldBack.shift()!;
      this.#context.outbox.sendEncoded(dest, Tag.Download, data);
    }
    // Every request is answered, even after stop: its asker still takes late answers.
    if (this.#stopping && this.#waiting.length === 0) this.#done = true;
    const next = this.#heldBack[0]?.at ?? Infinity;
    return this.#waiting.length > 0 ? Math.min(next, now + BUDGET_POLL_MS) : next;
  }

  #checkRequester(source: number): void {
    const lowest = this.#context.trackerIsPeer ? 0 : 1;
    if (source < lowest || source >= this.#context.size || source === this.#context.rank) {
      throw new ProtocolError(`a segment request from rank ${source}, which is not another peer`);
    }
  }

  // Oldest first; one answer may exceed the budget alone, so nothing waits forever.
  #answerWaiting(now: number): void {
    const budget = this.#context.sendBudget;
    while (this.#waiting.length > 0) {
      const { source, request } = this.#waiting[0]!;
      const answer = this.#heldOf(request);
      if (budget !== undefined) {
        const pending = budget.pendingBytes();
        if (pending > 0 && pending + answer.bytes > budget.limitBytes) return;
      }
      this.#waiting.shift();
      this.#answer(source, request, answer, now);
    }
  }

  #heldOf(request: SegmentRequest): PlannedAnswer {
    const { store } = this.#context;
    const held: PlannedAnswer['held'] = [];
    const refused: number[] = [];
    let bytes = 0;
    for (const segment of request.segments) {
      if (!store.has(request.fileId, segment)) {
        refused.push(segment);
        continue;
      }
      const length = store.lengthOf(request.fileId, segment);
      held.push({ segment, length });
      bytes += length;
    }
    return { held, refused, bytes };
  }

  #answer(source: number, request: SegmentRequest, { held, refused }: PlannedAnswer, now: number): void {
    const { store } = this.#context;
    const { fileId } = request;
    // Each payload is read straight into the reply's buffer: no copy between the store and MPI.
    const { data: reply, payloads } = encodeSegmentsWithRoom(fileId, held, refused, this.#context.allocate);
    held.forEach(({ segment }, i) => {
      const room = payloads[i]!;
      store.readInto(fileId, segment, room);
      const sent = this.#behaviour.payload(room);
      if (sent !== room) room.set(sent.subarray(0, room.length));
    });
    this.served += held.length;
    this.refused += refused.length;
    this.servedTo.set(source, (this.servedTo.get(source) ?? 0) + held.length);
    const delay = this.#behaviour.delayMs();
    if (delay > 0 && !this.#stopping) {
      // Kept in order of due time, so a short delay never waits behind a longer one.
      const at = now + delay;
      const index = this.#heldBack.findIndex((held) => held.at > at);
      this.#heldBack.splice(index === -1 ? this.#heldBack.length : index, 0, { at, dest: source, data: reply });
    } else {
      this.#context.outbox.sendEncoded(source, Tag.Download, reply);
    }
    this.#behaviour.served(this.served);
  }

  close(): void {
    this.#context.outbox.send(TRACKER_RANK, Tag.Tracker, {
      type: 'upload-stats',
      servedTo: rankCounts(this.servedTo),
      refused: this.refused,
      messagesSent: this.#context.outbox.sent + 1,
    });
  }
}
