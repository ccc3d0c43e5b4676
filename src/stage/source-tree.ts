/**
 * SOURCE as a list of entries (files, folders, symlinks), sorted as BEP 52's file tree is.
 * A stand-in until the torrent room's walker is merged: it refuses special files and symlinks
 * leaving the tree, and reads nothing but metadata.
 */
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';

import { describeFsError } from '../io/fs-reason.js';
import { InputError } from '../io/input-error.js';
import { symlinkStaysInside } from '../storage/safe-path.js';
import type { Entry } from '../torrent/manifest.js';

export interface SourceTree {
  name: string;
  singleFile: boolean;
  entries: Entry[];
  totalBytes: number;
  /** The top folder's mode and time (folder datasets). */
  top?: { mode: number; mtimeMs: number };
}

function statOrThrow(path: string): Stats {
  try {
    return lstatSync(path);
  } catch (error) {
    throw new InputError(path, undefined, describeFsError(error), { cause: error });
  }
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'a special file';
}

const byComponents = (a: Entry, b: Entry): number => {
  const x = a.path.split('/');
  const y = b.path.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return Buffer.compare(Buffer.from(x[i]!), Buffer.from(y[i]!));
  }
  return x.length - y.length;
};

export function walkSource(source: string): SourceTree {
  const top = statOrThrow(source);
  if (top.isFile()) {
    return {
      name: basename(source),
      singleFile: true,
      entries: [{ kind: 'file', path: basename(source), length: top.size, piecesRoot: null, mode: top.mode & 0o7777, mtimeMs: top.mtimeMs }],
      totalBytes: top.size,
    };
  }
  if (!top.isDirectory()) throw new InputError(source, undefined, `is ${kindOf(top)}, not a file or a folder`);
  const entries: Entry[] = [];
  let totalBytes = 0;
  const visit = (folder: string, relative: string): void => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch (error) {
      throw new InputError(folder, undefined, describeFsError(error), { cause: error });
    }
    for (const name of names) {
      const path = join(folder, name);
      const rel = relative === '' ? name : `${relative}/${name}`;
      const stats = statOrThrow(path);
      if (stats.isDirectory()) {
        entries.push({ kind: 'folder', path: rel, mode: stats.mode & 0o7777, mtimeMs: stats.mtimeMs });
        visit(path, rel);
      } else if (stats.isFile()) {
        entries.push({ kind: 'file', path: rel, length: stats.size, piecesRoot: null, mode: stats.mode & 0o7777, mtimeMs: stats.mtimeMs });
        totalBytes += stats.size;
      } else if (stats.isSymbolicLink()) {
        const target = readlinkSync(path);
        if (!symlinkStaysInside(rel, target)) throw new InputError(path, undefined, `is a symlink pointing outside ${source} (to "${target}")`);
        entries.push({ kind: 'symlink', path: rel, target });
      } else {
        throw new InputError(path, undefined, `is ${kindOf(stats)}: only files, folders and symlinks can be staged`);
      }
    }
  };
  visit(source, '');
  entries.sort(byComponents);
  return { name: basename(source), singleFile: false, entries, totalBytes, top: { mode: top.mode & 0o7777, mtimeMs: top.mtimeMs } };
}

/** A piece size for `totalBytes`: about 2000 to 4000 pieces, from 16 KiB to 4 MiB. */
export function defaultPieceSize(totalBytes: number): number {
  let size = 16 * 1024;
  while (size < 4 * 1024 * 1024 && totalBytes / size > 4096) size *= 2;
  return size;
}
