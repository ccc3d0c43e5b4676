/**
 * `mpirun -np N node dist/main.js stage SOURCE DEST [options]`: every node of the job ends
 * with a verified copy of SOURCE at DEST. Parses the command line, starts the workers before
 * MPI_Init (as the course mode does, see cli.ts), then runs this rank's part (stage/job.ts).
 */
import { availableParallelism } from 'node:os';

import { spinsFor } from '../mpi/backoff.js';
import { launcherLocalSize, launcherRank } from '../mpi/launcher.js';
import { prepareMpiEnv } from '../mpi/mpi-env.js';
import { parseStageCommand, STAGE_USAGE, type StageCommand } from '../stage/options.js';
import { UsageError } from '../usage-error.js';
import { describeExpectedError } from '../describe-error.js';

function speakOnce(text: string, stream: NodeJS.WriteStream): void {
  const rank = launcherRank();
  if (rank === undefined || rank === '0') stream.write(text + '\n');
}

// Every rank may write, so every rank has two polling workers; rank 0 polls a third (tracker).
function pollingThreadsHere(): number | undefined {
  const localRanks = launcherLocalSize();
  return localRanks === undefined ? undefined : 2 * localRanks + 1;
}

export async function runStage(argv: readonly string[]): Promise<void> {
  let command: StageCommand;
  try {
    command = parseStageCommand(argv, { spins: spinsFor(pollingThreadsHere(), availableParallelism()) });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    speakOnce(`mpitorrent stage: ${error.message}`, process.stderr);
    const rank = launcherRank();
    if (rank !== undefined && rank !== '0') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
    process.exit(error.exitCode);
  }
  if (command.kind === 'help') {
    speakOnce(STAGE_USAGE, process.stdout);
    return;
  }
  const options = command.options;
  prepareMpiEnv();
  const { startPeerWorkers } = await import('../peer/peer.js');
  const workers = startPeerWorkers();
  const { runMain } = await import('../mpi/index.js');
  await workers.online;
  await runMain(async (world) => {
    const { runStageJob } = await import('../stage/job.js');
    return runStageJob(world, options, workers);
  }, { describeError: describeExpectedError });
}
