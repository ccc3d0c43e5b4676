/** A bad command line: printed once (by rank 0), exit status 2. */
import { ExitStatus, ExpectedError } from './exit-status.js';

export class UsageError extends ExpectedError {
  readonly exitCode = ExitStatus.Usage;
}
