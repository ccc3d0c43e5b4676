/** A message matched by mprobe/improbe: only this thread can receive it, with recv(). */
import { native } from './native.js';
import { lastStatus, type ReceivedMessage, type Status } from './status.js';
import * as validate from './validate.js';

/**
 * A message matched by Communicator.mprobe or improbe: reserved for this thread, so no other
 * receive can take it; receive it once with recv() or recvInto().
 */
export class Message {
  readonly #handle: number;
  /** Source, tag and size of the matched message. */
  readonly status: Status;

  /** @internal Made by Communicator.mprobe / improbe. */
  constructor(handle: number, status: Status) {
    this.#handle = handle;
    this.status = status;
  }

  /** MPI_Mrecv into a fresh buffer of exactly the message's size. */
  recv(): ReceivedMessage {
    const data = Buffer.allocUnsafe(this.status.count);
    native.mrecv(this.#handle, data);
    return { data, ...lastStatus() };
  }

  /** MPI_Mrecv into the caller's buffer (MPI_ERR_TRUNCATE when it is too small). */
  recvInto(buffer: ArrayBufferView): Status {
    native.mrecv(this.#handle, validate.bytes('buffer', buffer));
    return lastStatus();
  }
}
