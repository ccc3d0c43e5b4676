/**
 * A problem with a peer's input file. The message is one line that names the file (as the caller
 * gave its path) and, when the problem sits on a line, that line: `in3.txt line 5: ...`.
 */
import { ExitStatus, ExpectedError } from '../errors/exit-status.js';

export class InputError extends ExpectedError {
  readonly exitCode = ExitStatus.BadInput;
  /** The input file's path, exactly as shown in the message. */
  readonly path: string;
  /** The 1-based line of the problem; absent when it concerns the whole file. */
  readonly line?: number;

  constructor(path: string, line: number | undefined, detail: string, options?: ErrorOptions & { rank?: number }) {
    super(line === undefined ? `${path}: ${detail}` : `${path} line ${line}: ${detail}`, options);
    this.path = path;
    if (line !== undefined) this.line = line;
  }
}
