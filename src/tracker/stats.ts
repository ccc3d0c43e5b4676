/** The run's statistics, gathered by the tracker from every peer's final reports. */
import type { RankCount } from '../protocol/messages.js';
import type { Tracker } from './tracker.js';

export interface PeerStats {
  rank: number;
  /** Segments this peer's upload worker sent. */
  uploads: number;
  uploadsTo: Record<string, number>;
  /** Segment requests it refused (it did not hold them). */
  refused: number;
  /** Verified segments its download worker received. */
  downloads: number;
  downloadsBySource: Record<string, number>;
  /** Bad payloads it received, by sender. */
  badSegmentsSeen: Record<string, number>;
  messagesSent: number;
  /** Seconds after the tracker started at which it had every wanted file and every answer. */
  doneAt: number;
}

export interface FileStats {
  id: number;
  name: string;
  segments: number;
  owners: number[];
  /** Seconds after the tracker started at which each peer (by rank) completed the file. */
  completedAt: Record<string, number>;
  /** Bad-data reports against each sender, and those no longer offered as holders. */
  badReports: Record<string, number>;
  distrusted: number[];
}

export interface RunStats {
  /** What this file is and which version of its layout (docs/stats-format.md). */
  format: typeof STATS_FORMAT;
  version: typeof STATS_VERSION;
  peers: number;
  files: number;
  segments: number;
  segmentsMoved: number;
  badSegments: number;
  messages: number;
  /** From the tracker's start to the last report. */
  seconds: number;
  /** From the tracker's start until every peer had registered (peers starting up). */
  registrationSeconds: number;
  /** From the go-ahead until the last peer had every file (the swarm itself). */
  downloadSeconds: number;
  seed: number;
  uploadsPerPeer: { min: number; mean: number; max: number };
  peerStats: PeerStats[];
  fileStats: FileStats[];
}

export const STATS_FORMAT = 'mpitorrent-stats';
export const STATS_VERSION = 1;

const record = (counts: readonly RankCount[]): Record<string, number> =>
  Object.fromEntries(counts.map(({ rank, count }) => [String(rank), count]));

const sum = (counts: readonly RankCount[]): number => counts.reduce((total, { count }) => total + count, 0);

const seconds = (ms: number): number => Math.round(ms) / 1000;

export function collectStats(tracker: Tracker, seed: number): RunStats {
  const peerStats: PeerStats[] = [];
  for (let rank = 1; rank <= tracker.peerCount; rank++) {
    const download = tracker.downloads.get(rank);
    const upload = tracker.uploads.get(rank);
    peerStats.push({
      rank,
      uploads: sum(upload?.servedTo ?? []),
      uploadsTo: record(upload?.servedTo ?? []),
      refused: upload?.refused ?? 0,
      downloads: sum(download?.downloadsBySource ?? []),
      downloadsBySource: record(download?.downloadsBySource ?? []),
      badSegmentsSeen: record(download?.badBySource ?? []),
      // +1: the main thread's registration
      messagesSent: (download?.messagesSent ?? 0) + (upload?.messagesSent ?? 0) + 1,
      doneAt: seconds((tracker.downloadsDoneAt.get(rank) ?? tracker.startedAt) - tracker.startedAt),
    });
  }
  const files = tracker.catalogue?.files ?? [];
  const fileStats: FileStats[] = files.map((file) => ({
    id: file.id,
    name: file.name,
    segments: file.segmentCount,
    owners: file.owners.map((owner) => owner.rank),
    completedAt: Object.fromEntries([...file.completedAt].map(([rank, seconds]) => [String(rank), seconds])),
    badReports: Object.fromEntries([...file.strikes].map(([rank, count]) => [String(rank), count])),
    distrusted: [...file.distrusted].sort((a, b) => a - b),
  }));
  const uploads = peerStats.map((peer) => peer.uploads);
  return {
    format: STATS_FORMAT,
    version: STATS_VERSION,
    peers: tracker.peerCount,
    files: files.length,
    segments: files.reduce((total, file) => total + file.segmentCount, 0),
    segmentsMoved: peerStats.reduce((total, peer) => total + peer.downloads, 0),
    badSegments: peerStats.reduce(
      (total, peer) => total + Object.values(peer.badSegmentsSeen).reduce((a, b) => a + b, 0),
      0,
    ),
    messages: tracker.messagesSent + peerStats.reduce((total, peer) => total + peer.messagesSent, 0),
    seconds: seconds(tracker.finishedAt - tracker.startedAt),
    registrationSeconds: seconds(tracker.readyAt - tracker.startedAt),
    downloadSeconds: seconds(Math.max(tracker.readyAt, ...tracker.downloadsDoneAt.values()) - tracker.readyAt),
    seed,
    uploadsPerPeer: {
      min: Math.min(...uploads),
      mean: uploads.reduce((a, b) => a + b, 0) / uploads.length,
      max: Math.max(...uploads),
    },
    peerStats,
    fileStats,
  };
}

/** The few lines the tracker prints at the end. */
export function summary(stats: RunStats): string {
  const { min, mean, max } = stats.uploadsPerPeer;
  const lines = [
    `mpitorrent: ${stats.peers} peers, ${stats.files} files (${stats.segments} segments); ` +
      `${stats.segmentsMoved} segments moved in ${stats.messages} messages, ${stats.seconds.toFixed(3)} s ` +
      `(${stats.registrationSeconds.toFixed(3)} s registering, ${stats.downloadSeconds.toFixed(3)} s downloading)`,
    `uploads per peer: min ${min}, mean ${mean.toFixed(1)}, max ${max}`,
  ];
  if (stats.badSegments > 0) {
    const blamed = stats.fileStats.flatMap((file) =>
      Object.entries(file.badReports).map(
        ([rank, count]) =>
          `rank ${rank} sent ${count} bad segments of ${file.name}${file.distrusted.includes(Number(rank)) ? ' (distrusted)' : ''}`,
      ),
    );
    lines.push(`bad segments: ${stats.badSegments}; ${blamed.join('; ')}`);
  }
  return lines.join('\n');
}
