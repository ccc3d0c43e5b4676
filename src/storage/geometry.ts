/**
 * Where each piece of a dataset lies: pieces are numbered across the files in entry order, a
 * piece never spans two files (BEP 52), and the last piece of a file may be shorter. Compact
 * typed arrays, so 100 000 pieces cost a few hundred KiB and pass between threads cheaply.
 */
import { pieceLeaves } from '../torrent/merkle.js';

export interface PieceGeometry {
  pieceLength: number;
  /** Per piece: the index (in `files`) of its file. */
  file: Int32Array;
  /** Per piece: its byte offset in its file. */
  offset: Float64Array;
  /** Per piece: its length in bytes. */
  length: Int32Array;
  /** Per piece: the leaves of its merkle tree (merkle.ts pieceRoot). */
  leaves: Int32Array;
  /** Per file: its first piece and its number of pieces. */
  firstPiece: Int32Array;
  pieceCount: Int32Array;
}

/** The pieces of files of `lengths` bytes (empty files have none). */
export function pieceGeometry(lengths: readonly number[], pieceLength: number): PieceGeometry {
  const counts = lengths.map((length) => Math.ceil(length / pieceLength));
  const total = counts.reduce((sum, count) => sum + count, 0);
  const geometry: PieceGeometry = {
    pieceLength,
    file: new Int32Array(total),
    offset: new Float64Array(total),
    length: new Int32Array(total),
    leaves: new Int32Array(total),
    firstPiece: new Int32Array(lengths.length),
    pieceCount: Int32Array.from(counts),
  };
  let piece = 0;
  lengths.forEach((length, file) => {
    geometry.firstPiece[file] = piece;
    const count = counts[file]!;
    const leaves = pieceLeaves(length, pieceLength);
    for (let i = 0; i < count; i++, piece++) {
      geometry.file[piece] = file;
      geometry.offset[piece] = i * pieceLength;
      geometry.length[piece] = Math.min(pieceLength, length - i * pieceLength);
      geometry.leaves[piece] = leaves;
    }
  });
  return geometry;
}

/** Cuts pieces [0, count) into `parts` contiguous ranges of about equal bytes: [start, end) each. */
export function balancedShares(geometry: PieceGeometry, parts: number): [number, number][] {
  const count = geometry.length.length;
  let total = 0;
  for (let piece = 0; piece < count; piece++) total += geometry.length[piece]!;
  const shares: [number, number][] = [];
  let start = 0;
  let done = 0;
  for (let part = 0; part < parts; part++) {
    const target = (total * (part + 1)) / parts;
    let end = start;
    while (end < count && (part === parts - 1 || done + geometry.length[end]! / 2 < target))
      done += geometry.length[end++]!;
    shares.push([start, end]);
    start = end;
  }
  return shares;
}
