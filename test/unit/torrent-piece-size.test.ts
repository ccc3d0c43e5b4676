/** The piece size: chosen for 1000-2000 pieces within 16 KiB .. 16 MiB, or given by the user. */
import test from 'ava';

import { choosePieceLength, chooseStagePieceLength, parsePieceSize } from '../../src/torrent/piece-size.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

test('small data gets the smallest piece size, 16 KiB', (t) => {
  t.is(choosePieceLength(0), 16 * KiB);
  t.is(choosePieceLength(1), 16 * KiB);
  t.is(choosePieceLength(2000 * 16 * KiB), 16 * KiB);
});

test('data of 32 MiB to 31 GiB is cut into 1000 to 2000 pieces of a power of two', (t) => {
  for (const total of [32 * MiB + 1, 100 * MiB, 1 * GiB, 1 * GiB + 1, 7 * GiB + 12345, 31 * GiB]) {
    const length = choosePieceLength(total);
    t.true(Number.isInteger(Math.log2(length)), `${total}: ${length}`);
    const pieces = Math.ceil(total / length);
    t.true(pieces >= 1000 && pieces <= 2000, `${total} bytes: ${pieces} pieces of ${length}`);
  }
  t.is(choosePieceLength(1 * GiB), 1 * MiB);
});

test('very large data stops at 16 MiB pieces', (t) => {
  t.is(choosePieceLength(1024 * GiB), 16 * MiB);
});

test("stage's pieces: create's choice below 64 MiB of data, at least 1 MiB from there on", (t) => {
  for (const total of [0, 1, 2000 * 16 * KiB, 40 * MiB, 64 * MiB - 1]) {
    t.is(chooseStagePieceLength(total), choosePieceLength(total), `${total} bytes`);
  }
  t.is(choosePieceLength(64 * MiB), 64 * KiB);
  t.is(chooseStagePieceLength(64 * MiB), 1 * MiB);
  t.is(chooseStagePieceLength(256 * MiB), 1 * MiB);
  t.is(chooseStagePieceLength(4 * GiB), choosePieceLength(4 * GiB));
  t.is(chooseStagePieceLength(1024 * GiB), 16 * MiB);
});

test('a piece size may be written in bytes or with K, KiB, M, MiB, G, GiB', (t) => {
  t.is(parsePieceSize('16384'), 16 * KiB);
  t.is(parsePieceSize('16K'), 16 * KiB);
  t.is(parsePieceSize('256kib'), 256 * KiB);
  t.is(parsePieceSize('1M'), MiB);
  t.is(parsePieceSize('4MiB'), 4 * MiB);
  t.is(parsePieceSize('256M'), 256 * MiB);
});

test('a piece size that is not a power of two from 16K to 256M is refused with a reason', (t) => {
  for (const bad of ['8K', '1000', '24K', '512M', '1G', '0', '']) {
    t.regex(String(parsePieceSize(bad)), /must be a power of two from 16K to 256M|is not a number of bytes/, bad);
  }
  for (const bad of ['1.5M', '16 X', '-16K', 'lots'])
    t.regex(String(parsePieceSize(bad)), /is not a number of bytes/, bad);
});
