/** A stage job's statistics (`--stats`, `"kind": "stage"`) and the summary rank 0 prints. */
import type { RankCount } from '../protocol/messages.js';
import type { TrackedFile } from '../tracker/tracked-file.js';
import type { Tracker } from '../tracker/tracker.js';
import type { StageOptions } from './options.js';
import { formatBytes } from '../io/byte-size.js';
import type { StageProgress } from './progress.js';
import type { StageRun } from './stage-tracker.js';

export interface NodeStats {
  rank: number;
  host: string;
  dest: string;
  seeder: boolean;
  /** Seconds from the job's start until it had every piece. */
  doneAt: number;
  /** Bytes it wrote per second of the job, until doneAt, in GB/s (1e9). */
  gbPerSecond: number;
  bytesReadFromSource: number;
  /** Pieces found intact at its destination from an earlier run. */
  piecesResumed: number;
  /** Pieces it held before the swarm (its share if a seeder, plus what was resumed). */
  piecesAtStart: number;
  /** Pieces it received through the swarm, by sender. */
  piecesFetched: number;
  piecesFetchedFrom: Record<string, number>;
  bytesDownloaded: number;
  piecesUploaded: number;
  piecesUploadedTo: Record<string, number>;
  badPiecesReceived: Record<string, number>;
  /** [seconds, bytes held] a few times a second. */
  samples: [number, number][];
}

export interface StageStats {
  kind: 'stage';
  source: string;
  dest: string;
  bytes: number;
  files: number;
  folders: number;
  symlinks: number;
  pieces: number;
  pieceLength: number;
  ranks: number;
  nodes: number;
  seeders: number[];
  /** From the job's start on rank 0 to the last report. */
  seconds: number;
  /** Until the swarm started (planning, reading and hashing SOURCE, checking destinations). */
  setupSeconds: number;
  /** Bytes written at every destination together, per second, in GB/s. */
  gbPerSecond: number;
  badPieces: number;
  /** Bad-piece reports against each sender, and senders no longer offered. */
  blame: Record<string, number>;
  distrusted: number[];
  seed: number;
  hosts: string[];
  perNode: NodeStats[];
  /** Peak resident memory of each rank's process, in KiB (writers and idle ranks). */
  peakRssKiB: Record<string, number>;
}

const record = (counts: readonly RankCount[] = []): Record<string, number> =>
  Object.fromEntries(counts.map(({ rank, count }) => [String(rank), count]));
const sum = (counts: readonly RankCount[] = []): number => counts.reduce((total, { count }) => total + count, 0);
const round3 = (value: number): number => Math.round(value * 1000) / 1000;

export function stageStats(input: {
  run: StageRun;
  options: StageOptions;
  tracker: Tracker;
  file: TrackedFile;
  progress: StageProgress;
  endMs: number;
}): StageStats {
  const { run, options, tracker, file, progress, endMs } = input;
  const { store, shape } = run;
  const bytes = store.tree.files.reduce((total, entry) => total + entry.length, 0);
  const seconds = (endMs - run.startMs) / 1000;
  const setupSeconds = (tracker.startedAt - run.startMs) / 1000;
  const perNode: NodeStats[] = run.reports.map((report) => {
    const place = run.places.find((p) => p.rank === report.rank)!;
    const download = tracker.downloads.get(report.rank);
    const upload = tracker.uploads.get(report.rank);
    const doneAt = progress.doneAt.get(report.rank) ?? seconds;
    const fetched = sum(download?.downloadsBySource);
    let atStart = 0;
    for (let piece = 0; piece < store.pieceCount; piece++) if (report.have.has(piece)) atStart++;
    const held = progress.held.get(report.rank) ?? 0;
    return {
      rank: report.rank,
      host: place.host,
      dest: place.dest,
      seeder: run.seeders.includes(report.rank),
      doneAt: round3(doneAt),
      gbPerSecond: round3(bytes / Math.max(doneAt, 1e-3) / 1e9),
      bytesReadFromSource: report.bytesRead,
      piecesResumed: report.resumed,
      piecesAtStart: atStart,
      piecesFetched: fetched,
      piecesFetchedFrom: record(download?.downloadsBySource),
      bytesDownloaded: Math.max(0, held - sumHeldAtStart(store, report.have)),
      piecesUploaded: sum(upload?.servedTo),
      piecesUploadedTo: record(upload?.servedTo),
      badPiecesReceived: record(download?.badBySource),
      samples: progress.samples.get(report.rank) ?? [],
    };
  });
  const badPieces = perNode.reduce(
    (total, node) => total + Object.values(node.badPiecesReceived).reduce((a, b) => a + b, 0),
    0,
  );
  const entries = shape.entries;
  return {
    kind: 'stage',
    source: options.source,
    dest: options.dest,
    bytes,
    files: entries.filter((entry) => entry.kind === 'file').length,
    folders: entries.filter((entry) => entry.kind === 'folder').length,
    symlinks: entries.filter((entry) => entry.kind === 'symlink').length,
    pieces: store.pieceCount,
    pieceLength: shape.pieceLength,
    ranks: run.places.length,
    nodes: run.writers.length,
    seeders: run.seeders,
    seconds: round3(seconds),
    setupSeconds: round3(setupSeconds),
    gbPerSecond: round3((bytes * run.writers.length) / Math.max(seconds, 1e-3) / 1e9),
    badPieces,
    blame: Object.fromEntries([...file.strikes].map(([rank, count]) => [String(rank), count])),
    distrusted: [...file.distrusted].sort((a, b) => a - b),
    seed: options.swarm.seed,
    hosts: [...new Set(run.places.map((place) => place.host))],
    perNode,
    peakRssKiB: {},
  };
}

function sumHeldAtStart(store: StageRun['store'], have: StageRun['reports'][number]['have']): number {
  let bytes = 0;
  for (let piece = 0; piece < store.pieceCount; piece++) if (have.has(piece)) bytes += store.lengthOf(0, piece);
  return bytes;
}

export function stageSummary(stats: StageStats): string {
  const slowest = stats.perNode.reduce((a, b) => (b.doneAt > a.doneAt ? b : a));
  const fetched = stats.perNode.reduce((total, node) => total + node.piecesFetched, 0);
  const resumed = stats.perNode.reduce((total, node) => total + node.piecesResumed, 0);
  const lines = [
    `mpitorrent stage: ${formatBytes(stats.bytes)} (${stats.files} files, ${stats.pieces} pieces of ${formatBytes(stats.pieceLength)}) ` +
      `to ${stats.nodes} destinations in ${stats.seconds.toFixed(2)} s (${stats.setupSeconds.toFixed(2)} s reading and hashing); ` +
      `${stats.gbPerSecond.toFixed(3)} GB/s written in all`,
    `pieces fetched through the swarm: ${fetched}${resumed > 0 ? `; found intact from an earlier run: ${resumed}` : ''}; ` +
      `slowest: rank ${slowest.rank} (${slowest.host}) at ${slowest.doneAt.toFixed(2)} s`,
  ];
  const rss = Object.values(stats.peakRssKiB);
  if (rss.length > 0) lines.push(`peak memory per rank: max ${formatBytes(1024 * Math.max(...rss))}`);
  if (stats.badPieces > 0) {
    const blamed = Object.entries(stats.blame).map(
      ([rank, count]) =>
        `rank ${rank} sent ${count} bad pieces${stats.distrusted.includes(Number(rank)) ? ' (distrusted)' : ''}`,
    );
    lines.push(`bad pieces: ${stats.badPieces}; ${blamed.join('; ')}`);
  }
  return lines.join('\n');
}
