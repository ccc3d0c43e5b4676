/**
 * mpitorrent's command, run by main.ts: `mpirun -np N node dist/main.js [options]`. Rank 0 runs
 * the tracker, every other rank a peer. Any failure on any rank or thread ends the whole job.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';

import { describeExpectedError } from './describe-error.js';
import { spinsFor } from './mpi/backoff.js';
import { launcherLocalSize, launcherRank } from './mpi/launcher.js';
import { prepareMpiEnv } from './mpi/mpi-env.js';
import { parseCommand, USAGE, type Command } from './options.js';
import { startupMark } from './startup-mark.js';
import { UsageError } from './usage-error.js';

// Help, version and usage errors are said once (by rank 0) and need no MPI.
function speakOnce(text: string, stream: NodeJS.WriteStream): void {
  const rank = launcherRank();
  if (rank === undefined || rank === '0') stream.write(text + '\n');
}

async function loadPeer() {
  const { runPeer, startPeerWorkers } = await import('./peer/peer.js');
  return { runPeer, workers: startPeerWorkers() };
}

// A peer polls on two threads (its workers), the tracker on one: count two a rank.
function pollingThreadsHere(): number | undefined {
  const localRanks = launcherLocalSize();
  return localRanks === undefined ? undefined : 2 * localRanks;
}

/** Runs the command line of this process: help, version, or this rank's part of the job. */
export async function main(): Promise<void> {
  startupMark('main: modules loaded');
  if (process.argv[2] === 'stage') {
    const { runStage } = await import('./commands/stage.js');
    return runStage(process.argv.slice(3));
  }
  if (process.argv[2] === 'create') {
    const create = await import('./commands/create.js');
    process.exit(await create.main(process.argv.slice(3)));
  }
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2), { spins: spinsFor(pollingThreadsHere(), availableParallelism()) });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    speakOnce(`mpitorrent: ${error.message}`, process.stderr);
    // The launcher ends the whole job as soon as one rank fails: if the silent ranks failed at
    // once, rank 0 could be killed before saying why. So they give rank 0 time to fail first.
    const rank = launcherRank();
    if (rank !== undefined && rank !== '0') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
    process.exit(error.exitCode);
  }

  if (command.kind === 'help') {
    speakOnce(USAGE, process.stdout);
  } else if (command.kind === 'version') {
    const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
    speakOnce(`mpitorrent ${version}`, process.stdout);
  } else {
    const options = command.options;
    // The binding would set these later, but setenv while a worker starts can crash it
    // (mpi-env.ts): set them before the workers start.
    prepareMpiEnv();
    // A peer's workers take longer to load than MPI_Init waits for the other ranks: start them
    // first when the launcher already says this is a peer.
    const launcherSaysPeer = launcherRank() !== undefined && launcherRank() !== '0';
    const { startPeerWorkers, runPeer } = launcherSaysPeer ? await import('./peer/peer.js') : {};
    startupMark('main: peer code loaded');
    const earlyWorkers = startPeerWorkers?.();
    startupMark('main: workers constructed');
    const { runMain } = await import('./mpi/index.js');
    startupMark('main: mpi code loaded');
    // MPI_Init adds environment variables: not while Node is still starting a worker.
    await earlyWorkers?.online;
    startupMark('main: workers online');
    await runMain(async (world) => {
      if (world.size < 2) {
        throw new UsageError(`needs a tracker and at least one peer: run it with mpirun -np N (N >= 2), not ${world.size} rank`);
      }
      if (world.rank === 0) {
        const { runTracker } = await import('./tracker/run-tracker.js');
        startupMark('main: tracker code loaded');
        runTracker(world, options);
        startupMark('main: tracker done');
      } else {
        const peer = runPeer && earlyWorkers ? { runPeer, workers: earlyWorkers } : await loadPeer();
        await peer.runPeer(world, options, peer.workers);
      }
    }, { describeError: describeExpectedError });
  }
}
