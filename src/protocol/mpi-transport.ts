/**
 * The protocol over MPI: nonblocking sends, and receives that wait by polling a matched probe
 * and sleeping (Backoff), so no thread ever blocks inside MPI. The one file of protocol/ that
 * uses the MPI binding.
 */
import { ANY_SOURCE, Backoff, type BackoffOptions, type Communicator, type Request } from '../mpi/index.js';
import { BufferPool } from './buffer-pool.js';
import type { Tag } from './tags.js';
import type { Packet, Transport } from './transport.js';

export class MpiTransport implements Transport {
  readonly #comm: Communicator;
  readonly #backoff: Backoff;
  // Sends MPI has not finished with; they keep their buffers alive.
  #inFlight: { request: Request; data: Uint8Array }[] = [];
  #inFlightBytes = 0;
  // Large messages' buffers, received into and sent from again once done with.
  readonly #buffers: BufferPool;
  readonly #allocate = (bytes: number) => this.#buffers.take(bytes);

  /** `reuseBytes`: idle bytes of large messages' buffers kept for the next ones (none by default). */
  constructor(comm: Communicator, backoff: Partial<BackoffOptions> = {}, reuseBytes = 0) {
    this.#comm = comm;
    this.#backoff = new Backoff(backoff);
    this.#buffers = new BufferPool(reuseBytes);
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
    this.#inFlight.push({ request, data });
    this.#inFlightBytes += data.byteLength;
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
    return this.#comm.waitMessage(ANY_SOURCE, tag, { backoff: this.#backoff, timeoutMs, allocate: this.#allocate });
  }

  flush(): void {
    const backoff = new Backoff(this.#backoff.options);
    while (this.#inFlight.length > 0) {
      this.#reap();
      if (this.#inFlight.length > 0) backoff.pause();
    }
  }

  #reap(): void {
    this.#inFlight = this.#inFlight.filter(({ request, data }) => {
      if (request.test() === undefined) return true;
      this.#inFlightBytes -= data.byteLength;
      this.#buffers.give(data);
      return false;
    });
  }
}
