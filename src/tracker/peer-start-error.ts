/** A peer could not start (bad input, unwritable output folder); reported by the tracker. */
export class PeerStartError extends Error {
  readonly exitCode: number;
  /** The peer at fault: the report names it, not the tracker. */
  readonly rank: number;

  constructor(rank: number, message: string, exitCode: number) {
    super(message);
    this.name = 'PeerStartError';
    this.rank = rank;
    this.exitCode = exitCode;
  }
}
