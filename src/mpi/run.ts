/**
 * A program's lifecycle under mpirun: init, run, finalize, exit. Any uncaught exception,
 * unhandled rejection, or failing worker thread prints `rank R: <error>` and calls MPI_Abort,
 * so a broken rank never leaves the others waiting forever (as `python -m mpi4py` does).
 */
import { writeSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';

import type { Communicator } from './comm.js';
import { THREAD_MULTIPLE } from './constants.js';
import { COMM_WORLD, finalize, initRequiring } from './environment.js';
import { launcherRank } from './launcher.js';
import { native } from './native.js';

/** An error the user caused (bad input, bad option): printed as its message alone. */
export interface ExpectedError extends Error {
  /** The exit status of the job. */
  exitCode: number;
  /**
   * The rank the error is about, when another rank found it (the tracker, checking every peer's
   * input): the report then names that rank instead of the one printing it.
   */
  rank?: number;
}

function isExpected(error: unknown): error is ExpectedError {
  return error instanceof Error && Number.isInteger((error as Partial<ExpectedError>).exitCode);
}

/** How long a failing rank waits between printing its report and MPI_Abort. */
const REPORT_GRACE_MS = 100;

/** This process's rank, even before MPI is up (from the launcher's environment). */
export function rankLabel(): string {
  if (native.initialized() && !native.finalized()) return String(COMM_WORLD.rank);
  return launcherRank() ?? '?';
}

/** Prints one report line for the error (its stack if unexpected) and ends the whole job. */
export function fatal(error: unknown, where = ''): never {
  const about = isExpected(error) && Number.isInteger(error.rank) ? String(error.rank) : rankLabel();
  const prefix = `rank ${about}${where ? ` (${where})` : ''}: `;
  const text = isExpected(error)
    ? error.message
    : error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeSync(2, prefix + text + '\n');  // synchronous: MPI_Abort kills this process next
  const code = isExpected(error) ? error.exitCode : 1;
  if (native.initialized() && !native.finalized()) {
    // MPICH's launcher may drop what a rank wrote just before MPI_Abort (seen in about one
    // abort in 30): give it a moment to pass the report on.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, REPORT_GRACE_MS);
    native.abort(COMM_WORLD.handle, code);
  }
  process.exit(code);
}

function installFatalHandlers(where: string): void {
  process.on('uncaughtException', (error) => fatal(error, where));
  process.on('unhandledRejection', (reason) => fatal(reason, where));
}

/**
 * Runs `main` as the program: MPI_Init_thread (MPI_THREAD_MULTIPLE by default), main, then
 * MPI_Finalize and exit with main's return value (0 if none).
 */
export async function runMain(
  main: (world: Communicator) => Promise<number | void> | number | void,
  options: { threadLevel?: number } = {},
): Promise<never> {
  installFatalHandlers('');
  try {
    initRequiring(options.threadLevel ?? THREAD_MULTIPLE);
    const code = (await main(COMM_WORLD)) ?? 0;
    finalize();
    process.exit(code);
  } catch (error) {
    fatal(error);
  }
}

/** For a worker thread's entry: failures abort the job from the worker itself. */
export function runWorker(name: string, main: () => Promise<void> | void): void {
  installFatalHandlers(name);
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => fatal(error, name));
}

/**
 * Resolves when the worker exits cleanly; an `error` event or a non-zero exit aborts the job.
 * Attach it right after creating the worker.
 */
export function watchWorker(worker: Worker, name: string): Promise<void> {
  return new Promise((resolve) => {
    worker.on('error', (error) => fatal(error, name));
    worker.on('exit', (code) => {
      if (code === 0) resolve();
      else fatal(new Error(`the ${name} exited with code ${code}`), name);
    });
  });
}
