/**
 * Gets a destination ready for the pieces: folders made, empty files and symlinks created,
 * every other file open under its hidden partial name and sized with ftruncate (sparse: no
 * blocks are reserved). A complete file from an earlier run goes back to its partial name, to
 * be checked (resume.ts) and renamed again once every piece is verified: nothing unverified
 * ever stands at a final name.
 */
import {
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  fchmodSync,
  ftruncateSync,
  fstatSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { PathError } from '../errors/path-error.js';
import type { Entry } from '../torrent/manifest.js';
import { secondsOf } from './file-time.js';
import { DestinationError } from './destination-error.js';
import { pieceGeometry } from './geometry.js';
import { checkRelativePath, symlinkStaysInside } from './safe-path.js';
import type { StoredFileEntry, StoredFolder, StoredTree } from './tree.js';

/** What a destination needs to know of the dataset (hashes not needed). */
export interface DatasetShape {
  name: string;
  singleFile: boolean;
  pieceLength: number;
  entries: readonly Entry[];
  /** The top folder's mode and time (a folder dataset read from disk; a .torrent has none). */
  top?: { mode?: number; mtimeMs?: number };
}

export const PARTIAL_SUFFIX = '.mpitorrent-partial';

export function partialPathOf(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}${PARTIAL_SUFFIX}`);
}

// Without an exception for a missing path: a fresh DEST asks twice a file, and a thrown error
// costs ~7 us more than the lstat itself.
function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw DestinationError.from(path, error);
  }
}

function attempt<T>(path: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof PathError) throw error;
    throw DestinationError.from(path, error);
  }
}

function makeFolder(path: string): void {
  const stat = lstatOrUndefined(path);
  if (stat?.isDirectory()) return;
  if (stat !== undefined) throw new DestinationError(path, 'exists and is not a folder');
  attempt(path, () => mkdirSync(path, { recursive: true }));
}

function finalPathOf(root: string, shape: DatasetShape, entry: Entry): string {
  return shape.singleFile ? root : join(root, ...entry.path.split('/'));
}

/** Checks every name and symlink of the dataset before anything is written. */
export function checkShape(where: string, shape: DatasetShape): void {
  for (const entry of shape.entries) {
    if (!shape.singleFile || entry.kind !== 'file') checkRelativePath(where, entry.path);
    if (entry.kind === 'symlink' && !symlinkStaysInside(entry.path, entry.target)) {
      throw new PathError(where, `the symlink "${entry.path}" points outside the dataset (to "${entry.target}")`);
    }
  }
}

/** Creates (or keeps) the partial file at its full length; true when nothing was in it before. */
function makePartial(finalPath: string, length: number): boolean {
  const partialPath = partialPathOf(finalPath);
  const atFinal = lstatOrUndefined(finalPath);
  if (atFinal !== undefined) {
    if (!atFinal.isFile()) throw new DestinationError(finalPath, 'exists and is not a file');
    attempt(finalPath, () => renameSync(finalPath, partialPath));
  }
  const atPartial = lstatOrUndefined(partialPath);
  if (atPartial !== undefined && !atPartial.isFile())
    throw new DestinationError(partialPath, 'exists and is not a file');
  const fd = attempt(partialPath, () => openSync(partialPath, constants.O_RDWR | constants.O_CREAT, 0o600));
  try {
    const size = fstatSync(fd).size;
    if (size !== length) ftruncateSync(fd, length);
    return atPartial === undefined || size === 0;
  } catch (error) {
    throw DestinationError.from(partialPath, error);
  } finally {
    closeSync(fd);
  }
}

function makeEmptyFile(path: string, mode?: number, mtimeMs?: number): void {
  const stat = lstatOrUndefined(path);
  if (stat !== undefined && !stat.isFile()) throw new DestinationError(path, 'exists and is not a file');
  const fd = attempt(path, () => openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC, 0o600));
  try {
    if (mode !== undefined) fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
  if (mtimeMs !== undefined) attempt(path, () => utimesSync(path, new Date(), secondsOf(mtimeMs)));
}

function makeSymlink(path: string, target: string): void {
  const stat = lstatOrUndefined(path);
  if (stat?.isSymbolicLink() && readlinkSync(path) === target) return;
  if (stat?.isDirectory()) throw new DestinationError(path, 'exists and is a folder, where the dataset has a symlink');
  if (stat !== undefined) attempt(path, () => unlinkSync(path));
  attempt(path, () => symlinkSync(target, path));
}

/** Makes `root` ready for `shape`'s pieces; `where` names the dataset in error messages. */
export function prepareDestination(root: string, shape: DatasetShape, where = root): StoredTree {
  checkShape(where, shape);
  const folders: StoredFolder[] = [];
  const files: StoredFileEntry[] = [];
  {
    if (shape.singleFile) makeFolder(dirname(root));
    else {
      makeFolder(root);
      folders.push({ path: root, mode: shape.top?.mode, mtimeMs: shape.top?.mtimeMs });
    }
    for (const entry of shape.entries) {
      const finalPath = finalPathOf(root, shape, entry);
      if (entry.kind === 'folder') {
        makeFolder(finalPath);
        folders.push({ path: finalPath, mode: entry.mode, mtimeMs: entry.mtimeMs });
      } else if (entry.kind === 'symlink') {
        makeFolder(dirname(finalPath));
        makeSymlink(finalPath, entry.target);
      } else {
        makeFolder(dirname(finalPath));
        const common = {
          name: entry.path,
          finalPath,
          partialPath: partialPathOf(finalPath),
          length: entry.length,
          mode: entry.mode,
          mtimeMs: entry.mtimeMs,
        };
        if (entry.length === 0) {
          makeEmptyFile(finalPath, entry.mode, entry.mtimeMs);
          files.push({ ...common, fresh: true });
        } else {
          files.push({ ...common, fresh: makePartial(finalPath, entry.length) });
        }
      }
    }
  }
  const geometry = pieceGeometry(
    files.map((file) => file.length),
    shape.pieceLength,
  );
  const remaining = new SharedArrayBuffer(4 * files.length);
  new Int32Array(remaining).set(geometry.pieceCount);
  return { root, files, folders, geometry, have: new SharedArrayBuffer(geometry.length.length), remaining };
}
