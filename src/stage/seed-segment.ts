/**
 * Copies a range of one SOURCE file's pieces to the same range of its partial file in DEST,
 * hashing each piece on the way: what a seeder does with its share, on its main thread or on a
 * seeding worker (seed.worker.ts). Reads in large chunks (one buffer, reused). The file must be
 * the one the job listed (size and modification time before and after reading); with known
 * hashes each piece is checked before it is written.
 */
import { closeSync, constants, fstatSync, openSync, readSync, writeSync, type Stats } from 'node:fs';

import { PathError } from '../errors/path-error.js';
import { describeFsError } from '../io/fs-reason.js';
import { DestinationError } from '../storage/destination-error.js';
import { pieceRoot } from '../torrent/merkle.js';

/** Pieces firstPiece .. firstPiece + pieceCount - 1 of one file (numbered in the file). */
export interface SeedSegment {
  source: string;
  /** The partial file in DEST; the bytes go to the same offsets as in `source`. */
  dest: string;
  /** Size and modification time when the job listed the file. */
  fileLength: number;
  mtimeMs?: number;
  pieceLength: number;
  /** Merkle leaves of each of the file's pieces (merkle.ts pieceLeaves). */
  leaves: number;
  firstPiece: number;
  pieceCount: number;
  /** The .torrent's roots of these pieces, 32 bytes each; without, nothing to check against. */
  known?: Uint8Array;
}

function unchanged(stats: Stats, segment: SeedSegment): boolean {
  return stats.size === segment.fileLength && (segment.mtimeMs === undefined || stats.mtimeMs === segment.mtimeMs);
}

/**
 * The roots of the segment's pieces, back to back (32 bytes each), once their bytes are in
 * `segment.dest`. Throws a PathError naming SOURCE's file, or a DestinationError naming DEST's.
 */
export function copySegment(segment: SeedSegment, buffer: Uint8Array): Uint8Array {
  const { source: path, pieceLength, firstPiece, pieceCount, known } = segment;
  const roots = new Uint8Array(32 * pieceCount);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new PathError(path, describeFsError(error), { cause: error });
  }
  let destFd: number | undefined;
  try {
    const before = fstatSync(fd);
    if (known && before.size !== segment.fileLength) {
      throw new PathError(
        path,
        `is ${before.size} bytes, but the .torrent says ${segment.fileLength}: SOURCE does not match the .torrent`,
      );
    }
    if (!unchanged(before, segment))
      throw new PathError(path, 'changed since the job listed it (size or modification time)');
    try {
      destFd = openSync(segment.dest, constants.O_WRONLY);
    } catch (error) {
      throw DestinationError.from(segment.dest, error);
    }
    const start = firstPiece * pieceLength;
    const end = Math.min(segment.fileLength, (firstPiece + pieceCount) * pieceLength);
    const chunkLength = Math.max(pieceLength, Math.floor(buffer.length / pieceLength) * pieceLength);
    let piece = 0;
    for (let offset = start; offset < end;) {
      const data = buffer.subarray(0, Math.min(chunkLength, end - offset));
      let done = 0;
      while (done < data.length) {
        const got = readSync(fd, data, done, data.length - done, offset + done);
        if (got === 0) throw new PathError(path, 'became shorter while it was read');
        done += got;
      }
      for (let at = 0; at < data.length; at += pieceLength, piece++) {
        const root = pieceRoot(data.subarray(at, Math.min(data.length, at + pieceLength)), segment.leaves);
        if (known && Buffer.compare(root, known.subarray(32 * piece, 32 * piece + 32)) !== 0) {
          throw new PathError(
            path,
            `piece ${firstPiece + piece + 1} of this file (bytes from ${offset + at}) does not match the .torrent: SOURCE is not the data it describes`,
          );
        }
        roots.set(root, 32 * piece);
      }
      writeAll(destFd, segment.dest, data, offset);
      offset += data.length;
    }
    if (!unchanged(fstatSync(fd), segment))
      throw new PathError(path, 'changed while it was read (size or modification time)');
  } catch (error) {
    if (error instanceof PathError) throw error;
    throw new PathError(path, describeFsError(error), { cause: error });
  } finally {
    closeSync(fd);
    if (destFd !== undefined) closeSync(destFd);
  }
  return roots;
}

function writeAll(fd: number, path: string, data: Uint8Array, position: number): void {
  let done = 0;
  try {
    while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
  } catch (error) {
    throw DestinationError.from(path, error);
  }
}
