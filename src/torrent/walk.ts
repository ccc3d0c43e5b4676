/**
 * The source tree of a torrent: a file, or a folder walked recursively, listed in the order of
 * BEP 52's file tree (each folder's names in bytewise order, a folder before what it holds).
 * Nothing is hashed here; what cannot go into a torrent is an error naming its path.
 */
import { constants } from 'node:fs';
import { access, lstat, readdir, readlink, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
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

/** Lists the file or folder at `source`; throws SourceError for anything a torrent cannot hold. */
export async function walkSource(source: string): Promise<SourceTree> {
  // The source itself may be a symlink: the user named it, so it is followed.
  const stats = await stat(source).catch((error: unknown) => {
    throw new SourceError(source, `cannot read: ${describeFsError(error)}`, { cause: error });
  });
  const name = basename(resolve(source));
  const problem = nameProblem(name);
  if (problem !== undefined) throw new SourceError(source, `cannot be a torrent's name: ${problem}`);
  if (stats.isFile()) {
    await requireReadable(source);
    return { root: source, name, singleFile: true, entries: [fileEntry(name, stats)] };
  }
  if (!stats.isDirectory()) throw new SourceError(source, `is ${specialKind(stats)}, not a file or a folder`);
  const entries: SourceEntry[] = [];
  await walkFolder(source, '', entries);
  return { root: source, name, singleFile: false, entries };
}

async function walkFolder(root: string, folder: RelativePath, entries: SourceEntry[]): Promise<void> {
  const shown = folder === '' ? root : join(root, folder);
  const rawNames = await readdir(shown, { encoding: 'buffer' }).catch((error: unknown) => {
    throw new SourceError(shown, `cannot read the folder: ${describeFsError(error)}`, { cause: error });
  });
  const names = rawNames.map((raw) => {
    const name = utf8OrUndefined(raw);
    if (name === undefined) throw new SourceError(join(shown, raw.toString('utf8')), 'the name is not valid UTF-8');
    const problem = nameProblem(name);
    if (problem !== undefined) throw new SourceError(join(shown, JSON.stringify(name)), `cannot go into a torrent: ${problem}`);
    return name;
  }).sort(compareNames);
  for (const name of names) {
    const path = folder === '' ? name : `${folder}/${name}`;
    const full = join(root, path);
    const stats = await lstat(full).catch((error: unknown) => {
      throw new SourceError(full, `cannot read: ${describeFsError(error)}`, { cause: error });
    });
    if (stats.isDirectory()) {
      entries.push({ kind: 'folder', path, mode: stats.mode & 0o7777, mtimeMs: stats.mtimeMs });
      await walkFolder(root, path, entries);
    } else if (stats.isFile()) {
      await requireReadable(full);
      entries.push(fileEntry(path, stats));
    } else if (stats.isSymbolicLink()) {
      entries.push(await symlinkEntry(full, path));
    } else {
      throw new SourceError(full, `is ${specialKind(stats)}: only files, folders and symlinks can go into a torrent`);
    }
  }
}

function fileEntry(path: RelativePath, stats: Stats): SourceFile {
  return { kind: 'file', path, length: stats.size, mode: stats.mode & 0o7777, mtimeMs: stats.mtimeMs };
}

async function requireReadable(full: string): Promise<void> {
  await access(full, constants.R_OK).catch((error: unknown) => {
    throw new SourceError(full, `cannot read: ${describeFsError(error)}`, { cause: error });
  });
}

async function symlinkEntry(full: string, path: RelativePath): Promise<SymlinkEntry> {
  const target = await readlink(full).catch((error: unknown) => {
    throw new SourceError(full, `cannot read the symlink: ${describeFsError(error)}`, { cause: error });
  });
  const problem = symlinkTargetProblem(path, target);
  if (problem !== undefined) throw new SourceError(full, problem);
  return { kind: 'symlink', path, target };
}

/**
 * What is wrong with a symlink at `path` (relative to the tree's top) pointing at `target`, or
 * undefined when the target stays inside the tree and names something a torrent can express.
 */
export function symlinkTargetProblem(path: RelativePath, target: string): string | undefined {
  if (target === '') return 'is a symlink with an empty target';
  if (posix.isAbsolute(target)) return `is a symlink to an absolute path (${JSON.stringify(target)}): only links inside the tree can go into a torrent`;
  const resolved = resolveLinkTarget(path, target);
  if (resolved === undefined) return `is a symlink pointing outside the tree (${JSON.stringify(target)})`;
  if (resolved === '') return `is a symlink to the top folder (${JSON.stringify(target)}), which a torrent cannot express`;
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
