/**
 * The protocol over MPI: nonblocking sends, and receives that wait by polling a matched probe
 * and sleeping (Backoff), so no thread ever blocks inside MPI. The one file of protocol/ that
 * uses the MPI binding.
 */
import { monotonicMs } from '../mpi/clock.js';
import { ANY_SOURCE, Backoff, type BackoffOptions, type Communicator, type Request } from '../mpi/index.js';
import { BufferPool } from './buffer-pool.js';
import type { Tag } from './tags.js';
import type { Packet, Transport } from './transport.js';

/**
 * The longest sleep while a send to another node is in flight. Without asynchronous progress, a
 * message above the eager limit moves over TCP only while its sender calls into MPI; on one
 * node (vader, CMA single-copy) the receiver copies it alone, so those sends do not shorten
 * the wait (docs/decisions/016-stage-large-messages.md).
 */
export const REMOTE_SEND_POLL_US = 50;

export interface MpiTransportOptions {
  /** Idle bytes of large messages' buffers kept for the next ones (none by default). */
  reuseBytes?: number;
  /**
   * The ranks on this node: sends to any other rank need this thread's polls to move on. When
   * absent, every rank counts as on this node (the waits never shorten).
   */
  localRanks?: readonly number[];
}

export class MpiTransport implements Transport {
  readonly #comm: Communicator;
  readonly #backoff: Backoff;
  // The ranks on this node, if known: sends to others are polled for while in flight.
  readonly #localRanks: ReadonlySet<number> | undefined;
  // Sends MPI has not finished with; they keep their buffers alive.
  #inFlight: { request: Request; data: Uint8Array; remote: boolean }[] = [];
  #inFlightBytes = 0;
  #remoteInFlight = 0;
  // Large messages' buffers, received into and sent from again once done with.
  readonly #buffers: BufferPool;
  readonly #allocate = (bytes: number) => this.#buffers.take(bytes);

  constructor(comm: Communicator, backoff: Partial<BackoffOptions> = {}, options: MpiTransportOptions = {}) {
    this.#comm = comm;
    this.#backoff = new Backoff(backoff);
    this.#buffers = new BufferPool(options.reuseBytes ?? 0);
    this.#localRanks = options.localRanks && new Set(options.localRanks);
  }

  get rank(): number {
    return this.#comm.rank;
  }

  get size(): number {
    return this.#comm.size;
  }

  send(dest: number, tag: Tag, data: Uint8Array): void {
    const request = this.#comm.isend(data, dest, tag);
    if (request.test() !== undefined) {
      this.#buffers.give(data);
      return;
    }
    const remote = this.#localRanks !== undefined && !this.#localRanks.has(dest);
    this.#inFlight.push({ request, data, remote });
    this.#inFlightBytes += data.byteLength;
    if (remote) this.#remoteInFlight++;
  }

  /** A buffer for a message to send, perhaps one a finished send or a released receive held. */
  allocate(bytes: number): Uint8Array {
    return this.#buffers.take(bytes);
  }

  /** The packet's bytes are no longer used: its buffer may take the next message. */
  release(packet: Packet): void {
    this.#buffers.give(packet.data);
  }

  /** Bytes of sends MPI has not finished with (the memory they hold). */
  pendingBytes(): number {
    if (this.#inFlight.length > 0) this.#reap();
    return this.#inFlightBytes;
  }

  receive(tag: Tag, timeoutMs: number): Packet | undefined {
    if (this.#inFlight.length > 0) this.#reap();
    if (this.#remoteInFlight === 0) return this.#wait(tag, timeoutMs);
    // Wait in slices, testing the sends between them (which moves them on), until they are done.
    const sliceMs = REMOTE_SEND_POLL_US / 1000;
    const deadline = monotonicMs() + timeoutMs;
    for (;;) {
      const left = deadline - monotonicMs();
      if (left <= sliceMs) return this.#wait(tag, Math.max(0, left));
      const packet = this.#wait(tag, sliceMs);
      if (packet !== undefined) return packet;
      this.#reap();
      if (this.#remoteInFlight === 0) return this.#wait(tag, Math.max(0, deadline - monotonicMs()));
    }
  }

  flush(): void {
    const backoff = new Backoff(this.#backoff.options);
    while (this.#inFlight.length > 0) {
      this.#reap();
      if (this.#inFlight.length > 0) backoff.pause(this.#remoteInFlight > 0 ? REMOTE_SEND_POLL_US : Infinity);
    }
  }

  #wait(tag: Tag, timeoutMs: number): Packet | undefined {
    return this.#comm.waitMessage(ANY_SOURCE, tag, { backoff: this.#backoff, timeoutMs, allocate: this.#allocate });
  }

  #reap(): void {
    this.#inFlight = this.#inFlight.filter(({ request, data, remote }) => {
      if (request.test() === undefined) return true;
      this.#inFlightBytes -= data.byteLength;
      if (remote) this.#remoteInFlight--;
      this.#buffers.give(data);
      return false;
    });
  }
}
