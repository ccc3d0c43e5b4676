/**
 * A seeder's first job: read its share of SOURCE, hash each piece and write it to its own
 * destination. The share is cut into segments (a range of one file's pieces, seed-segment.ts);
 * here they are copied one after the other on this thread, seed-pool.ts spreads them over
 * worker threads. Each file read is checked to be the one the job planned for: SOURCE changing
 * during the run is an error, not a silently different copy.
 */
import { join } from 'node:path';

import type { DiskStore } from '../storage/disk-store.js';
import type { FileEntry } from '../torrent/manifest.js';
import { chunkBuffer } from '../torrent/hash-file.js';
import { copySegment, type SeedSegment } from './seed-segment.js';

export interface SourceShape {
  singleFile: boolean;
  /** The dataset's regular files, in piece order. */
  files: readonly FileEntry[];
}

export function sourcePathOf(source: string, shape: SourceShape, file: FileEntry): string {
  return shape.singleFile ? source : join(source, ...file.path.split('/'));
}

export interface ReadShare {
  /** 32 bytes a piece of the share (when hashing; empty when checking against known hashes). */
  hashes: Uint8Array;
  bytesRead: number;
}

/** A segment of the share and the dataset's number of its first piece. */
export interface PlannedSegment {
  segment: SeedSegment;
  piece: number;
}

/**
 * Pieces [start, end) as segments of at most `maxPieces` pieces each (a file's pieces in order;
 * a piece never spans two files). With `known` (32 bytes a piece of the dataset) each segment
 * carries the roots to check its pieces against.
 */
export function shareSegments(
  source: string,
  shape: SourceShape,
  store: DiskStore,
  start: number,
  end: number,
  known?: Uint8Array,
  maxPieces = Infinity,
): PlannedSegment[] {
  const { geometry, files } = store.tree;
  const planned: PlannedSegment[] = [];
  for (let piece = start; piece < end;) {
    const fileIndex = geometry.file[piece]!;
    const file = shape.files[fileIndex]!;
    const fileStart = geometry.firstPiece[fileIndex]!;
    const last = Math.min(end, fileStart + geometry.pieceCount[fileIndex]!, piece + maxPieces);
    planned.push({
      piece,
      segment: {
        source: sourcePathOf(source, shape, file),
        dest: files[fileIndex]!.partialPath,
        fileLength: file.length,
        mtimeMs: file.mtimeMs,
        pieceLength: geometry.pieceLength,
        leaves: geometry.leaves[piece]!,
        firstPiece: piece - fileStart,
        pieceCount: last - piece,
        known: known?.slice(32 * piece, 32 * last),
      },
    });
    piece = last;
  }
  return planned;
}

/** Flags a copied segment's pieces held in `store` (files complete as their last piece comes). */
export function markCopied(store: DiskStore, { piece, segment }: PlannedSegment): number {
  let bytes = 0;
  for (let i = 0; i < segment.pieceCount; i++) bytes += store.markWritten(piece + i);
  return bytes;
}

/**
 * Reads pieces [start, end) of SOURCE into `store`, on this thread. With `known` (a .torrent's
 * hashes, 32 bytes a piece of the whole dataset) each piece is checked against it; without, its
 * hash is computed and returned.
 */
export function readShare(
  source: string,
  shape: SourceShape,
  store: DiskStore,
  start: number,
  end: number,
  known?: Uint8Array,
): ReadShare {
  const hashes = new Uint8Array(known ? 0 : 32 * (end - start));
  const buffer = chunkBuffer(store.tree.geometry.pieceLength);
  let bytesRead = 0;
  for (const planned of shareSegments(source, shape, store, start, end, known)) {
    const roots = copySegment(planned.segment, buffer);
    if (!known) hashes.set(roots, 32 * (planned.piece - start));
    bytesRead += markCopied(store, planned);
  }
  return { hashes, bytesRead };
}
