/** A destination that cannot take the data (not writable, full, occupied by a folder): exit status 3. */
import { describeFsError } from '../io/fs-reason.js';

export class DestinationError extends Error {
  readonly exitCode = 3;

  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`${path}: ${reason}`, options);
    this.name = 'DestinationError';
  }

  /** From a failed file system call on `path`. */
  static from(path: string, error: unknown): DestinationError {
    return new DestinationError(path, describeFsError(error), { cause: error });
  }
}
