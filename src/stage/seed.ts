/**
 * A seeder's first job: read its share of SOURCE piece by piece (one buffer, reused), hash each
 * piece and write it to its own destination. Each file read is checked to be the one the job
 * planned for (size and modification time before and after): SOURCE changing during the run is
 * an error, not a silently different copy.
 */
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';

import { describeFsError } from '../io/fs-reason.js';
import { PathError } from '../errors/path-error.js';
import type { DiskStore } from '../storage/disk-store.js';
import { equalBytes } from '../storage/resume.js';
import type { FileEntry } from '../torrent/manifest.js';
import { pieceRoot } from '../torrent/merkle.js';

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

function unchanged(stats: Stats, file: FileEntry): boolean {
  return stats.size === file.length && (file.mtimeMs === undefined || stats.mtimeMs === file.mtimeMs);
}

/**
 * Reads pieces [start, end) of SOURCE into `store`. With `known` (a .torrent's hashes, 32 bytes
 * a piece of the whole dataset) each piece is checked against it; without, its hash is computed
 * and returned.
 */
export function readShare(
  source: string,
  shape: SourceShape,
  store: DiskStore,
  start: number,
  end: number,
  known?: Uint8Array,
): ReadShare {
  const { geometry } = store.tree;
  const hashes = new Uint8Array(known ? 0 : 32 * (end - start));
  const buffer = new Uint8Array(geometry.pieceLength);
  let bytesRead = 0;
  let piece = start;
  while (piece < end) {
    const fileIndex = geometry.file[piece]!;
    const file = shape.files[fileIndex]!;
    const path = sourcePathOf(source, shape, file);
    const lastOfFile = Math.min(end, geometry.firstPiece[fileIndex]! + geometry.pieceCount[fileIndex]!);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw new PathError(path, describeFsError(error), { cause: error });
    }
    try {
      const before = fstatSync(fd);
      if (known && before.size !== file.length) {
        throw new PathError(
          path,
          `is ${before.size} bytes, but the .torrent says ${file.length}: SOURCE does not match the .torrent`,
        );
      }
      if (!unchanged(before, file))
        throw new PathError(path, 'changed since the job listed it (size or modification time)');
      for (; piece < lastOfFile; piece++) {
        const data = buffer.subarray(0, geometry.length[piece]);
        let done = 0;
        while (done < data.length) {
          const got = readSync(fd, data, done, data.length - done, geometry.offset[piece]! + done);
          if (got === 0) throw new PathError(path, 'became shorter while it was read');
          done += got;
        }
        bytesRead += data.length;
        const root = pieceRoot(data, geometry.leaves[piece]!);
        if (known) {
          if (!equalBytes(root, known.subarray(32 * piece, 32 * piece + 32))) {
            throw new PathError(
              path,
              `piece ${piece - geometry.firstPiece[fileIndex]! + 1} of this file (bytes from ${geometry.offset[piece]}) does not match the .torrent: SOURCE is not the data it describes`,
            );
          }
        } else {
          hashes.set(root, 32 * (piece - start));
        }
        store.write(0, piece, data);
      }
      if (!unchanged(fstatSync(fd), file))
        throw new PathError(path, 'changed while it was read (size or modification time)');
    } catch (error) {
      if (error instanceof PathError) throw error;
      if ((error as { exitCode?: number }).exitCode !== undefined) throw error;
      throw new PathError(path, describeFsError(error), { cause: error });
    } finally {
      closeSync(fd);
    }
  }
  return { hashes, bytesRead };
}
