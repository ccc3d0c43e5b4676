/** Bad input found at a path: one line, `<path>: <what is wrong>`, exit status 3. */
import { ExitStatus, ExpectedError } from './exit-status.js';

export class PathError extends ExpectedError {
  readonly exitCode = ExitStatus.BadInput;
  /** The path, exactly as shown in the message. */
  readonly path: string;

  constructor(path: string, detail: string, options?: ErrorOptions & { rank?: number }) {
    super(`${path}: ${detail}`, options);
    this.path = path;
  }
}
