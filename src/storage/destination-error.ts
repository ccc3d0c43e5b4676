/** A destination that cannot take the data (not writable, full, occupied by a folder): exit status 3. */
import { PathError } from '../errors/path-error.js';
import { describeFsError } from '../io/fs-reason.js';

export class DestinationError extends PathError {
  /** From a failed file system call on `path`. */
  static from(path: string, error: unknown): DestinationError {
    return new DestinationError(path, describeFsError(error), { cause: error });
  }
}
