/** A peer could not start (bad input, unwritable output folder); reported by the tracker. */
import { ExpectedError } from '../errors/exit-status.js';

export class PeerStartError extends ExpectedError {
  /** The peer's own status for its problem, as it sent it. */
  readonly exitCode: number;
  /** The peer at fault: the report names it, not the tracker. */
  declare readonly rank: number;

  constructor(rank: number, message: string, exitCode: number) {
    super(message, { rank });
    this.exitCode = exitCode;
  }
}
