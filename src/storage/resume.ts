/**
 * What an earlier run left at a destination: each piece of a partial file that was not just
 * created is read and hashed; those matching the manifest count as held (and a file whose
 * pieces all match is renamed to its final name at once).
 */
import { pieceRoot } from '../torrent/merkle.js';
import type { DiskStore } from './disk-store.js';

/** `hashes`: 32 bytes a piece. Returns the number of pieces found intact. */
export function checkExistingPieces(store: DiskStore, hashes: Uint8Array, skip: (piece: number) => boolean = () => false): number {
  const { geometry, files } = store.tree;
  let found = 0;
  const buffer = new Uint8Array(geometry.pieceLength);
  for (let piece = 0; piece < store.pieceCount; piece++) {
    if (skip(piece) || store.has(0, piece) || files[geometry.file[piece]!]!.fresh) continue;
    const data = buffer.subarray(0, geometry.length[piece]);
    store.readInto(0, piece, data);
    if (equalBytes(pieceRoot(data, geometry.leaves[piece]!), hashes.subarray(32 * piece, 32 * piece + 32))) {
      store.markHeld(piece);
      found++;
    }
  }
  return found;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
