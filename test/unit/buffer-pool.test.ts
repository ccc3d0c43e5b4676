import test from 'ava';

import { BufferPool, REUSE_FROM_BYTES } from '../../src/protocol/buffer-pool.js';

const PIECE = 128 * 1024;

test('a buffer given back is the next one taken of its size', (t) => {
  const pool = new BufferPool(4 * PIECE);
  const first = pool.take(PIECE);
  t.is(first.length, PIECE);
  pool.give(first);
  t.is(pool.idleBytes, PIECE);
  t.is(pool.take(PIECE), first);
  t.is(pool.idleBytes, 0);
  t.not(pool.take(PIECE), first, 'taken, so not handed out twice');
});

test('sizes are kept apart', (t) => {
  const pool = new BufferPool(4 * PIECE);
  const big = pool.take(PIECE);
  pool.give(big);
  const other = pool.take(PIECE + 1);
  t.not(other.buffer, big.buffer);
  t.is(other.length, PIECE + 1);
});

test('small messages, foreign buffers and slices are never kept', (t) => {
  const pool = new BufferPool(4 * PIECE);
  const small = pool.take(REUSE_FROM_BYTES - 1);
  pool.give(small);
  pool.give(new Uint8Array(PIECE));
  const ours = pool.take(2 * PIECE);
  pool.give(ours.subarray(0, PIECE));
  t.is(pool.idleBytes, 0);
});

test('a buffer given back twice is kept once', (t) => {
  const pool = new BufferPool(4 * PIECE);
  const buffer = pool.take(PIECE);
  pool.give(buffer);
  pool.give(buffer);
  t.is(pool.idleBytes, PIECE);
  t.is(pool.take(PIECE), buffer);
  t.not(pool.take(PIECE), buffer);
});

test('idle bytes stay under the limit, the oldest size going first', (t) => {
  const pool = new BufferPool(3 * PIECE);
  const old = pool.take(PIECE);
  const a = pool.take(PIECE + 8);
  const b = pool.take(PIECE + 8);
  pool.give(old);
  pool.give(a);
  pool.give(b);
  t.is(pool.idleBytes, 2 * (PIECE + 8));
  t.not(pool.take(PIECE), old, 'evicted to make room');
  t.deepEqual(new Set([pool.take(PIECE + 8), pool.take(PIECE + 8)]), new Set([a, b]));
});

test('a limit of 0 keeps nothing', (t) => {
  const pool = new BufferPool(0);
  const buffer = pool.take(PIECE);
  pool.give(buffer);
  t.is(pool.idleBytes, 0);
  t.not(pool.take(PIECE), buffer);
});
