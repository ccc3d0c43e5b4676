/**
 * Real data: a segment is a piece of the dataset, genuine when its BEP 52 merkle root (SHA-256
 * over 16 KiB blocks) is the manifest's hash of that piece. The hashes are known locally, by
 * piece index, so swarms never carry them.
 */
import { pieceRoot } from '../torrent/merkle.js';
import type { PayloadScheme } from './payload.js';

/** `hashes`: 32 bytes a piece; `lengths` and `leaves`: per piece. */
export function merklePayloads(hashes: Uint8Array, lengths: Int32Array, leaves: Int32Array): PayloadScheme {
  return {
    slotSize: 0,
    payloadOf: () => {
      throw new Error('real data is read from disk, not made from hashes');
    },
    verify(_hash, payload, piece) {
      if (piece < 0 || piece >= lengths.length || payload.length !== lengths[piece]) return false;
      const root = pieceRoot(payload, leaves[piece]!);
      const expected = hashes.subarray(32 * piece, 32 * piece + 32);
      for (let i = 0; i < 32; i++) if (root[i] !== expected[i]) return false;
      return true;
    },
  };
}
