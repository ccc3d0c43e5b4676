/**
 * A program's lifecycle under mpirun: init, run, finalize, exit. Any uncaught exception,
 * unhandled rejection, or failing worker thread prints `rank R: <error>` and calls MPI_Abort,
 * so a broken rank never leaves the others waiting forever (as `python -m mpi4py` does).
 * The library knows no program's errors: a program passes `describeError` to say which
 * errors it expected (printed as their message alone, with their own exit status).
 */
import { writeSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';

import { sleepSync } from './clock.js';
import type { Communicator } from './comm.js';
import { THREAD_MULTIPLE } from './constants.js';
import { COMM_WORLD, finalize, initRequiring } from './environment.js';
import { launcherRank } from './launcher.js';
import { native } from './native.js';
import * as validate from './validate.js';

/** What a program says about an error it expected (bad input, a bad option): printed alone. */
export interface ErrorReport {
  /** The line to print, after `rank R: `. */
  message: string;
  /** The exit status of the job. */
  exitCode: number;
  /**
   * The rank the error is about, when another rank found it (say a coordinator checking every
   * rank's input): the report then names that rank instead of the one printing it.
   */
  rank?: number;
}

/**
 * The program's judge of errors: the report of an error it expected, or undefined for any other,
 * which is printed with its stack and ends the job with exit status 1.
 */
export type DescribeError = (error: unknown) => ErrorReport | undefined;

/** How runMain, runWorker, watchWorker and fatal report a failure. */
export interface FailureOptions {
  /** Recognises the program's expected errors; without it every error is unexpected. */
  describeError?: DescribeError;
}

/** Options of runMain. */
export interface RunMainOptions extends FailureOptions {
  /** The thread level to require (default THREAD_MULTIPLE); init fails clearly below it. */
  threadLevel?: number;
}

/** Options of fatal. */
export interface FatalOptions extends FailureOptions {
  /** Which thread failed, e.g. "download worker": printed after the rank. */
  where?: string;
}

// The program's report of an error, or the generic one (the stack, status 1). A judge that
// throws must not stop the job from ending.
function reportOf(error: unknown, describeError: DescribeError | undefined): ErrorReport {
  let report: ErrorReport | undefined;
  try {
    report = describeError?.(error);
  } catch {
    report = undefined;
  }
  if (report !== undefined) return report;
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { message, exitCode: 1 };
}

function failureOptions(options: FailureOptions): FailureOptions {
  if (options.describeError !== undefined) validate.fn('describeError', options.describeError);
  return options;
}

/** How long a failing rank waits between printing its report and MPI_Abort. */
const REPORT_GRACE_MS = 100;

/** This process's rank, even before MPI is up (from the launcher's environment). */
export function rankLabel(): string {
  if (native.initialized() && !native.finalized()) return String(COMM_WORLD.rank);
  return launcherRank() ?? '?';
}

/**
 * Prints one line for the error, `rank R (where): message` (for an unexpected error its stack),
 * and ends the whole job: MPI_Abort while MPI is active, else process.exit.
 */
export function fatal(error: unknown, options: FatalOptions = {}): never {
  const report = reportOf(error, options.describeError);
  const about = Number.isInteger(report.rank) ? String(report.rank) : rankLabel();
  const where = options.where ? ` (${options.where})` : '';
  writeSync(2, `rank ${about}${where}: ${report.message}\n`); // synchronous: MPI_Abort kills this process next
  const code =
    Number.isInteger(report.exitCode) && report.exitCode >= 0 && report.exitCode <= 255 ? report.exitCode : 1;
  if (native.initialized() && !native.finalized()) {
    // MPICH's launcher may drop what a rank wrote just before MPI_Abort (seen in about one
    // abort in 30): give it a moment to pass the report on.
    sleepSync(REPORT_GRACE_MS);
    native.abort(COMM_WORLD.handle, code);
  }
  process.exit(code);
}

function installFatalHandlers(options: FatalOptions): void {
  process.on('uncaughtException', (error) => fatal(error, options));
  process.on('unhandledRejection', (reason) => fatal(reason, options));
}

/**
 * Runs `main` as the program: MPI_Init_thread (MPI_THREAD_MULTIPLE by default), main, then
 * MPI_Finalize and exit with main's return value (0 if none). Any error, here or uncaught
 * later, goes to fatal with `options.describeError`.
 */
export async function runMain(
  main: (world: Communicator) => Promise<number | void> | number | void,
  options: RunMainOptions = {},
): Promise<never> {
  const failure = failureOptions(options);
  installFatalHandlers(failure);
  try {
    initRequiring(options.threadLevel ?? THREAD_MULTIPLE);
    const code = (await main(COMM_WORLD)) ?? 0;
    finalize();
    process.exit(code);
  } catch (error) {
    fatal(error, failure);
  }
}

/**
 * For a worker thread's entry: runs `main`; its failures, and uncaught ones of the thread,
 * abort the job from the worker itself, reported as from `name`.
 */
export function runWorker(name: string, main: () => Promise<void> | void, options: FailureOptions = {}): void {
  const failure = { ...failureOptions(options), where: name };
  installFatalHandlers(failure);
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => fatal(error, failure));
}

/**
 * Resolves when the worker exits cleanly; an `error` event or a non-zero exit aborts the job.
 * Attach it right after creating the worker.
 */
export function watchWorker(worker: Worker, name: string, options: FailureOptions = {}): Promise<void> {
  const failure = { ...failureOptions(options), where: name };
  return new Promise((resolve) => {
    worker.on('error', (error) => fatal(error, failure));
    worker.on('exit', (code) => {
      if (code === 0) resolve();
      else fatal(new Error(`the ${name} exited with code ${code}`), failure);
    });
  });
}
