/**
 * Which of the program's errors are expected, for the binding's runMain, runWorker and
 * watchWorker: those with an integer `exitCode` (UsageError, InputError, PeerStartError,
 * StalledDownloadError) are printed as their message alone and end the job with that status;
 * `rank`, when set, names the rank at fault. Anything else is a bug: its stack, status 1.
 */
import type { ErrorReport } from './mpi/index.js';

interface ExpectedError extends Error {
  exitCode: number;
  rank?: number;
}

function isExpected(error: unknown): error is ExpectedError {
  return error instanceof Error && Number.isInteger((error as Partial<ExpectedError>).exitCode);
}

export function describeExpectedError(error: unknown): ErrorReport | undefined {
  if (!isExpected(error)) return undefined;
  return { message: error.message, exitCode: error.exitCode, rank: error.rank };
}
