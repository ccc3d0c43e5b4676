/** The piece length of a torrent: chosen from the data, or given by the user. */
import { parseByteSize } from '../io/byte-size.js';
import { BLOCK_SIZE, nextPowerOfTwo } from './merkle.js';

export const MIN_PIECE_LENGTH = BLOCK_SIZE;
/** The largest chosen automatically: larger pieces cost memory per piece in flight. */
export const MAX_AUTO_PIECE_LENGTH = 16 * 1024 * 1024;
/** The largest accepted from the user. */
export const MAX_PIECE_LENGTH = 256 * 1024 * 1024;
/** Aim: at most this many pieces, and at least half as many when the data is large enough. */
const TARGET_PIECES = 2000;

export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && nextPowerOfTwo(n) === n;
}

/**
 * A piece length for `totalBytes` of data: the smallest power of two that cuts it into at most
 * 2000 pieces (so 1000 to 2000 for data of 32 MiB to 31 GiB), within 16 KiB .. 16 MiB.
 */
export function choosePieceLength(totalBytes: number): number {
  let length = MIN_PIECE_LENGTH;
  while (length < MAX_AUTO_PIECE_LENGTH && totalBytes / length > TARGET_PIECES) length *= 2;
  return length;
}

/** From this much data on, stage's pieces are at least STAGE_MIN_PIECE_LENGTH. */
const STAGE_LARGE_DATA = 64 * 1024 * 1024;
const STAGE_MIN_PIECE_LENGTH = 1024 * 1024;

/**
 * stage's piece length: choosePieceLength's, but at least 1 MiB for 64 MiB of data or more. Below
 * 1 MiB the per-piece work (requests, messages, JavaScript) costs more than the pieces' bytes:
 * 128 MiB at np 8 took 7.35 s of CPU with 64 KiB pieces and 6.38 with 1 MiB; over TCP (the
 * cluster box) 256 MiB took 37.1 s with 256 KiB pieces and 32.7 with 1 MiB (bench/README.md).
 */
export function chooseStagePieceLength(totalBytes: number): number {
  const chosen = choosePieceLength(totalBytes);
  return totalBytes >= STAGE_LARGE_DATA ? Math.max(chosen, STAGE_MIN_PIECE_LENGTH) : chosen;
}

/**
 * A piece size as the user wrote it: bytes, or with a binary suffix (16K, 1M, 4MiB). Returns
 * the bytes, or a sentence saying what is wrong.
 */
export function parsePieceSize(textValue: string): number | string {
  const bytes = parseByteSize(textValue);
  if (bytes === undefined) return `piece size "${textValue}" is not a number of bytes (like 262144, 256K, 1M or 4MiB)`;
  if (!isPowerOfTwo(bytes) || bytes < MIN_PIECE_LENGTH || bytes > MAX_PIECE_LENGTH) {
    return `piece size "${textValue}" must be a power of two from 16K to 256M`;
  }
  return bytes;
}
