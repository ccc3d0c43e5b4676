/**
 * The dataset of a stage job, as rank 0 learns it: from SOURCE (the torrent room's walker; the
 * hashes come later, from the seeders) or from a `.torrent` (hashes included). And back: the
 * manifest of a staged dataset, for --save-torrent.
 */
import { lstatSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

import type { DatasetShape } from '../storage/prepare.js';
import type { Entry, FileEntry, Manifest } from '../torrent/manifest.js';
import { HASH_SIZE, piecesRootOf } from '../torrent/merkle.js';
import { readTorrent } from '../torrent/parse.js';
import { chooseStagePieceLength } from '../torrent/piece-size.js';
import { piecesOf } from '../torrent/pieces.js';
import { walkSource } from '../torrent/walk.js';
import type { PieceGeometry } from '../storage/geometry.js';

export interface Dataset {
  shape: DatasetShape;
  /** 32 bytes a piece, when a .torrent gave them. */
  hashes?: Uint8Array;
}

export async function datasetFromSource(source: string, pieceSize: number | undefined): Promise<Dataset> {
  const tree = await walkSource(source);
  const entries: Entry[] = tree.entries.map((entry) =>
    entry.kind === 'file' ? { ...entry, piecesRoot: null } : entry,
  );
  const total = entries.reduce((sum, entry) => sum + (entry.kind === 'file' ? entry.length : 0), 0);
  const top = tree.singleFile ? undefined : statSync(source);
  return {
    shape: {
      name: tree.name,
      singleFile: tree.singleFile,
      pieceLength: pieceSize ?? chooseStagePieceLength(total),
      entries,
      top: top && { mode: top.mode & 0o7777, mtimeMs: top.mtimeMs },
    },
  };
}

/**
 * A .torrent records no modes but 'x', and no times: they come from SOURCE where rank 0 sees
 * it (the seeders read it anyway, and a file's time then also tells whether it changed during
 * the run); else files get 0755 or 0644, folders 0755, and the time of writing.
 */
export async function datasetFromTorrent(path: string, source: string): Promise<Dataset> {
  const { manifest } = await readTorrent(path);
  const pieces = piecesOf(manifest);
  const hashes = new Uint8Array(HASH_SIZE * pieces.length);
  pieces.forEach((piece) => hashes.set(piece.hash, HASH_SIZE * piece.index));
  const onDisk = (relative: string): Stats | undefined =>
    lstatSync(manifest.singleFile ? source : join(source, ...relative.split('/')), { throwIfNoEntry: false });
  const entries: Entry[] = manifest.entries.map((entry) => {
    if (entry.kind === 'symlink') return entry;
    const stats = onDisk(entry.path);
    const matches = entry.kind === 'file' ? stats?.isFile() : stats?.isDirectory();
    if (stats !== undefined && matches) return { ...entry, mode: stats.mode & 0o7777, mtimeMs: stats.mtimeMs };
    if (entry.kind === 'file') return { ...entry, mode: entry.mode ?? (entry.executable ? 0o755 : 0o644) };
    return { ...entry, mode: entry.mode ?? 0o755 };
  });
  const top = manifest.singleFile ? undefined : statSync(source, { throwIfNoEntry: false });
  return {
    shape: {
      name: manifest.name,
      singleFile: manifest.singleFile,
      pieceLength: manifest.pieceLength,
      entries,
      top: top?.isDirectory() ? { mode: top.mode & 0o7777, mtimeMs: top.mtimeMs } : undefined,
    },
    hashes,
  };
}

/** The manifest of `shape` with every piece's hash, for a .torrent. */
export function manifestOf(shape: DatasetShape, geometry: PieceGeometry, hashes: Uint8Array): Manifest {
  const pieceLayers = new Map<string, Uint8Array>();
  let fileIndex = 0;
  const entries: Entry[] = shape.entries.map((entry) => {
    if (entry.kind !== 'file') return entry;
    const index = fileIndex++;
    const count = geometry.pieceCount[index]!;
    const first = geometry.firstPiece[index]!;
    let piecesRoot: Uint8Array | null = null;
    if (count === 1) piecesRoot = hashes.slice(HASH_SIZE * first, HASH_SIZE * (first + 1));
    else if (count > 1) {
      const layer = hashes.slice(HASH_SIZE * first, HASH_SIZE * (first + count));
      piecesRoot = piecesRootOf(layer, shape.pieceLength);
      pieceLayers.set(Buffer.from(piecesRoot).toString('hex'), layer);
    }
    return { ...(entry as FileEntry), piecesRoot };
  });
  return { name: shape.name, singleFile: shape.singleFile, pieceLength: shape.pieceLength, entries, pieceLayers };
}
