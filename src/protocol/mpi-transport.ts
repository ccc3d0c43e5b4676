/**
 * The protocol over MPI: nonblocking sends, and receives that wait by polling a matched probe
 * and sleeping (Backoff), so no thread ever blocks inside MPI. The one file of protocol/ that
 * uses the MPI binding.
 */
import { ANY_SOURCE, Backoff, type BackoffOptions, type Communicator, type Request } from '../mpi/index.js';
import type { Tag } from './tags.js';
import type { Packet, Transport } from './transport.js';

export class MpiTransport implements Transport {
  readonly #comm: Communicator;
  readonly #backoff: Backoff;
  // Sends MPI has not finished with; they keep their buffers alive.
  #inFlight: { request: Request; bytes: number }[] = [];
  #inFlightBytes = 0;

  constructor(comm: Communicator, backoff: Partial<BackoffOptions> = {}) {
    this.#comm = comm;
    this.#backoff = new Backoff(backoff);
  }

  get rank(): number {
    return this.#comm.rank;
  }

  get size(): number {
    return this.#comm.size;
  }

  send(dest: number, tag: Tag, data: Uint8Array): void {
    const request = this.#comm.isend(data, dest, tag);
    if (request.test() !== undefined) return;
    this.#inFlight.push({ request, bytes: data.byteLength });
    this.#inFlightBytes += data.byteLength;
  }

  /** Bytes of sends MPI has not finished with (the memory they hold). */
  pendingBytes(): number {
    if (this.#inFlight.length > 0) this.#reap();
    return this.#inFlightBytes;
  }

  receive(tag: Tag, timeoutMs: number): Packet | undefined {
    if (this.#inFlight.length > 0) this.#reap();
    return this.#comm.waitMessage(ANY_SOURCE, tag, { backoff: this.#backoff, timeoutMs });
  }

  flush(): void {
    const backoff = new Backoff(this.#backoff.options);
    while (this.#inFlight.length > 0) {
      this.#reap();
      if (this.#inFlight.length > 0) backoff.pause();
    }
  }

  #reap(): void {
    this.#inFlight = this.#inFlight.filter(({ request, bytes }) => {
      if (request.test() === undefined) return true;
      this.#inFlightBytes -= bytes;
      return false;
    });
  }
}
