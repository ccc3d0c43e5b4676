/**
 * BEP 52's merkle trees: SHA-256 over 16 KiB blocks (the last block of a file hashed as it is,
 * shorter), leaves past the end of a file are 32 zero bytes, each parent is SHA-256(left||right).
 */
import { hash } from 'node:crypto';

export const BLOCK_SIZE = 16 * 1024;
export const HASH_SIZE = 32;

const ZERO_LEAF = new Uint8Array(HASH_SIZE);

/** Root of a tree of `leaves` zero leaves (cached by height). */
const zeroRoots: Uint8Array[] = [ZERO_LEAF];
export function zeroRoot(leaves: number): Uint8Array {
  const height = Math.log2(leaves);
  while (zeroRoots.length <= height) {
    const below = zeroRoots[zeroRoots.length - 1]!;
    zeroRoots.push(sha256Pair(below, below));
  }
  return zeroRoots[height]!;
}

const pair = new Uint8Array(2 * HASH_SIZE);

/** SHA-256(left || right), through one reused 64-byte buffer. */
function sha256Pair(left: Uint8Array, right: Uint8Array): Uint8Array {
  pair.set(left, 0);
  pair.set(right, HASH_SIZE);
  return hash('sha256', pair, 'buffer');
}

export function nextPowerOfTwo(n: number): number {
  let power = 1;
  while (power < n) power *= 2;
  return power;
}

/**
 * Root of a tree whose first leaves are `hashes` (32 bytes each, back to back) and whose other
 * leaves, up to `width` (a power of two), are roots of `padLeaves` zero leaves.
 */
export function rootOf(hashes: Uint8Array, width: number, padLeaves = 1): Uint8Array {
  const count = hashes.length / HASH_SIZE;
  if (count > width) throw new RangeError(`${count} hashes do not fit a tree of ${width} leaves`);
  if (width === 1) return count === 1 ? hashes.slice(0, HASH_SIZE) : zeroRoot(padLeaves);
  let level = hashes;
  let levelCount = count;
  let pad = zeroRoot(padLeaves);
  for (let span = width; span > 1; span /= 2) {
    const parents = Math.ceil(levelCount / 2);
    const next = new Uint8Array(parents * HASH_SIZE);
    for (let i = 0; i < parents; i++) {
      const left = level.subarray(2 * i * HASH_SIZE, (2 * i + 1) * HASH_SIZE);
      const right = 2 * i + 1 < levelCount ? level.subarray((2 * i + 1) * HASH_SIZE, (2 * i + 2) * HASH_SIZE) : pad;
      next.set(sha256Pair(left, right), i * HASH_SIZE);
    }
    pad = sha256Pair(pad, pad);
    level = next;
    levelCount = parents;
  }
  return level.slice(0, HASH_SIZE);
}

/** The leaf hashes of `data`'s 16 KiB blocks, back to back. */
export function blockHashes(data: Uint8Array): Uint8Array {
  const blocks = Math.ceil(data.length / BLOCK_SIZE);
  const out = new Uint8Array(blocks * HASH_SIZE);
  for (let b = 0; b < blocks; b++) {
    const block = data.subarray(b * BLOCK_SIZE, Math.min(data.length, (b + 1) * BLOCK_SIZE));
    out.set(hash('sha256', block, 'buffer'), b * HASH_SIZE);
  }
  return out;
}

/**
 * The leaves of each piece's tree in a file of `fileLength` bytes: a file of one piece is as wide
 * as its own blocks need (its piece's root is the file's pieces root); the pieces of a longer
 * file are padded to a whole piece's blocks.
 */
export function pieceLeaves(fileLength: number, pieceLength: number): number {
  return fileLength <= pieceLength ? nextPowerOfTwo(Math.ceil(fileLength / BLOCK_SIZE)) : pieceLength / BLOCK_SIZE;
}

/**
 * The merkle root of one piece: its blocks' hashes padded with zero leaves to `leaves` (the
 * piece length's block count for a file of several pieces; for a file of one piece, its own
 * block count rounded up to a power of two, which makes this the file's pieces root).
 */
export function pieceRoot(data: Uint8Array, leaves: number): Uint8Array {
  return rootOf(blockHashes(data), leaves);
}

/**
 * A file's pieces root from its piece layer (the roots of its pieces of `pieceLength` bytes):
 * the layer padded to a power of two with roots of all-zero pieces.
 */
export function piecesRootOf(layer: Uint8Array, pieceLength: number): Uint8Array {
  const pieces = layer.length / HASH_SIZE;
  return rootOf(layer, nextPowerOfTwo(pieces), pieceLength / BLOCK_SIZE);
}
