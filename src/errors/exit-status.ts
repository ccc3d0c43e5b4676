/**
 * Every exit status of the program, and the base class of the errors a user causes. The library
 * (src/mpi) knows none of this: the CLI hands it `describeError` to print and exit with.
 */
import type { ErrorReport } from '../mpi/index.js';

export const ExitStatus = {
  /** Every rank did its part. */
  Done: 0,
  /** A rank or thread crashed: a bug or a system failure, printed with its stack. */
  Failure: 1,
  /** A bad command line. */
  Usage: 2,
  /** Bad input: an input file, a source, a destination, a `.torrent`. */
  BadInput: 3,
  /** A segment or piece that no holder could send intact. */
  NoIntactHolder: 4,
} as const;

export type ExitStatus = (typeof ExitStatus)[keyof typeof ExitStatus];

/** An error the user caused (bad input, bad option): printed as its message alone, no stack. */
export abstract class ExpectedError extends Error {
  abstract readonly exitCode: number;
  /**
   * The rank the error is about, when another rank found it (the tracker, checking every
   * peer's input): the report then names that rank instead of the one printing it.
   */
  readonly rank?: number;

  constructor(message: string, options?: ErrorOptions & { rank?: number }) {
    super(message, options);
    this.name = new.target.name;
    if (options?.rank !== undefined) this.rank = options.rank;
  }
}

/** How the job reports an error: an expected one by its message; anything else is a failure. */
export function describeError(error: unknown): ErrorReport | undefined {
  if (!(error instanceof ExpectedError)) return undefined;
  return {
    message: error.message,
    exitCode: error.exitCode,
    ...(error.rank === undefined ? {} : { rank: error.rank }),
  };
}
