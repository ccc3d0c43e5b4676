/**
 * The source tree of a torrent: a file, or a folder walked recursively, listed in the order of
 * BEP 52's file tree (each folder's names in bytewise order, a folder before what it holds).
 * Nothing is hashed here; what cannot go into a torrent is an error naming its path.
 *
 * The file system calls are synchronous: a walk is thousands of tiny calls, and each one through
 * libuv's thread pool costs far more than the call (20 000 files in /dev/shm: 0.4-1.4 s
 * synchronous, 2.3-3.7 s asynchronous a folder at a time, 7 s asynchronous one by one).
 */
import { accessSync, constants, lstatSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { basename, join, posix, resolve } from 'node:path';

import { describeFsError } from '../io/fs-reason.js';
import type { FolderEntry, RelativePath, SymlinkEntry } from './manifest.js';
import { compareNames, nameProblem, utf8OrUndefined } from './names.js';
import { SourceError } from './source-error.js';

/** A regular file of the source, not hashed yet. */
export interface SourceFile {
  kind: 'file';
  path: RelativePath;
  length: number;
  mode: number;
  mtimeMs: number;
}

export type SourceEntry = SourceFile | SymlinkEntry | FolderEntry;

export interface SourceTree {
  /** The source as given: the file itself, or the folder the entries' paths are relative to. */
  root: string;
  /** The file's or the folder's name, the torrent's name. */
  name: string;
  singleFile: boolean;
  /** For a single file: one entry whose path is `name`. */
  entries: SourceEntry[];
}

/** `call()`, or a SourceError naming `path` with `what` and the reason. */
function attempt<T>(path: string, what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new SourceError(path, `${what}: ${describeFsError(error)}`, { cause: error });
  }
}

/** Lists the file or folder at `source`; throws SourceError for anything a torrent cannot hold. */
export async function walkSource(source: string): Promise<SourceTree> {
  // The source itself may be a symlink: the user named it, so it is followed.
  const stats = attempt(source, 'cannot read', () => statSync(source));
  const name = basename(resolve(source));
  const problem = nameProblem(name);
  if (problem !== undefined) throw new SourceError(source, `cannot be a torrent's name: ${problem}`);
  if (stats.isFile()) {
    requireReadable(source);
    return { root: source, name, singleFile: true, entries: [fileEntry(name, stats)] };
  }
  if (!stats.isDirectory()) throw new SourceError(source, `is ${specialKind(stats)}, not a file or a folder`);
  const entries: SourceEntry[] = [];
  walkFolder(source, '', entries);
  return { root: source, name, singleFile: false, entries };
}

function walkFolder(root: string, folder: RelativePath, entries: SourceEntry[]): void {
  const shown = folder === '' ? root : join(root, folder);
  const rawNames = attempt(shown, 'cannot read the folder', () => readdirSync(shown, { encoding: 'buffer' }));
  const names = rawNames
    .map((raw) => {
      const name = utf8OrUndefined(raw);
      if (name === undefined) throw new SourceError(join(shown, raw.toString('utf8')), 'the name is not valid UTF-8');
      const problem = nameProblem(name);
      if (problem !== undefined)
        throw new SourceError(join(shown, JSON.stringify(name)), `cannot go into a torrent: ${problem}`);
      return name;
    })
    .sort(compareNames);
  for (const name of names) {
    const path = folder === '' ? name : `${folder}/${name}`;
    const full = join(root, path);
    const stats = attempt(full, 'cannot read', () => lstatSync(full));
    if (stats.isDirectory()) {
      entries.push({ kind: 'folder', path, mode: stats.mode & 0o7777, mtimeMs: stats.mtimeMs });
      walkFolder(root, path, entries);
    } else if (stats.isFile()) {
      requireReadable(full);
      entries.push(fileEntry(path, stats));
    } else if (stats.isSymbolicLink()) {
      entries.push(symlinkEntry(full, path));
    } else {
      throw new SourceError(full, `is ${specialKind(stats)}: only files, folders and symlinks can go into a torrent`);
    }
  }
}

function fileEntry(path: RelativePath, stats: Stats): SourceFile {
  return { kind: 'file', path, length: stats.size, mode: stats.mode & 0o7777, mtimeMs: stats.mtimeMs };
}

function requireReadable(full: string): void {
  attempt(full, 'cannot read', () => accessSync(full, constants.R_OK));
}

function symlinkEntry(full: string, path: RelativePath): SymlinkEntry {
  const target = attempt(full, 'cannot read the symlink', () => readlinkSync(full));
  const problem = symlinkTargetProblem(path, target);
  if (problem !== undefined) throw new SourceError(full, problem);
  // Kept as the torrent will say it (BEP 47 paths are lexical): through a link to a shallower
  // folder, 'link/../..' could reach outside the tree, its lexical reading cannot.
  return { kind: 'symlink', path, target: posix.relative(posix.dirname(path), resolveLinkTarget(path, target)!) };
}

/**
 * What is wrong with a symlink at `path` (relative to the tree's top) pointing at `target`, or
 * undefined when the target stays inside the tree and names something a torrent can express.
 */
export function symlinkTargetProblem(path: RelativePath, target: string): string | undefined {
  if (target === '') return 'is a symlink with an empty target';
  if (posix.isAbsolute(target))
    return `is a symlink to an absolute path (${JSON.stringify(target)}): only links inside the tree can go into a torrent`;
  const resolved = resolveLinkTarget(path, target);
  if (resolved === undefined) return `is a symlink pointing outside the tree (${JSON.stringify(target)})`;
  if (resolved === '')
    return `is a symlink to the top folder (${JSON.stringify(target)}), which a torrent cannot express`;
  for (const component of resolved.split('/')) {
    const problem = nameProblem(component);
    if (problem !== undefined) return `is a symlink whose target has ${problem}`;
  }
  return undefined;
}

/**
 * The target of a symlink at `path` as a path from the tree's top ('' for the top itself), or
 * undefined when it leaves the tree. Lexical, as BEP 47's `symlink path` is.
 */
export function resolveLinkTarget(path: RelativePath, target: string): RelativePath | undefined {
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === '..' || resolved.startsWith('../') || posix.isAbsolute(resolved)) return undefined;
  return resolved === '.' ? '' : resolved.replace(/\/$/, '');
}

function specialKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isCharacterDevice()) return 'a character device';
  return 'a special file';
}
