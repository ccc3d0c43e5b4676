/** The Request of a nonblocking call, kept (with its buffer) until MPI is done with it. */
import { MpiError } from './errors.js';
import { native } from './native.js';
import { lastStatus, type Status } from './status.js';

// Requests MPI still works on, so neither they nor their buffers are collected too early.
const inFlight = new Set<Request>();

/**
 * A nonblocking operation in flight, from Communicator.isend, irecv, ibarrier or ibcast. Its
 * buffer stays referenced until MPI is done with it. For ibarrier and ibcast the status holds
 * nothing useful.
 */
export class Request {
  #handle: number;
  #buffer: ArrayBufferView | undefined;
  #status: Status | undefined;
  #error: unknown; // set when MPI completed the request with an error (e.g. MPI_ERR_TRUNCATE)
  #waiting: Promise<Status> | undefined;

  /** @internal Made by Communicator.isend, irecv, ibarrier and ibcast. */
  constructor(handle: number, buffer?: ArrayBufferView) {
    this.#handle = handle;
    this.#buffer = buffer;
    inFlight.add(this);
  }

  /** True once MPI is done with the buffer (completed, or failed). */
  get done(): boolean {
    return this.#status !== undefined || this.#error !== undefined;
  }

  /** The buffer the request sends from or receives into (none for ibarrier). */
  get buffer(): ArrayBufferView | undefined {
    return this.#buffer;
  }

  /** MPI_Test: the status once complete, else undefined. Throws the request's MPI error. */
  test(): Status | undefined {
    if (this.#error !== undefined) throw this.#error;
    if (this.#status !== undefined || this.#waiting !== undefined) return this.#status;
    return this.#settle(() => native.test(this.#handle)) ? this.#complete(lastStatus()) : undefined;
  }

  /** MPI_Wait: blocks this thread inside MPI (Open MPI spins) until complete. */
  waitSync(): Status {
    if (this.#error !== undefined) throw this.#error;
    if (this.#status !== undefined) return this.#status;
    if (this.#waiting !== undefined) {
      throw new MpiError('this request is already being waited for with wait()');
    }
    this.#settle(() => native.wait(this.#handle));
    return this.#complete(lastStatus());
  }

  /** Resolves when complete, rejects with its MPI error; the poller thread tests it meanwhile. */
  wait(): Promise<Status> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#status !== undefined) return Promise.resolve(this.#status);
    // Inside the executor, so that an error of the first test rejects instead of throwing.
    this.#waiting ??= new Promise<Status>((resolve, reject) => {
      if (this.#settle(() => native.test(this.#handle))) {
        resolve(this.#complete(lastStatus()));
        return;
      }
      native.waitAsync(this.#handle, (error, _data, source, tag, count) => {
        if (error) {
          this.#fail(error);
          reject(error);
        } else {
          resolve(this.#complete({ source, tag, count }));
        }
      });
    });
    return this.#waiting;
  }

  /** MPI_Cancel: the request must still be completed with test or wait. */
  cancel(): void {
    if (!this.done && this.#waiting === undefined) native.cancel(this.#handle);
  }

  #complete(status: Status): Status {
    this.#status = status;
    inFlight.delete(this);
    return status;
  }

  // Runs a native test/wait; an MPI error there means MPI is done with the request.
  #settle<T>(call: () => T): T {
    try {
      return call();
    } catch (error) {
      if ((error as { errorClass?: unknown }).errorClass !== undefined) this.#fail(error);
      throw error;
    }
  }

  #fail(error: unknown): void {
    this.#error = error;
    inFlight.delete(this);
  }
}
