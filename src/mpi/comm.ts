/** Communicators: point-to-point on bytes, matched probes, requests, collectives, splits. */
import { monotonicMs } from './clock.js';
import { Backoff } from './backoff.js';
import { ANY_SOURCE, ANY_TAG, COMM_TYPE_SHARED, type ReduceOp } from './constants.js';
import * as elements from './elements.js';
import type { TypedArray } from './elements.js';
import { MpiError } from './errors.js';
import { Message } from './message.js';
import { native } from './native.js';
import { Request } from './request.js';
import { lastCount, lastStatus, type ReceivedMessage, type Status } from './status.js';
import * as validate from './validate.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Ranks and tags are checked as integers only: MPI itself reports MPI_ERR_RANK / MPI_ERR_TAG. */
function rank(name: string, value: unknown): number {
  return validate.integer(name, value, INT_MIN, INT_MAX);
}
const tag = rank;

/** The bytes a view covers, as a Uint8Array over the same memory (no copy). */
function bytesOf(view: ArrayBufferView): Uint8Array {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

// The caller's buffer cut to the message; one too small is not used (the message is matched and
// must be received whole), a fresh Buffer takes it instead.
function receiveRoom(allocate: Allocate, count: number): Buffer {
  const room = allocate(count);
  if (!(room instanceof Uint8Array) || room.length < count) return Buffer.allocUnsafe(count);
  return Buffer.from(room.buffer, room.byteOffset, count);
}

/** Options of Communicator.waitMessage. */
export interface WaitMessageOptions {
  /** How to wait between polls (shared across calls to keep its state). */
  backoff?: Backoff;
  /** Give up after this many milliseconds and return undefined. */
  timeoutMs?: number;
  /** Where to receive a message of `bytes` bytes (see tryRecvMessage); a fresh Buffer if absent. */
  allocate?: Allocate;
}

/**
 * Gives a buffer of at least `bytes` bytes to receive into; the message fills its first `bytes`,
 * and the received message's `data` is a Buffer over that memory (a fresh Buffer if it is too small).
 * Lets a caller reuse its buffers: a fresh large Buffer costs page faults on every receive.
 */
export type Allocate = (bytes: number) => Uint8Array;

/**
 * A group of ranks and its message space (an MPI communicator). Methods are MPI's calls, with
 * MPI's names, on buffers MPI reads and writes in place: no copy between JS memory and MPI.
 * Errors throw an MpiError (MPI_ERRORS_RETURN is set on every communicator); bad arguments
 * throw a TypeError or RangeError before any MPI call.
 *
 * Blocking calls (recv, probe, mprobe, the collectives, waitSync) wait inside MPI, where Open
 * MPI spins and burns a core, and a thread blocked there cannot be terminated. They suit short
 * exchanges, such as collectives at the start and end of a job on the main thread. To wait
 * long, use waitMessage, recvAsync, or a nonblocking call (isend, irecv, ibarrier, ibcast)
 * and its Request.
 */
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

  /**
   * The next matching message if one is there now (MPI_Improbe + MPI_Mrecv), else undefined;
   * received into `allocate(size)` (its first `size` bytes), a fresh Buffer by default.
   */
  tryRecvMessage(source = ANY_SOURCE, tagValue = ANY_TAG, allocate?: Allocate): ReceivedMessage | undefined {
    const message = native.improbe(this.handle, rank('source', source), tag('tag', tagValue));
    if (message < 0) return undefined;
    const count = lastCount();
    const data = allocate === undefined ? Buffer.allocUnsafe(count) : receiveRoom(allocate, count);
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
      const message =
        this.tryRecvMessage(source, tagValue, options.allocate) ??
        this.tryRecvMessage(source, tagValue, options.allocate);
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
    const from = rank('source', source);
    const wanted = tag('tag', tagValue);
    const ready = this.tryRecvMessage(from, wanted) ?? this.tryRecvMessage(from, wanted);
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      native.recvAsync(this.handle, from, wanted, (error, data, sender, gotTag, count) => {
        if (error) reject(error);
        else resolve({ data: data!, source: sender, tag: gotTag, count });
      });
    });
  }

  /** MPI_Sendrecv: sends and receives at once (no deadlock in rings). */
  sendrecv(
    data: ArrayBufferView,
    dest: number,
    sendTag: number,
    buffer: ArrayBufferView,
    source = ANY_SOURCE,
    recvTag = ANY_TAG,
  ): Status {
    native.sendrecv(
      this.handle,
      validate.bytes('data', data),
      rank('dest', dest),
      tag('sendTag', sendTag),
      validate.bytes('buffer', buffer),
      rank('source', source),
      tag('recvTag', recvTag),
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

  /** MPI_Barrier: returns once every rank has called it. Blocks inside MPI. */
  barrier(): void {
    native.barrier(this.handle);
  }

  /** MPI_Ibarrier: the request completes once every rank has called it. */
  ibarrier(): Request {
    return new Request(native.ibarrier(this.handle));
  }

  /** MPI_Bcast of `buffer`'s bytes from `root`: every rank passes a buffer of the same size. */
  bcast(buffer: ArrayBufferView, root: number): void {
    native.bcast(this.handle, validate.bytes('buffer', buffer), rank('root', root));
  }

  /** MPI_Ibcast: bcast as a request, which keeps `buffer` alive until it completes. */
  ibcast(buffer: ArrayBufferView, root: number): Request {
    const bytes = validate.bytes('buffer', buffer);
    return new Request(native.ibcast(this.handle, bytes, rank('root', root)), bytes);
  }

  /**
   * Bytes from `root` to every rank, whatever their length: the length goes first, then the
   * bytes. The root passes `data` and gets it back as a Buffer over the same memory; the
   * others pass undefined and get a new Buffer.
   */
  bcastBytes(data: ArrayBufferView | undefined, root: number): Buffer {
    const from = rank('root', root);
    const isRoot = this.rank === from;
    const length = Int32Array.of(isRoot ? validate.bytes('data', data).byteLength : 0);
    this.bcast(length, from);
    const bytes = isRoot ? bytesOf(data!) : Buffer.allocUnsafe(length[0]!);
    this.bcast(bytes, from);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * MPI_Allgather: each rank's `send` lands in every rank's `recv`, rank r's at r * send's
   * length. Every rank sends as many elements, of the TypedArray type of `recv` (the MPI
   * datatype follows it: Int32Array is MPI_INT32_T, Float64Array MPI_DOUBLE, ...; a DataView
   * is bytes).
   */
  allgather<T extends TypedArray | DataView>(send: T, recv: T): void {
    const data = validate.bytes('send', send);
    const into = elements.receiveBuffer('recv', recv, data, elements.lengthOf(data) * this.size);
    native.allgather(this.handle, data, into);
  }

  /**
   * MPI_Allgatherv: rank r sends `counts[r]` elements, which land at `displs[r]` in every
   * rank's `recv` (packed in rank order when `displs` is left out). Counts in elements.
   */
  allgatherv<T extends TypedArray | DataView>(
    send: T,
    recv: T,
    counts: ArrayLike<number>,
    displs?: ArrayLike<number>,
  ): void {
    const data = validate.bytes('send', send);
    const { counts: sizes, displs: offsets } = this.#layout(data, counts, displs);
    const into = elements.receiveBuffer('recv', recv, data, elements.extent(sizes, offsets));
    native.allgatherv(this.handle, data, into, sizes, offsets);
  }

  /**
   * Every rank's bytes, whatever their lengths, on every rank: the lengths are gathered first,
   * then the bytes into one Buffer. Returns one Buffer per rank, views of that one.
   */
  allgatherBytes(data: ArrayBufferView): Buffer[] {
    const bytes = bytesOf(validate.bytes('data', data));
    const lengths = new Int32Array(this.size);
    this.allgather(Int32Array.of(bytes.byteLength), lengths);
    const displs = elements.packedDispls(lengths);
    const all = Buffer.allocUnsafe(elements.extent(lengths, displs));
    native.allgatherv(this.handle, bytes, all, lengths, displs);
    return Array.from(lengths, (length, r) => all.subarray(displs[r], displs[r]! + length));
  }

  /**
   * MPI_Gather: each rank's `send` lands in the root's `recv`, rank r's at r * send's length.
   * Only the root passes `recv`; the others may pass undefined.
   */
  gather<T extends TypedArray | DataView>(send: T, recv: T | undefined, root: number): void {
    const data = validate.bytes('send', send);
    const to = rank('root', root);
    const into =
      this.rank === to ? elements.receiveBuffer('recv', recv, data, elements.lengthOf(data) * this.size) : undefined;
    native.gather(this.handle, data, into, to);
  }

  /**
   * MPI_Gatherv: rank r sends `counts[r]` elements, which land at `displs[r]` in the root's
   * `recv` (packed when `displs` is left out). Only the root passes recv, counts and displs.
   */
  gatherv<T extends TypedArray | DataView>(
    send: T,
    recv: T | undefined,
    counts: ArrayLike<number> | undefined,
    displs: ArrayLike<number> | undefined,
    root: number,
  ): void {
    const data = validate.bytes('send', send);
    const to = rank('root', root);
    if (this.rank !== to) {
      native.gatherv(this.handle, data, undefined, undefined, undefined, to);
      return;
    }
    const { counts: sizes, displs: offsets } = this.#layout(data, counts, displs);
    const into = elements.receiveBuffer('recv', recv, data, elements.extent(sizes, offsets));
    native.gatherv(this.handle, data, into, sizes, offsets, to);
  }

  /**
   * MPI_Allreduce: every rank gets, element by element, `op` over all ranks' `send`. Pass the
   * same array as `send` and `recv` to reduce in place (MPI_IN_PLACE). The MPI datatype
   * follows the TypedArray type; LAND, LOR, LXOR, BAND, BOR and BXOR need integers.
   */
  allreduce<T extends TypedArray>(send: T, recv: T, op: ReduceOp): void {
    const data = validate.bytes('send', send);
    const operation = elements.reduceOp('op', op, data);
    const into =
      (recv as unknown) === data ? data : elements.receiveBuffer('recv', recv, data, elements.lengthOf(data));
    native.allreduce(this.handle, data, into, operation);
  }

  // Counts and displacements of a v-collective, checked against this rank's send.
  #layout(send: ArrayBufferView, counts: unknown, displs: unknown): { counts: Int32Array; displs: Int32Array } {
    const sizes = elements.counts('counts', counts, this.size);
    const sent = elements.lengthOf(send);
    if (sizes[this.rank] !== sent) {
      throw new RangeError(
        `Expected counts[${this.rank}] to be ${sent}, the length of send, but received ${sizes[this.rank]}`,
      );
    }
    const offsets = displs === undefined ? elements.packedDispls(sizes) : elements.counts('displs', displs, this.size);
    return { counts: sizes, displs: offsets };
  }

  /** MPI_Comm_dup: the same group with a separate message space. */
  dup(): Communicator {
    return new Communicator(native.commDup(this.handle));
  }

  /**
   * MPI_Comm_split: one new communicator per `color`, ranked by `key` (then by rank here).
   * Returns null on ranks passing UNDEFINED as color. Every rank of this communicator calls it.
   */
  split(color: number, key = this.rank): Communicator | null {
    const handle = native.commSplit(this.handle, rank('color', color), rank('key', key));
    return handle < 0 ? null : new Communicator(handle);
  }

  /**
   * MPI_Comm_split_type: by default (COMM_TYPE_SHARED) the ranks of this node, ranked by `key`.
   * Returns null on ranks passing UNDEFINED as type. Every rank of this communicator calls it.
   */
  splitType(): Communicator;
  splitType(type: number, key?: number): Communicator | null;
  splitType(type = COMM_TYPE_SHARED, key = this.rank): Communicator | null {
    const handle = native.commSplitType(this.handle, rank('type', type), rank('key', key));
    return handle < 0 ? null : new Communicator(handle);
  }

  /** MPI_Comm_free: for communicators made by dup, split or splitType; not COMM_WORLD or COMM_SELF. */
  free(): void {
    native.commFree(this.handle);
  }

  /** MPI_Abort: ends every rank of the job with `code`. */
  abort(code = 1): never {
    native.abort(this.handle, validate.integer('code', code, 0, 255));
    throw new MpiError('MPI_Abort returned');
  }
}
