/**
 * The report's data: each chart's rows, shaped from checked stats. Pure: no I/O, no charts.
 */
import { formatBytes } from '../io/byte-size.js';
import type { ReportStats, StageStats } from './stats-format.js';

type Course = NonNullable<ReportStats['course']>;

export interface HeadlineItem {
  label: string;
  value: string;
}

/** One cell of the transfer matrix: what `from` sent to `to` (every pair, zeros too). */
export interface TransferCell {
  from: number;
  to: number;
  /** Segments `from`'s upload worker sent to `to`. */
  sent: number;
  /** Of those, the ones `to` verified and kept. */
  received: number;
}

export interface Completion {
  rank: number;
  file: string;
  seconds: number;
}

export interface Timeline {
  completions: Completion[];
  /** Every peer, also those that downloaded nothing. */
  ranks: number[];
  /** The files that were downloaded, in the stats' order. */
  files: string[];
  /** When the last peer had everything (seconds after the tracker's start). */
  makespan: number;
  /** When every peer had registered and the swarm could start. */
  goAhead: number;
}

export interface UploadBar {
  rank: number;
  uploads: number;
}

export interface LoadSpread {
  bars: UploadBar[];
  mean: number;
}

/** Bad segments one sender sent to one receiver. */
export interface BadSegments {
  from: number;
  to: number;
  segments: number;
}

/** Bad-data reports against one sender for one file. */
export interface Blame {
  file: string;
  rank: number;
  reports: number;
  distrusted: boolean;
}

export interface BadData {
  segments: BadSegments[];
  blame: Blame[];
}

export interface StageSample {
  rank: number;
  node: string;
  seconds: number;
  bytes: number;
  slowest: boolean;
  /** 'slowest node' or 'other nodes', for the legend. */
  role: string;
}

export interface StageProgress {
  samples: StageSample[];
  slowest: { rank: number; node: string; doneAt: number };
  lowerBoundSeconds: number | undefined;
  nodes: number;
}

const count = (record: Record<string, number>, rank: number): number => record[String(rank)] ?? 0;
const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

/** The numbers at the top of the page. */
export function headline(stats: ReportStats): HeadlineItem[] {
  const items: HeadlineItem[] = [];
  const course = stats.course;
  if (course) {
    const { min, mean, max } = course.uploadsPerPeer;
    items.push(
      { label: 'peers', value: String(course.peers) },
      { label: 'files', value: String(course.files) },
      { label: 'segments', value: String(course.segments) },
      { label: 'segments moved', value: String(course.segmentsMoved) },
      { label: 'messages', value: String(course.messages) },
      { label: 'seconds in all', value: course.seconds.toFixed(3) },
      { label: 'seconds registering', value: course.registrationSeconds.toFixed(3) },
      { label: 'seconds downloading', value: course.downloadSeconds.toFixed(3) },
      { label: 'uploads per peer', value: `min ${min}, mean ${mean.toFixed(1)}, max ${max}` },
      { label: 'bad segments', value: String(course.badSegments) },
      { label: 'seed', value: String(course.seed) },
    );
  }
  if (stats.stage) {
    const progress = stageProgress(stats.stage);
    items.push(
      { label: 'nodes', value: String(progress.nodes) },
      { label: 'bytes per node', value: formatBytes(stats.stage.bytes) },
      { label: 'slowest node', value: `${progress.slowest.node}, done at ${progress.slowest.doneAt.toFixed(3)} s` },
    );
    if (progress.lowerBoundSeconds !== undefined) {
      items.push({
        label: 'lower bound T*',
        value:
          `${progress.lowerBoundSeconds.toFixed(3)} s ` +
          `(slowest node at ${(progress.slowest.doneAt / progress.lowerBoundSeconds).toFixed(2)} x T*)`,
      });
    }
  }
  return items;
}

/** Every sender x receiver pair of peers, in rank order (rows senders). */
export function transferMatrix(course: Course): TransferCell[] {
  const ranks = course.peerStats.map((peer) => peer.rank);
  const byRank = new Map(course.peerStats.map((peer) => [peer.rank, peer]));
  return ranks.flatMap((from) =>
    ranks.map((to) => ({
      from,
      to,
      sent: count(byRank.get(from)!.uploadsTo, to),
      received: count(byRank.get(to)!.downloadsBySource, from),
    })),
  );
}

/** Each peer's completion of each file it downloaded, and the makespan. */
export function timeline(course: Course): Timeline {
  const completions = course.fileStats.flatMap((file) =>
    Object.entries(file.completedAt).map(([rank, seconds]) => ({ rank: Number(rank), file: file.name, seconds })),
  );
  completions.sort((a, b) => a.seconds - b.seconds || a.rank - b.rank);
  const makespan = Math.max(0, ...course.peerStats.map((peer) => peer.doneAt), ...completions.map((c) => c.seconds));
  const files = course.fileStats.filter((file) => Object.keys(file.completedAt).length > 0).map((file) => file.name);
  return {
    completions,
    ranks: course.peerStats.map((peer) => peer.rank),
    files,
    makespan,
    goAhead: course.registrationSeconds,
  };
}

/** Segments each peer uploaded, and their mean. */
export function loadSpread(course: Course): LoadSpread {
  const bars = course.peerStats.map((peer) => ({ rank: peer.rank, uploads: peer.uploads }));
  return { bars, mean: bars.length === 0 ? 0 : sum(bars.map((bar) => bar.uploads)) / bars.length };
}

/** Who sent bad data to whom, and the tracker's blame; undefined when there was none. */
export function badData(course: Course): BadData | undefined {
  const segments = course.peerStats
    .flatMap((peer) =>
      Object.entries(peer.badSegmentsSeen).map(([from, n]) => ({ from: Number(from), to: peer.rank, segments: n })),
    )
    .filter((entry) => entry.segments > 0)
    .sort((a, b) => a.from - b.from || a.to - b.to);
  const blame = course.fileStats.flatMap((file) =>
    Object.entries(file.badReports).map(([rank, reports]) => ({
      file: file.name,
      rank: Number(rank),
      reports,
      distrusted: file.distrusted.includes(Number(rank)),
    })),
  );
  if (segments.length === 0 && blame.length === 0 && course.badSegments === 0) return undefined;
  return { segments, blame };
}

/** Bytes done over time per node of a stage run, the slowest node marked. */
export function stageProgress(stage: StageStats): StageProgress {
  const slowestNode = stage.nodes.reduce((slowest, node) => (node.doneAt > slowest.doneAt ? node : slowest));
  const label = (node: StageStats['nodes'][number]): string => `${node.host} (rank ${node.rank})`;
  const samples = stage.nodes.flatMap((node) =>
    node.bytesOverTime.map(([seconds, bytes]) => ({
      rank: node.rank,
      node: label(node),
      seconds,
      bytes,
      slowest: node === slowestNode,
      role: node === slowestNode ? 'slowest node' : 'other nodes',
    })),
  );
  return {
    samples,
    slowest: { rank: slowestNode.rank, node: label(slowestNode), doneAt: slowestNode.doneAt },
    lowerBoundSeconds: stage.lowerBoundSeconds,
    nodes: stage.nodes.length,
  };
}
