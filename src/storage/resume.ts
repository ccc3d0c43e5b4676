/**
 * What an earlier run left at a destination: each piece of a partial file that was not just
 * created is read and hashed; those matching the manifest count as held (and a file whose
 * pieces all match is renamed to its final name at once).
 */
import { hashFiles } from '../torrent/hash-pool.js';
import { pieceRoot } from '../torrent/merkle.js';
import type { DiskStore } from './disk-store.js';

/** `hashes`: 32 bytes a piece. Returns the number of pieces found intact. */
export function checkExistingPieces(
  store: DiskStore,
  hashes: Uint8Array,
  skip: (piece: number) => boolean = () => false,
): number {
  const { geometry, files } = store.tree;
  let found = 0;
  const buffer = new Uint8Array(geometry.pieceLength);
  for (let piece = 0; piece < store.pieceCount; piece++) {
    if (skip(piece) || store.has(0, piece) || files[geometry.file[piece]!]!.fresh) continue;
    const data = buffer.subarray(0, geometry.length[piece]);
    store.readInto(0, piece, data);
    if (Buffer.compare(pieceRoot(data, geometry.leaves[piece]!), hashes.subarray(32 * piece, 32 * piece + 32)) === 0) {
      store.markHeld(piece);
      found++;
    }
  }
  return found;
}

/**
 * The piece roots of every file an earlier run left (not just created), hashed on the torrent
 * room's pool of threads: per file, 32 bytes a piece, or null for a fresh or empty file. Needs
 * no expected hashes, so it can run while the seeders are still hashing SOURCE. `skipFile`: files
 * not to look at (a seeder's files wholly in its share: written, and renamed, meanwhile).
 */
const POOL_MIN_BYTES = 64 * 1024 * 1024;

export interface LeftoverOptions {
  threads: number;
  skipFile?: (index: number) => boolean;
  /** Below this many bytes, hash on this thread (default 64 MiB). */
  poolMinBytes?: number;
}

export async function hashLeftovers(
  store: DiskStore,
  { threads, skipFile = () => false, poolMinBytes = POOL_MIN_BYTES }: LeftoverOptions,
): Promise<(Uint8Array | null)[]> {
  const { files, geometry } = store.tree;
  const wanted = files.flatMap((file, index) => (file.fresh || file.length === 0 || skipFile(index) ? [] : [index]));
  const roots: (Uint8Array | null)[] = files.map(() => null);
  if (wanted.length === 0) return roots;
  // Starting the pool's threads costs more than hashing a little data here.
  if (wanted.reduce((sum, index) => sum + files[index]!.length, 0) < poolMinBytes) {
    const buffer = new Uint8Array(geometry.pieceLength);
    for (const index of wanted) {
      const layer = new Uint8Array(32 * geometry.pieceCount[index]!);
      for (let i = 0; i < geometry.pieceCount[index]!; i++) {
        const piece = geometry.firstPiece[index]! + i;
        const data = buffer.subarray(0, geometry.length[piece]);
        store.readInto(0, piece, data);
        layer.set(pieceRoot(data, geometry.leaves[piece]!), 32 * i);
      }
      roots[index] = layer;
    }
    return roots;
  }
  const hashed = await hashFiles(
    '/',
    wanted.map((index) => ({ path: files[index]!.partialPath.slice(1), length: files[index]!.length })),
    geometry.pieceLength,
    { threads },
  );
  wanted.forEach((index, i) => {
    roots[index] = hashed[i]!.pieceLayer ?? hashed[i]!.piecesRoot;
  });
  return roots;
}

/** Flags the pieces whose roots (from hashLeftovers) match `hashes`; returns how many. */
export function markIntact(
  store: DiskStore,
  roots: readonly (Uint8Array | null)[],
  hashes: Uint8Array,
  skip: (piece: number) => boolean = () => false,
): number {
  const { geometry } = store.tree;
  let found = 0;
  roots.forEach((layer, fileIndex) => {
    if (layer === null) return;
    const first = geometry.firstPiece[fileIndex]!;
    for (let i = 0; i < geometry.pieceCount[fileIndex]!; i++) {
      const piece = first + i;
      if (skip(piece) || store.has(0, piece)) continue;
      if (Buffer.compare(layer.subarray(32 * i, 32 * i + 32), hashes.subarray(32 * piece, 32 * piece + 32)) === 0) {
        store.markHeld(piece);
        found++;
      }
    }
  });
  return found;
}
