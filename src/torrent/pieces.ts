/** A manifest's pieces, numbered across its files in entry order, and their verification. */
import type { Manifest, Piece } from './manifest.js';
import { HASH_SIZE, pieceLeaves, pieceRoot } from './merkle.js';

/**
 * Every piece of `manifest`: each non-empty file cut into pieces of `pieceLength` (its last one
 * shorter), in entry order, as libtorrent numbers a v2 torrent's pieces.
 */
export function piecesOf(manifest: Manifest): Piece[] {
  const { pieceLength } = manifest;
  const pieces: Piece[] = [];
  manifest.entries.forEach((entry, index) => {
    if (entry.kind !== 'file' || entry.length === 0) return;
    if (entry.length <= pieceLength) {
      // One piece: its root is the file's pieces root, over its own blocks.
      pieces.push({
        index: pieces.length,
        entry: index,
        offset: 0,
        length: entry.length,
        hash: entry.piecesRoot!,
        leaves: pieceLeaves(entry.length, pieceLength),
      });
      return;
    }
    const layer = manifest.pieceLayers.get(Buffer.from(entry.piecesRoot!).toString('hex'));
    if (layer === undefined) throw new Error(`the manifest has no piece layer for ${entry.path}`);
    const leaves = pieceLeaves(entry.length, pieceLength);
    for (let offset = 0, i = 0; offset < entry.length; offset += pieceLength, i++) {
      const length = Math.min(pieceLength, entry.length - offset);
      const hash = layer.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
      pieces.push({ index: pieces.length, entry: index, offset, length, hash, leaves });
    }
  });
  return pieces;
}

/** Whether `data` is exactly `piece`'s bytes. */
export function verifyPiece(piece: Piece, data: Uint8Array): boolean {
  return data.length === piece.length && Buffer.from(pieceRoot(data, piece.leaves)).equals(piece.hash);
}
