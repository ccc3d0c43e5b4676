/**
 * The hashes of files, as the hashing pool computes them, are BEP 52's: checked against a
 * plain construction of the whole merkle tree from the spec (16 KiB blocks, zero leaves past
 * the end, a file of one piece sized by its own blocks). Data is random, fresh every run.
 */
import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { hashFiles } from '../../src/torrent/hash-pool.js';
import { nextPowerOfTwo, pieceRoot, piecesRootOf } from '../../src/torrent/merkle.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('torrent-merkle');
const BLOCK = 16 * 1024;
const sha256 = (...parts: Uint8Array[]) =>
  parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();

/** The spec, spelled out: every level of the file's tree, leaves first. */
function referenceLevels(data: Uint8Array, pieceLength: number): Buffer[][] {
  const blocks: Buffer[] = [];
  for (let at = 0; at < data.length; at += BLOCK) blocks.push(sha256(data.subarray(at, at + BLOCK)));
  // A file of one piece: as many leaves as its blocks, rounded up to a power of two. Longer:
  // whole pieces, their number rounded up to a power of two.
  const leafCount =
    data.length <= pieceLength
      ? nextPowerOfTwo(blocks.length)
      : nextPowerOfTwo(Math.ceil(data.length / pieceLength)) * (pieceLength / BLOCK);
  let level = [...blocks];
  while (level.length < leafCount) level.push(Buffer.alloc(32));
  const levels = [level];
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(sha256(level[i]!, level[i + 1]!));
    levels.push((level = up));
  }
  return levels;
}

function reference(data: Uint8Array, pieceLength: number): { root: Buffer; layer: Buffer | null } {
  const levels = referenceLevels(data, pieceLength);
  const root = levels[levels.length - 1]![0]!;
  if (data.length <= pieceLength) return { root, layer: null };
  const pieces = Math.ceil(data.length / pieceLength);
  return { root, layer: Buffer.concat(levels[Math.log2(pieceLength / BLOCK)]!.slice(0, pieces)) };
}

const P = 64 * 1024;
const SIZES = [1, BLOCK - 1, BLOCK, BLOCK + 1, P - 1, P, P + 1, 2 * P, 3 * P + 7, 5 * P - 1, 8 * P, 9 * P + BLOCK];

test('the pool gives each file the pieces root and piece layer of the spec, for every shape of file', async (t) => {
  const dir = freshDir();
  const contents = SIZES.map((size) => randomBytes(size));
  const files = contents.map((data, i) => {
    writeFileSync(join(dir, `f${i}`), data);
    return { path: `f${i}`, length: data.length };
  });
  for (const threads of [1, 2]) {
    const hashed = await hashFiles(dir, files, P, { threads });
    hashed.forEach((result, i) => {
      const expected = reference(contents[i]!, P);
      t.deepEqual(Buffer.from(result.piecesRoot!), expected.root, `size ${SIZES[i]}, ${threads} threads`);
      t.deepEqual(
        result.pieceLayer === null ? null : Buffer.from(result.pieceLayer),
        expected.layer,
        `size ${SIZES[i]}`,
      );
    });
  }
});

test('an empty file has no pieces root and no layer', async (t) => {
  const dir = freshDir();
  writeFileSync(join(dir, 'empty'), '');
  t.deepEqual(await hashFiles(dir, [{ path: 'empty', length: 0 }], P), [{ piecesRoot: null, pieceLayer: null }]);
});

test("merkle.ts's pieceRoot and piecesRootOf agree with the spec", (t) => {
  for (const size of SIZES) {
    const data = randomBytes(size);
    const expected = reference(data, P);
    if (size <= P) {
      t.deepEqual(Buffer.from(pieceRoot(data, nextPowerOfTwo(Math.ceil(size / BLOCK)))), expected.root, `size ${size}`);
      continue;
    }
    const layer = Buffer.concat(
      Array.from({ length: Math.ceil(size / P) }, (_, i) => pieceRoot(data.subarray(i * P, (i + 1) * P), P / BLOCK)),
    );
    t.deepEqual(layer, expected.layer, `layer, size ${size}`);
    t.deepEqual(Buffer.from(piecesRootOf(layer, P)), expected.root, `root, size ${size}`);
  }
});

test('a file that changed size since it was listed is an error naming it', async (t) => {
  const dir = freshDir();
  writeFileSync(join(dir, 'grown'), randomBytes(3 * P));
  const error = await t.throwsAsync(hashFiles(dir, [{ path: 'grown', length: 2 * P }], P, { threads: 2 }));
  t.is(error?.message, `${join(dir, 'grown')}: changed while hashing: ${2 * P} bytes when listed, now ${3 * P}`);
  t.is((error as { exitCode?: number }).exitCode, 3);
});

test('a file gone since it was listed is an error naming it', async (t) => {
  const dir = freshDir();
  const error = await t.throwsAsync(hashFiles(dir, [{ path: 'gone', length: 10 }], P));
  t.is(error?.message, `${join(dir, 'gone')}: cannot read: no such file`);
});
