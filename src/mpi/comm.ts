/** Communicators: point-to-point on bytes, matched probes, requests, collectives. */
import { monotonicMs } from './clock.js';
import { Backoff } from './backoff.js';
import { ANY_SOURCE, ANY_TAG } from './constants.js';
import { MpiError } from './errors.js';
import { Message } from './message.js';
import { native } from './native.js';
import { Request } from './request.js';
import { lastStatus, type ReceivedMessage, type Status } from './status.js';
import * as validate from './validate.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Ranks and tags are checked as integers only: MPI itself reports MPI_ERR_RANK / MPI_ERR_TAG. */
function rank(name: string, value: unknown): number {
  return validate.integer(name, value, INT_MIN, INT_MAX);
}
const tag = rank;

export interface WaitMessageOptions {
  /** How to wait between polls (shared across calls to keep its state). */
  backoff?: Backoff;
  /** Give up after this many milliseconds and return undefined. */
  timeoutMs?: number;
}

export class Communicator {
  /** The addon's handle; worker threads can rebuild the communicator from it. */
  readonly handle: number;
  #rank = -1;
  #size = -1;

  constructor(handle: number) {
    this.handle = handle;
  }

  /** This process's rank (MPI_Comm_rank). */
  get rank(): number {
    if (this.#rank < 0) this.#rank = native.commRank(this.handle);
    return this.#rank;
  }

  /** The number of ranks (MPI_Comm_size). */
  get size(): number {
    if (this.#size < 0) this.#size = native.commSize(this.handle);
    return this.#size;
  }

  /** MPI_Send of the view's bytes. Large messages block until the receiver takes them. */
  send(data: ArrayBufferView, dest: number, tagValue = 0): void {
    native.send(this.handle, validate.bytes('data', data), rank('dest', dest), tag('tag', tagValue));
  }

  /** MPI_Ssend: returns once the receiver has started receiving. */
  ssend(data: ArrayBufferView, dest: number, tagValue = 0): void {
    native.ssend(this.handle, validate.bytes('data', data), rank('dest', dest), tag('tag', tagValue));
  }

  /** MPI_Recv into the caller's buffer; blocks inside MPI. */
  recv(buffer: ArrayBufferView, source = ANY_SOURCE, tagValue = ANY_TAG): Status {
    native.recv(this.handle, validate.bytes('buffer', buffer), rank('source', source), tag('tag', tagValue));
    return lastStatus();
  }

  /** Matched probe, then receive into a fresh buffer of the message's size; blocks inside MPI. */
  recvMessage(source = ANY_SOURCE, tagValue = ANY_TAG): ReceivedMessage {
    return this.mprobe(source, tagValue).recv();
  }

  /** The next matching message if one is there now (MPI_Improbe + MPI_Mrecv), else undefined. */
  tryRecvMessage(source = ANY_SOURCE, tagValue = ANY_TAG): ReceivedMessage | undefined {
    const message = native.improbe(this.handle, rank('source', source), tag('tag', tagValue));
    if (message < 0) return undefined;
    const data = Buffer.allocUnsafe(native.status[3]!);
    native.mrecv(message, data);
    return { data, ...lastStatus() };
  }

  /**
   * Waits on this thread without entering a blocking MPI call: polls, spins, then sleeps
   * (see Backoff). Returns undefined if `timeoutMs` passes first.
   */
  waitMessage(source = ANY_SOURCE, tagValue = ANY_TAG, options: WaitMessageOptions = {}): ReceivedMessage | undefined {
    const backoff = options.backoff ?? new Backoff();
    const deadline = options.timeoutMs === undefined ? Infinity : monotonicMs() + options.timeoutMs;
    for (;;) {
      // Open MPI's ob1 matches a message only on the probe after the one that pulled it in.
      const message = this.tryRecvMessage(source, tagValue) ?? this.tryRecvMessage(source, tagValue);
      if (message !== undefined) {
        backoff.reset();
        return message;
      }
      const left = deadline - monotonicMs();
      if (left <= 0) return undefined;
      backoff.pause(left * 1000);
    }
  }

  /**
   * Resolves with the next matching message without blocking the event loop: a quick poll
   * here, then the addon's poller thread waits and receives it.
   */
  recvAsync(source = ANY_SOURCE, tagValue = ANY_TAG): Promise<ReceivedMessage> {
    const ready = this.tryRecvMessage(source, tagValue) ?? this.tryRecvMessage(source, tagValue);
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      native.recvAsync(this.handle, source, tagValue, (error, data, from, gotTag, count) => {
        if (error) reject(error);
        else resolve({ data: data!, source: from, tag: gotTag, count });
      });
    });
  }

