/**
 * Hashes a range of one file's pieces, reading it in large chunks: what a hashing worker does.
 * Synchronous on purpose: it runs on a worker thread of its own, one read at a time.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

import { describeFsError } from '../io/fs-reason.js';
import { HASH_SIZE, pieceLeaves, pieceRoot } from './merkle.js';
import { SourceError } from './source-error.js';

/** Part of a file to hash: pieces firstPiece .. firstPiece + pieceCount - 1. */
export interface HashSegment {
  path: string;
  /** The file's length when it was listed; a file now of another size is an error. */
  fileLength: number;
  firstPiece: number;
  pieceCount: number;
}

/** Bytes read at once: large reads keep the disk streaming, and 8 MiB stays small in memory. */
export const CHUNK_BYTES = 8 * 1024 * 1024;

/** A read buffer for pieces of `pieceLength`: a whole number of pieces, at least one. */
export function chunkBuffer(pieceLength: number): Buffer {
  return Buffer.allocUnsafe(Math.max(pieceLength, Math.floor(CHUNK_BYTES / pieceLength) * pieceLength));
}

/**
 * The merkle roots of the segment's pieces, back to back (32 bytes each). A file of at most one
 * piece has one "piece" whose root is the file's pieces root (its own blocks, padded to a power
 * of two); the pieces of a longer file are padded to `pieceLength / BLOCK_SIZE` leaves.
 */
export function hashSegment(segment: HashSegment, pieceLength: number, buffer: Buffer): Uint8Array {
  const { path, fileLength, firstPiece, pieceCount } = segment;
  const roots = new Uint8Array(pieceCount * HASH_SIZE);
  if (pieceCount === 0) return roots;
  const leaves = pieceLeaves(fileLength, pieceLength);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new SourceError(path, `cannot read: ${describeFsError(error)}`, { cause: error });
  }
  try {
    const size = fstatSync(fd).size;
    if (size !== fileLength)
      throw new SourceError(path, `changed while hashing: ${fileLength} bytes when listed, now ${size}`);
    const start = firstPiece * pieceLength;
    const end = Math.min(fileLength, (firstPiece + pieceCount) * pieceLength);
    let piece = 0;
    for (let offset = start; offset < end;) {
      const want = Math.min(buffer.length, end - offset);
      const got = readFully(fd, path, buffer, want, offset);
      if (got < want)
        throw new SourceError(path, `changed while hashing: ended at byte ${offset + got}, listed with ${fileLength}`);
      for (let at = 0; at < got; at += pieceLength) {
        const data = buffer.subarray(at, Math.min(got, at + pieceLength));
        roots.set(pieceRoot(data, leaves), piece * HASH_SIZE);
        piece++;
      }
      offset += got;
    }
  } finally {
    closeSync(fd);
  }
  return roots;
}

function readFully(fd: number, path: string, buffer: Buffer, want: number, position: number): number {
  let got = 0;
  while (got < want) {
    let n: number;
    try {
      n = readSync(fd, buffer, got, want - got, position + got);
    } catch (error) {
      throw new SourceError(path, `cannot read: ${describeFsError(error)}`, { cause: error });
    }
    if (n === 0) break;
    got += n;
  }
  return got;
}
