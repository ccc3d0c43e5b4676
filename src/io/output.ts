/**
 * A peer's result for one wanted file: `client<R>_<file>`, the file's segment hashes in order,
 * one per line, each line ending with "\n".
 */
import { closeSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { unsafeFileNameReason } from './file-name.js';
import { describeFsError } from './fs-reason.js';
import { quote } from './quote.js';
import { checkRank } from './rank.js';

/** "client3_file1" for rank 3 and file "file1". */
export function outputFileName(rank: number, fileName: string): string {
  return `client${checkRank(rank)}_${fileName}`;
}

/**
 * Writes `<dir>/client<rank>_<fileName>` whole or not at all: the content goes to a hidden
 * temporary file in the same folder, which is then renamed over the final name, so a reader (or
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
  // Short whatever the file's name: a name that just fits the file system's limit still works.
  // Unique enough with the pid; 'wx' below makes a clash an error, never a shared file.
  const temporary = join(dir, `.client${rank}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let created = false;
  try {
    // 'wx': never follow or reuse a file someone else put at the temporary name.
    const fd = openSync(temporary, 'wx');
    created = true;
    try {
      writeFileSync(fd, content);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
    return target;
  } catch (error) {
    if (created) removeQuietly(temporary);
    throw new Error(`cannot write ${target}: ${describeFsError(error, { ENOENT: 'no such folder' })}`, {
      cause: error,
    });
  }
}

// The original failure is what the caller needs to hear about, not a failed cleanup.
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing more can be done; the write error is reported.
  }
}
