/**
 * `mpirun -np N node dist/main.js stage SOURCE DEST [options]`: every node of the job ends
 * with a verified copy of SOURCE at DEST. Parses the command line, starts the workers before
 * MPI_Init (as the course mode does, see course.ts), then runs this rank's part (stage/job.ts).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { spinsFor } from '../mpi/backoff.js';
import { launcherLocalSize } from '../mpi/launcher.js';
import { prepareMpiEnv } from '../mpi/mpi-env.js';
import { parseStageCommand, STAGE_USAGE, type StageCommand } from '../stage/options.js';
import { startupMark } from '../launch/startup-mark.js';
import { describeError, ExitStatus } from '../errors/exit-status.js';
import { UsageError } from '../errors/usage-error.js';
import { speakOnce, usageFailure } from './speak.js';

// The stage's own worker entries: they work on the destination on disk.
const STAGE_WORKERS = {
  download: join(import.meta.dirname, '../stage/download.worker'),
  upload: join(import.meta.dirname, '../stage/upload.worker'),
};

// Every rank may write, so every rank has two polling workers; rank 0 polls a third (tracker).
function pollingThreadsHere(): number | undefined {
  const localRanks = launcherLocalSize();
  return localRanks === undefined ? undefined : 2 * localRanks + 1;
}

/** Runs this rank's part of a stage job; the process exits with the job's status. */
export async function main(argv: string[]): Promise<number> {
  let command: StageCommand;
  try {
    command = parseStageCommand(argv, { spins: spinsFor(pollingThreadsHere(), availableParallelism()) });
  } catch (error) {
    if (error instanceof UsageError) usageFailure(error, 'mpitorrent stage');
    throw error;
  }
  if (command.kind === 'help') {
    speakOnce(STAGE_USAGE, process.stdout);
    return ExitStatus.Done;
  }
  const options = command.options;
  prepareMpiEnv();
  const { startPeerWorkers } = await import('../peer/workers.js');
  const workers = startPeerWorkers(STAGE_WORKERS);
  startupMark('main: workers constructed');
  const { runMain } = await import('../mpi/index.js');
  await workers.online;
  startupMark('main: workers online');
  return runMain(
    async (world) => {
      const { runStageJob } = await import('../stage/job.js');
      return runStageJob(world, options, workers);
    },
    { describeError },
  );
}
