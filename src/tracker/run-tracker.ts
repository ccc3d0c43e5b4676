/** Rank 0's main thread: runs the tracker, then prints the summary and writes the statistics. */
import { basename, dirname } from 'node:path';

import { unwritableFolderReason } from '../io/folder.js';
import { describeFsError } from '../io/fs-reason.js';
import { writeFully } from '../io/write-fully.js';
import { removeStaleTemporaries, writeWhole } from '../io/write-whole.js';

import type { Communicator } from '../mpi/index.js';
import type { Options } from '../commands/course-options.js';
import { MpiTransport } from '../protocol/mpi-transport.js';
import { Outbox } from '../protocol/outbox.js';
import { serve } from '../protocol/serve.js';
import { Tag } from '../protocol/tags.js';
import { UsageError } from '../errors/usage-error.js';
import type { ThreadTraces } from '../trace/thread-traces.js';
import { rejectMalformed, warn } from '../warnings.js';
import { collectStats, summary } from './stats.js';
import { Tracker } from './tracker.js';

const WHERE = 'tracker';

export function writeStats(path: string, value: unknown): void {
  const dir = dirname(path);
  removeStaleTemporaries(dir, 'stats');
  try {
    writeWhole(dir, basename(path), 'stats', JSON.stringify(value, null, 2) + '\n');
  } catch (error) {
    throw new Error(`cannot write --stats ${path}: ${describeFsError(error)}`, { cause: error });
  }
}

/** Rank 0's part; `traces` with --trace. */
export function runTracker(world: Communicator, options: Options, traces?: ThreadTraces): void {
  if (options.statsFile !== undefined) {
    const reason = unwritableFolderReason(dirname(options.statsFile));
    if (reason !== undefined) throw new UsageError(`--stats ${options.statsFile}: ${reason}`);
  }
  const transport = new MpiTransport(world, options.backoff);
  const tracker = new Tracker(
    world.size,
    new Outbox((dest, tag, data) => transport.send(dest, tag, data)),
    {
      strikeLimit: options.download.strikeLimit,
    },
    {
      onDistrust: (file, sender) =>
        warn(
          WHERE,
          `rank ${sender} sent bad segments of ${file.name} ` +
            `${file.strikes.get(sender)} times: no longer offered as a holder of it`,
        ),
    },
  );
  traces?.phases.next('tracker');
  const served = traces ? traces.watchTracker(tracker, tracker, transport) : { role: tracker, transport };
  serve(served.role, served.transport, Tag.Tracker, rejectMalformed(WHERE));
  traces?.traceTracker(tracker);
  traces?.phases.next('summary and statistics');
  const stats = collectStats(tracker, options.seed);
  // Not process.stdout: it would first be created, a socket on mpirun's pipe (~1 ms of CPU).
  if (!options.quiet) writeFully(1, summary(stats) + '\n');
  if (options.statsFile !== undefined) writeStats(options.statsFile, stats);
  traces?.phases.end();
}
