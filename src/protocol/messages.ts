/**
 * Every message of the protocol. Each one documents its sender, its receiver and its wire
 * layout (after a u8 type code; integers are little-endian u32, `str` is a u32 byte length and
 * UTF-8, `bytes` a u32 length and raw bytes, `A[]` a u32 count and the items, `hashes` a u32
 * count, a u32 width and that many ASCII strings of that width back to back).
 */

/** A file a peer owns, with its segment hashes, and where it was listed. */
export interface RegisteredFile {
  name: string;
  line: number;
  hashes: string[];
}

/** A file a peer wants, and where it was listed. */
export interface RegisteredWant {
  name: string;
  line: number;
}

/**
 * Peer main → tracker: what the peer has and wants, with its input file and line numbers for
 * error messages. Layout: str path | (str name, u32 line, hashes)[] owned |
 * (str name, u32 line)[] wanted.
 */
export interface Register {
  type: 'register';
  path: string;
  owned: RegisteredFile[];
  wanted: RegisteredWant[];
}

/**
 * Peer main → tracker, instead of Register: the peer cannot take part (its input is bad, or
 * its output folder unwritable). The tracker reports the first such problem, by rank, once.
 * Layout: str message | u32 exitCode.
 */
export interface CannotStart {
  type: 'cannot-start';
  message: string;
  exitCode: number;
}

/** A file as the tracker numbers it for everyone. */
export interface FileInfo {
  id: number;
  name: string;
  segmentCount: number;
}

/**
 * Tracker → peer main, once every peer has registered: go. Carries the ids of the files this
 * peer owns or wants. Layout: u32 peerCount | (u32 id, str name, u32 segmentCount)[] files.
 */
export interface Ready {
  type: 'ready';
  peerCount: number;
  files: FileInfo[];
}

/** Download → tracker: who holds what of a file. Layout: u32 fileId | u8 withHashes. */
export interface SwarmRequest {
  type: 'swarm-request';
  fileId: number;
  withHashes: boolean;
}

/** How a holder's segments are described in a swarm. */
export const HolderChange = {
  /** It has every segment (a seed). */
  All: 0,
  /** `bitfield` replaces what was known (bit i, most significant first, is segment i). */
  Bitfield: 1,
  /** It now also has `added` (what changed since the last swarm this peer got). */
  Added: 2,
  /** Do not use this holder any more (it left, or it sent bad data too often). */
  Removed: 3,
} as const;
export type HolderChange = (typeof HolderChange)[keyof typeof HolderChange];

export interface HolderUpdate {
  rank: number;
  change: HolderChange;
  bitfield?: Uint8Array;
  added?: number[];
}

/**
 * Tracker → download: the file's hashes (the first time only) and the holders whose segments
 * changed since this peer's last swarm of the file, each in its most compact form.
 * Layout: u32 fileId | u8 hasHashes | [hashes] |
 * (u32 rank, u8 change, [bytes bitfield if Bitfield] [u32[] added if Added])[] holders.
 */
export interface Swarm {
  type: 'swarm';
  fileId: number;
  hashes: string[] | null;
  holders: HolderUpdate[];
}

/**
 * Download → tracker: segments verified since the last update (every 10, as the course asks,
 * and at completion). The tracker answers with a fresh swarm when `wantSwarm` (a peer whose
 * last refresh of the file is still on its way does not ask again: that one will be fresh).
 * Layout: u32 fileId | u32[] segments | u8 complete | u8 wantSwarm.
 */
export interface Update {
  type: 'update';
  fileId: number;
  segments: number[];
  complete: boolean;
  wantSwarm: boolean;
}

/**
 * Download → tracker: `sender` sent `segment` of `fileId` with a payload that did not match
 * its hash. Layout: u32 fileId | u32 segment | u32 sender.
 */
export interface BadSegment {
  type: 'bad-segment';
  fileId: number;
  segment: number;
  sender: number;
}

/** A count per rank, for statistics. */
export interface RankCount {
  rank: number;
  count: number;
}

/** Counts by rank as a message carries them: in order of rank. */
export function rankCounts(counts: ReadonlyMap<number, number>): RankCount[] {
  return [...counts].sort(([a], [b]) => a - b).map(([rank, count]) => ({ rank, count }));
}

/**
 * Download → tracker: every wanted file is complete and every request answered.
 * Layout: (u32 rank, u32 count)[] downloadsBySource | (u32 rank, u32 count)[] badBySource |
 * u32 messagesSent.
 */
export interface DownloadsDone {
  type: 'downloads-done';
  downloadsBySource: RankCount[];
  badBySource: RankCount[];
  messagesSent: number;
}

/** Download → upload: please send these segments. Layout: u32 fileId | u32[] segments. */
export interface SegmentRequest {
  type: 'segment-request';
  fileId: number;
  segments: number[];
}

export interface SegmentPayload {
  segment: number;
  payload: Uint8Array;
}

/**
 * Upload → download: the requested segments it has, and an explicit refusal of the others.
 * Layout: u32 fileId | (u32 segment, bytes payload)[] segments | u32[] refused.
 */
export interface Segments {
  type: 'segments';
  fileId: number;
  segments: SegmentPayload[];
  refused: number[];
}

/** Tracker → upload: every peer is done; report and stop. Layout: nothing. */
export interface Stop {
  type: 'stop';
}

/**
 * Upload → tracker, after stop: what it served.
 * Layout: (u32 rank, u32 count)[] servedTo | u32 refused | u32 messagesSent.
 */
export interface UploadStats {
  type: 'upload-stats';
  servedTo: RankCount[];
  refused: number;
  messagesSent: number;
}

export type Message =
  | Register
  | CannotStart
  | Ready
  | SwarmRequest
  | Swarm
  | Update
  | BadSegment
  | DownloadsDone
  | SegmentRequest
  | Segments
  | Stop
  | UploadStats;

export type MessageType = Message['type'];
