/**
 * The course swarm, mpitorrent's default command: `mpirun -np N node dist/main.js [options]`.
 * Rank 0 runs the tracker, every other rank a peer. Any failure on any rank or thread ends the
 * whole job.
 */
import { availableParallelism } from 'node:os';

import { describeError } from '../errors/exit-status.js';
import { UsageError } from '../errors/usage-error.js';
import { startupMark } from '../launch/startup-mark.js';
import { spinsFor } from '../mpi/backoff.js';
import { launcherLocalSize, launcherRank } from '../mpi/launcher.js';
import { prepareMpiEnv } from '../mpi/mpi-env.js';
import { speakOnce, usageFailure, version } from './speak.js';
import { parseCommand, USAGE } from './course-options.js';

// A peer polls on two threads (its workers), the tracker on one: count two a rank.
function pollingThreadsHere(): number | undefined {
  const localRanks = launcherLocalSize();
  return localRanks === undefined ? undefined : 2 * localRanks;
}

/** Runs this rank's part of the course swarm (or its help or version). */
export async function runCourse(argv: readonly string[]): Promise<void> {
  let command;
  try {
    command = parseCommand(argv, { spins: spinsFor(pollingThreadsHere(), availableParallelism()) });
  } catch (error) {
    if (error instanceof UsageError) usageFailure(error);
    throw error;
  }
  if (command.kind === 'help') return speakOnce(USAGE, process.stdout);
  if (command.kind === 'version') return speakOnce(version(), process.stdout);

  const options = command.options;
  // The binding would set these in init(), but setenv while a worker starts can crash it:
  // set them before the workers start (docs/startup.md).
  prepareMpiEnv();
  // A peer's workers take longer to load than MPI_Init waits for the other ranks: every rank
  // but the launcher's rank 0 starts them first, and MPI_Init waits until they are online
  // (MPI_Init adds environment variables, which Node reads while it starts a worker).
  const { startPeer } = launcherRank() === '0' ? { startPeer: undefined } : await import('../peer/peer.js');
  const peer = await startPeer?.();
  startupMark('main: workers online');
  const { runMain } = await import('../mpi/index.js');
  await runMain(
    async (world) => {
      if (world.size < 2) {
        throw new UsageError(
          `needs a tracker and at least one peer: run it with mpirun -np N (N >= 2), not ${world.size} rank`,
        );
      }
      const role = world.rank === 0 ? 'tracker' : 'peer';
      // Loaded only when --trace is on.
      const tracing = options.traceFile === undefined ? undefined : await import('../trace/job-trace.js');
      const traces = tracing?.startJobTrace(world, options.traceFile!, role === 'tracker' ? 'tracker' : 'main');
      if (world.rank === 0) {
        // A launcher that does not say ranks: the workers started in vain wait, idle, for the
        // process to exit.
        const { runTracker } = await import('../tracker/run-tracker.js');
        runTracker(world, options, traces);
        startupMark('main: tracker done');
      } else {
        if (peer === undefined) throw new Error(`the launcher said rank 0, MPI says rank ${world.rank}`);
        await peer.run(world, options, traces);
      }
      if (tracing && traces) await tracing.endJobTrace(world, traces, options.traceFile!, role, { mode: 'course' });
    },
    { describeError },
  );
}
