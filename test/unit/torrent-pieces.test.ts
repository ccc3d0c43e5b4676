/**
 * A manifest's pieces: numbered across files in entry order, each with its place in its file,
 * and verifyPiece accepts exactly the right bytes.
 */
import test from 'ava';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildManifest } from '../../src/torrent/build.js';
import { piecesOf, verifyPiece } from '../../src/torrent/pieces.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('torrent-pieces');
const PIECE = 16 * 1024;

async function sample() {
  const top = join(freshDir(), 'data');
  mkdirSync(join(top, 'b'), { recursive: true });
  const contents = new Map<string, Buffer>([
    ['a.bin', randomBytes(2 * PIECE + randomInt(1, PIECE))],
    ['b/empty', Buffer.alloc(0)],
    ['b/small', randomBytes(randomInt(1, 100))],
    ['c.bin', randomBytes(PIECE)],
  ]);
  for (const [path, data] of contents) writeFileSync(join(top, path), data);
  return { manifest: await buildManifest(top, { pieceLength: PIECE }), contents };
}

test('pieces are numbered across files in entry order, empty files having none', async (t) => {
  const { manifest } = await sample();
  const pieces = piecesOf(manifest);
  t.deepEqual(
    pieces.map((piece) => [piece.index, manifest.entries[piece.entry]!.path, piece.offset]),
    [
      [0, 'a.bin', 0],
      [1, 'a.bin', PIECE],
      [2, 'a.bin', 2 * PIECE],
      [3, 'b/small', 0],
      [4, 'c.bin', 0],
    ],
  );
});

test('every piece verifies against its own bytes', async (t) => {
  const { manifest, contents } = await sample();
  for (const piece of piecesOf(manifest)) {
    const data = contents.get(manifest.entries[piece.entry]!.path)!.subarray(piece.offset, piece.offset + piece.length);
    t.is(data.length, piece.length);
    t.true(verifyPiece(piece, data), `piece ${piece.index}`);
  }
});

test('a piece with one bit changed, one byte more or one byte less does not verify', async (t) => {
  const { manifest, contents } = await sample();
  for (const piece of piecesOf(manifest)) {
    const data = Buffer.from(
      contents.get(manifest.entries[piece.entry]!.path)!.subarray(piece.offset, piece.offset + piece.length),
    );
    const flipped = Buffer.from(data);
    flipped[randomInt(flipped.length)] ^= 1;
    t.false(verifyPiece(piece, flipped), `piece ${piece.index} flipped`);
    t.false(verifyPiece(piece, Buffer.concat([data, Buffer.alloc(1)])), `piece ${piece.index} longer`);
    t.false(verifyPiece(piece, data.subarray(0, data.length - 1)), `piece ${piece.index} shorter`);
  }
});

test("another piece's bytes do not verify", async (t) => {
  const { manifest, contents } = await sample();
  const [first, second] = piecesOf(manifest);
  const data = contents.get('a.bin')!;
  t.false(verifyPiece(first!, data.subarray(second!.offset, second!.offset + second!.length)));
});
