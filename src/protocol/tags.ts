/**
 * One MPI tag per receiving thread, so threads of one rank never take each other's messages
 * (no thread but the tracker ever receives with MPI_ANY_TAG).
 */
export const Tag = {
  /** Rank 0's main thread: the tracker. */
  Tracker: 1,
  /** A peer's main thread: the tracker's go-ahead after registration. */
  PeerMain: 2,
  /** A peer's download worker: swarms from the tracker, segments from other peers. */
  Download: 3,
  /** A peer's upload worker: segment requests from other peers, stop from the tracker. */
  Upload: 4,
  /** The end of a traced job (--trace): rank 0's main thread asks each rank's for its clock and events. */
  Trace: 5,
} as const;

export type Tag = (typeof Tag)[keyof typeof Tag];

export const TRACKER_RANK = 0;
