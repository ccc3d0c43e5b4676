/** What every command says before MPI starts: help, version, usage errors, once a job. */
import { createRequire } from 'node:module';

import type { UsageError } from '../errors/usage-error.js';
import { sleepSync } from '../mpi/clock.js';
import { launcherRank } from '../mpi/launcher.js';

/** Writes `text` from rank 0 only (or from a process started without a launcher). */
export function speakOnce(text: string, stream: NodeJS.WriteStream): void {
  const rank = launcherRank();
  if (rank === undefined || rank === '0') stream.write(text + '\n');
}

/** `mpitorrent <version>`, from package.json. */
export function version(): string {
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  return `mpitorrent ${version}`;
}

/** Says a bad command line once and exits with its status; needs no MPI. */
export function usageFailure(error: UsageError, who = 'mpitorrent'): never {
  speakOnce(`${who}: ${error.message}`, process.stderr);
  // The launcher ends the whole job as soon as one rank fails: if the silent ranks failed at
  // once, rank 0 could be killed before saying why. So they give rank 0 time to fail first.
  const rank = launcherRank();
  if (rank !== undefined && rank !== '0') sleepSync(5_000);
  process.exit(error.exitCode);
}