  /** MPI_Sendrecv: sends and receives at once (no deadlock in rings). */
  sendrecv(
    data: ArrayBufferView, dest: number, sendTag: number,
    buffer: ArrayBufferView, source = ANY_SOURCE, recvTag = ANY_TAG,
  ): Status {
    native.sendrecv(
      this.handle, validate.bytes('data', data), rank('dest', dest), tag('sendTag', sendTag),
      validate.bytes('buffer', buffer), rank('source', source), tag('recvTag', recvTag),
    );
    return lastStatus();
  }

  /** MPI_Probe: blocks until a matching message is there; does not receive it. */
  probe(source = ANY_SOURCE, tagValue = ANY_TAG): Status {
    native.probe(this.handle, rank('source', source), tag('tag', tagValue));
    return lastStatus();
  }

  /** MPI_Iprobe: the status of a matching message if there is one now. */
  iprobe(source = ANY_SOURCE, tagValue = ANY_TAG): Status | undefined {
    return native.iprobe(this.handle, rank('source', source), tag('tag', tagValue)) ? lastStatus() : undefined;
  }

  /** MPI_Mprobe: blocks until a message matches and reserves it for this thread. */
  mprobe(source = ANY_SOURCE, tagValue = ANY_TAG): Message {
    const handle = native.mprobe(this.handle, rank('source', source), tag('tag', tagValue));
    return new Message(handle, lastStatus());
  }

  /** MPI_Improbe: reserves a matching message for this thread if there is one now. */
  improbe(source = ANY_SOURCE, tagValue = ANY_TAG): Message | undefined {
    const handle = native.improbe(this.handle, rank('source', source), tag('tag', tagValue));
    return handle < 0 ? undefined : new Message(handle, lastStatus());
  }

  /** MPI_Isend; the request keeps `data` alive until it completes. Do not modify it until then. */
  isend(data: ArrayBufferView, dest: number, tagValue = 0): Request {
    const bytes = validate.bytes('data', data);
    return new Request(native.isend(this.handle, bytes, rank('dest', dest), tag('tag', tagValue)), bytes);
  }

  /** MPI_Irecv into the caller's buffer; the request keeps it alive until it completes. */
  irecv(buffer: ArrayBufferView, source = ANY_SOURCE, tagValue = ANY_TAG): Request {
    const bytes = validate.bytes('buffer', buffer);
    return new Request(native.irecv(this.handle, bytes, rank('source', source), tag('tag', tagValue)), bytes);
  }

  /** MPI_Barrier. */
  barrier(): void {
    native.barrier(this.handle);
  }

  /** MPI_Bcast of `buffer` from `root`: every rank passes a buffer of the same size. */
  bcast(buffer: ArrayBufferView, root: number): void {
    native.bcast(this.handle, validate.bytes('buffer', buffer), rank('root', root));
  }

  /** MPI_Comm_dup: the same group with a separate message space. */
  dup(): Communicator {
    return new Communicator(native.commDup(this.handle));
  }

  /** MPI_Comm_free. */
  free(): void {
    native.commFree(this.handle);
  }

  /** MPI_Abort: ends every rank of the job with `code`. */
  abort(code = 1): never {
    native.abort(this.handle, validate.integer('code', code, 0, 255));
    throw new MpiError('MPI_Abort returned');
  }
}
