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

export interface UploadContext {
  rank: number;
  size: number;
  outbox: Outbox;
  store: PieceStore;
  /** Rank 0 is a peer too (stage mode: the tracker's rank also gets the data). */
  trackerIsPeer?: boolean;
  behaviour?: UploadBehaviour;
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
        this.#onRequest(source, message, now);
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
    while (this.#heldBack.length > 0 && (this.#heldBack[0]!.at <= now || this.#stopping)) {
      const { dest, data } = this.#heldBack.shift()!;
      this.#context.outbox.sendEncoded(dest, Tag.Download, data);
    }
    if (this.#stopping) this.#done = true;
    return this.#heldBack[0]?.at ?? Infinity;
  }

  #onRequest(source: number, request: SegmentRequest, now: number): void {
    const lowest = this.#context.trackerIsPeer ? 0 : 1;
    if (source < lowest || source >= this.#context.size || source === this.#context.rank) {
      throw new ProtocolError(`a segment request from rank ${source}, which is not another peer`);
    }
    const { store } = this.#context;
    const { fileId } = request;
    const held: { segment: number; length: number }[] = [];
    const refused: number[] = [];
    for (const segment of request.segments) {
      if (store.has(fileId, segment)) held.push({ segment, length: store.lengthOf(fileId, segment) });
      else refused.push(segment);
    }
    // Each payload is read straight into the reply's buffer: no copy between the store and MPI.
    const { data: reply, payloads } = encodeSegmentsWithRoom(fileId, held, refused);
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
