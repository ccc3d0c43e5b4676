/**
 * A peer's result for one wanted file: `client<R>_<file>`, the file's segment hashes in order,
 * one per line, each line ending with "\n".
 */
import { dirname, join, resolve } from 'node:path';
import { unsafeFileNameReason } from './file-name.js';
import { describeFsError } from './fs-reason.js';
import { quote } from './quote.js';
import { checkRank } from './rank.js';
import { removeStaleTemporaries, writeWhole } from './write-whole.js';

/** "client3_file1" for rank 3 and file "file1". */
export function outputFileName(rank: number, fileName: string): string {
  return `client${checkRank(rank)}_${fileName}`;
}

/**
 * Writes `<dir>/client<rank>_<fileName>` whole or not at all (see write-whole.ts), so a reader (or
 * the checker) never sees a half-written file. Returns the path, `path.join(dir, name)`.
 * Throws an Error naming the file and the reason; no temporary file is left behind.
 */
export function writeOutputFile(dir: string, rank: number, fileName: string, hashes: readonly string[]): string {
  const name = outputFileName(rank, fileName);
  const target = join(dir, name);

  // The input parser already refuses these names; check again so no caller can write elsewhere.
  const unsafe = unsafeFileNameReason(fileName);
  if (unsafe !== undefined) throw new Error(`cannot write ${target}: file name ${quote(fileName)} ${unsafe}`);
  if (dirname(resolve(dir, name)) !== resolve(dir)) {
    throw new Error(`cannot write ${target}: it is not directly inside ${dir}`);
  }

  // One string, one write: fast for thousands of hashes.
  const content = hashes.length === 0 ? '' : `${hashes.join('\n')}\n`;
  try {
    writeWhole(dir, name, temporaryLabel(rank), content);
    return target;
  } catch (error) {
    throw new Error(`cannot write ${target}: ${describeFsError(error, { ENOENT: 'no such folder' })}`, {
      cause: error,
    });
  }
}

/**
 * Removes the temporaries that earlier runs of this rank left in `dir` when they were killed
 * mid-write (see write-whole.ts); returns how many.
 */
export function removeStaleOutputTemporaries(dir: string, rank: number): number {
  return removeStaleTemporaries(dir, temporaryLabel(rank));
}

function temporaryLabel(rank: number): string {
  return `client${rank}`;
}
