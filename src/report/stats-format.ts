/**
 * The `--stats` JSON as the report reads it (docs/stats-format.md): checked with zod, so a file
 * that is not a stats file, or not one this version knows, is named with what is wrong.
 *
 * Only the fields the report uses are checked; others are kept as they are, so later versions
 * may add fields without breaking older reports.
 */
import { z } from 'zod';

import { STATS_FORMAT, STATS_VERSION } from '../tracker/stats.js';

const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative();
/** {rank: n}, as JSON writes a Map of ranks. */
const byRank = z.record(z.string().regex(/^\d+$/, 'a rank'), z.number().nonnegative());

const peerStats = z.looseObject({
  rank: count,
  uploads: count,
  uploadsTo: byRank,
  downloads: count,
  downloadsBySource: byRank,
  badSegmentsSeen: byRank,
  doneAt: seconds,
});

const fileStats = z.looseObject({
  name: z.string(),
  segments: count,
  owners: z.array(count),
  completedAt: byRank,
  badReports: byRank,
  distrusted: z.array(count),
});

/** A `stage` run's own part: bytes per node over time, and the lower bound T* when known. */
export const stageStats = z.looseObject({
  kind: z.literal('stage'),
  /** Bytes each node had to get. */
  bytes: count,
  nodes: z
    .array(
      z.looseObject({
        rank: count,
        host: z.string(),
        /** [seconds after the start, bytes done] samples, in time order. */
        bytesOverTime: z.array(z.tuple([seconds, count])),
        doneAt: seconds,
      }),
    )
    .min(1),
  /** T*: no schedule can finish sooner (when the stage command knows it). */
  lowerBoundSeconds: seconds.optional(),
});

const courseFields = {
  peers: count,
  files: count,
  segments: count,
  segmentsMoved: count,
  badSegments: count,
  messages: count,
  seconds,
  registrationSeconds: seconds,
  downloadSeconds: seconds,
  seed: z.number(),
  uploadsPerPeer: z.object({ min: z.number(), mean: z.number(), max: z.number() }),
  peerStats: z.array(peerStats),
  fileStats: z.array(fileStats),
};

/** Version 1: the course fields (a swarm run), a `stage` object (a stage run), or both. */
const version1 = z
  .looseObject({
    format: z.literal(STATS_FORMAT).optional(),
    version: z.literal(STATS_VERSION).optional(),
    ...Object.fromEntries(Object.entries(courseFields).map(([key, schema]) => [key, schema.optional()])),
    stage: stageStats.optional(),
  })
  .superRefine((stats, context) => {
    const present = Object.keys(courseFields).filter((key) => key in stats);
    if (present.length > 0 && present.length < Object.keys(courseFields).length) {
      const missing = Object.keys(courseFields).filter((key) => !(key in stats));
      context.addIssue({ code: 'custom', message: `a swarm run's stats without ${missing.join(', ')}` });
    }
    if (present.length === 0 && stats.stage === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'neither a swarm run (peerStats, fileStats, ...) nor a stage run (stage)',
      });
    }
  });

type CourseFields = { [K in keyof typeof courseFields]: z.infer<(typeof courseFields)[K]> };
export type StageStats = z.infer<typeof stageStats>;
export type StageNode = StageStats['nodes'][number];
export type PeerStats = z.infer<typeof peerStats>;
export type FileStats = z.infer<typeof fileStats>;
/** A checked stats file: `course` when it is a swarm run's, `stage` when a stage run's. */
export interface ReportStats {
  version: number;
  course: CourseFields | undefined;
  stage: StageStats | undefined;
}

/** Why `value` (parsed JSON) is not a stats file this report knows, as one short phrase. */
export class StatsFormatError extends Error {}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/** Checks parsed JSON as stats; throws StatsFormatError saying what is wrong. */
export function readStats(value: unknown): ReportStats {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StatsFormatError('not a stats file (not a JSON object)');
  }
  const record = value as Record<string, unknown>;
  // Files written before the label carry no format and version: they are version 1.
  if ('format' in record && record.format !== STATS_FORMAT) {
    throw new StatsFormatError(`not a stats file (format ${JSON.stringify(record.format)}, not "${STATS_FORMAT}")`);
  }
  if (!('format' in record) && !('peerStats' in record)) {
    throw new StatsFormatError(`not a stats file (no "format": "${STATS_FORMAT}")`);
  }
  if ('version' in record && record.version !== STATS_VERSION) {
    throw new StatsFormatError(
      `stats version ${JSON.stringify(record.version)} is not known to this mpitorrent (it reads version ${STATS_VERSION})`,
    );
  }
  const checked = version1.safeParse(value);
  if (!checked.success)
    throw new StatsFormatError(`not a valid stats file: ${describeIssue(checked.error.issues[0]!)}`);
  const stats = checked.data as Record<string, unknown>;
  const course = 'peerStats' in stats ? (stats as unknown as CourseFields) : undefined;
  return { version: STATS_VERSION, course, stage: checked.data.stage };
}
