/** A nonblocking send or receive in flight (isend, irecv). */
import { MpiError } from './errors.js';
import { native } from './native.js';
import { lastStatus, type Status } from './status.js';

// Requests MPI still works on, so neither they nor their buffers are collected too early.
const inFlight = new Set<Request>();

export class Request {
  #handle: number;
  #buffer: ArrayBufferView | undefined;
  #status: Status | undefined;
  #waiting: Promise<Status> | undefined;

  /** @internal Made by Communicator.isend / irecv. */
  constructor(handle: number, buffer: ArrayBufferView) {
    this.#handle = handle;
    this.#buffer = buffer;
    inFlight.add(this);
  }

  /** True once MPI is done with the buffer. */
  get done(): boolean {
    return this.#status !== undefined;
  }

  /** The buffer the request sends from or receives into. */
  get buffer(): ArrayBufferView | undefined {
    return this.#buffer;
  }

  /** MPI_Test: the status once complete, else undefined. */
  test(): Status | undefined {
    if (this.#status !== undefined || this.#waiting !== undefined) return this.#status;
    return native.test(this.#handle) ? this.#complete(lastStatus()) : undefined;
  }

  /** MPI_Wait: blocks this thread inside MPI (Open MPI spins) until complete. */
  waitSync(): Status {
    if (this.#status !== undefined) return this.#status;
    if (this.#waiting !== undefined) {
      throw new MpiError('this request is already being waited for with wait()');
    }
    native.wait(this.#handle);
    return this.#complete(lastStatus());
  }

  /** Resolves when complete; the event loop stays free (the poller thread tests it). */
  wait(): Promise<Status> {
    if (this.#status !== undefined) return Promise.resolve(this.#status);
    if (this.#waiting === undefined) {
      if (native.test(this.#handle)) return Promise.resolve(this.#complete(lastStatus()));
      this.#waiting = new Promise<Status>((resolve, reject) => {
        native.waitAsync(this.#handle, (error, _data, source, tag, count) => {
          if (error) {
            inFlight.delete(this);
            reject(error);
          } else {
            resolve(this.#complete({ source, tag, count }));
          }
        });
      });
    }
    return this.#waiting;
  }

  /** MPI_Cancel: the request must still be completed with test or wait. */
  cancel(): void {
    if (this.#status === undefined && this.#waiting === undefined) native.cancel(this.#handle);
  }

  #complete(status: Status): Status {
    this.#status = status;
    inFlight.delete(this);
    return status;
  }
}
