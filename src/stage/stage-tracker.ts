/**
 * Rank 0's main thread during the swarm: the tracker, set up with every writer's pieces, with
 * the progress display fed by its updates; then the summary and the statistics.
 */
import { dirname } from 'node:path';

import { monotonicMs } from '../mpi/clock.js';
import { unwritableFolderReason } from '../io/folder.js';
import { writeFully } from '../io/write-fully.js';
import type { Communicator } from '../mpi/index.js';
import { Bitfield } from '../protocol/bitfield.js';
import type { Message } from '../protocol/messages.js';
import { MpiTransport } from '../protocol/mpi-transport.js';
import { Outbox } from '../protocol/outbox.js';
import type { Role } from '../protocol/role.js';
import { serve } from '../protocol/serve.js';
import { Tag } from '../protocol/tags.js';
import type { DiskStore } from '../storage/disk-store.js';
import type { DatasetShape } from '../storage/prepare.js';
import { writeStats } from '../tracker/run-tracker.js';
import { TrackedFile } from '../tracker/tracked-file.js';
import { Tracker } from '../tracker/tracker.js';
import { UsageError } from '../errors/usage-error.js';
import { describeFsError } from '../io/fs-reason.js';
import { writeWhole } from '../io/write-whole.js';
import { buildMetainfo } from '../torrent/metainfo.js';
import { manifestOf } from './dataset.js';
import { basename } from 'node:path';
import { rejectMalformed, warn } from '../warnings.js';
import type { StageOptions } from './options.js';
import type { RankPlace } from './plan.js';
import { StageProgress } from './progress.js';
import { stageStats, stageSummary, type StageStats } from './stats.js';
import type { ThreadTraces } from '../trace/thread-traces.js';

const WHERE = 'tracker';

export interface WriterReport {
  rank: number;
  have: Bitfield;
  bytesRead: number;
  /** Pieces found intact at the destination from an earlier run. */
  resumed: number;
}

export interface StageRun {
  shape: DatasetShape;
  store: DiskStore;
  hashes: Uint8Array;
  places: RankPlace[];
  writers: number[];
  seeders: number[];
  reports: WriterReport[];
  /** When this rank started the job, on monotonicMs's clock. */
  startMs: number;
  /** --trace: the main thread's recorder. */
  traces?: ThreadTraces;
}

/** The tracker, with the progress display ticked on its thread. */
class WatchedTracker implements Role {
  constructor(
    readonly tracker: Tracker,
    readonly progress: StageProgress,
  ) {}
  get done(): boolean {
    return this.tracker.done;
  }
  start(now: number): void {
    this.tracker.start(now);
  }
  handle(source: number, message: Message, now: number): void {
    this.tracker.handle(source, message, now);
    this.progress.tick(now);
  }
  tick(now: number): number {
    this.progress.tick(now);
    return Math.min(this.tracker.tick(), now + 1000);
  }
}

function bytesOf(store: DiskStore, have: Bitfield): number {
  let bytes = 0;
  for (let piece = 0; piece < store.pieceCount; piece++) if (have.has(piece)) bytes += store.lengthOf(0, piece);
  return bytes;
}

/** Runs the swarm's tracker until every writer is done; returns the statistics (not yet reported). */
export function runStageTracker(world: Communicator, options: StageOptions, run: StageRun): StageStats {
  const { swarm } = options;
  if (swarm.statsFile !== undefined) {
    const reason = unwritableFolderReason(dirname(swarm.statsFile));
    if (reason !== undefined) throw new UsageError(`--stats ${swarm.statsFile}: ${reason}`);
  }
  if (options.saveTorrent !== undefined) saveTorrent(options.saveTorrent, run);
  const { store } = run;
  const file = new TrackedFile(0, run.shape.name, new Array<string>(store.pieceCount).fill(''));
  const heldAtStart = new Map<number, number>();
  for (const report of run.reports) {
    const held: number[] = [];
    for (let piece = 0; piece < store.pieceCount; piece++) if (report.have.has(piece)) held.push(piece);
    file.addSegments(report.rank, held);
    heldAtStart.set(report.rank, bytesOf(store, report.have));
  }
  const mode = options.progress ?? (process.stderr.isTTY ? 'bar' : 'lines');
  const progress = new StageProgress(totalBytes(store), heldAtStart, swarm.quiet ? 'none' : mode, run.startMs);
  const transport = new MpiTransport(world, swarm.backoff);
  const tracker = new Tracker(
    world.size,
    new Outbox((dest, tag, data) => transport.send(dest, tag, data)),
    {
      strikeLimit: swarm.download.strikeLimit,
    },
    {
      onDistrust: (_file, sender) =>
        warn(WHERE, `rank ${sender} sent bad pieces ${file.strikes.get(sender)} times: no longer offered as a holder`),
      onUpdate: (rank, segments, now) => {
        let bytes = 0;
        for (const piece of segments) bytes += store.lengthOf(0, piece);
        progress.add(rank, bytes, now);
      },
      onDownloadsDone: (rank, now) => progress.finished(rank, now),
    },
    { peers: run.writers, catalogue: { files: [file], byName: new Map([[file.name, file]]) } },
  );
  const watched = new WatchedTracker(tracker, progress);
  const { traces } = run;
  const served = traces ? traces.watchTracker(watched, tracker, transport) : { role: watched, transport };
  serve(served.role, served.transport, Tag.Tracker, rejectMalformed(WHERE));
  traces?.traceTracker(tracker);
  progress.close(monotonicMs());
  return stageStats({ run, options, tracker, file, progress, endMs: monotonicMs() });
}

/** The summary on stdout (unless --quiet) and --stats. */
export function reportStage(options: StageOptions, stats: StageStats): void {
  if (!options.swarm.quiet) writeFully(1, stageSummary(stats) + '\n');
  if (options.swarm.statsFile !== undefined) writeStats(options.swarm.statsFile, stats);
}

function totalBytes(store: DiskStore): number {
  let bytes = 0;
  for (let piece = 0; piece < store.pieceCount; piece++) bytes += store.lengthOf(0, piece);
  return bytes;
}

/** The job's manifest as a .torrent, written whole by rank 0 before the swarm starts. */
function saveTorrent(path: string, run: StageRun): void {
  const manifest = manifestOf(run.shape, run.store.tree.geometry, run.hashes);
  const { bytes } = buildMetainfo(manifest, { createdBy: 'mpitorrent stage' });
  try {
    writeWhole(dirname(path), basename(path), 'torrent', bytes);
  } catch (error) {
    throw new UsageError(`--save-torrent ${path}: ${describeFsError(error)}`);
  }
}
