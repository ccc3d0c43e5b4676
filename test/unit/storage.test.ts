import test from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

import { DiskStore } from '../../src/storage/disk-store.js';
import { balancedShares, pieceGeometry } from '../../src/storage/geometry.js';
import { partialPathOf, prepareDestination, type DatasetShape } from '../../src/storage/prepare.js';
import { checkExistingPieces, hashLeftovers, markIntact } from '../../src/storage/resume.js';
import { symlinkStaysInside, unsafePathReason } from '../../src/storage/safe-path.js';
import { pieceRoot } from '../../src/torrent/merkle.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('storage');
const PIECE = 16 * 1024;

/** A folder dataset with its bytes: a file not a multiple of the piece size, an empty file and folder, nesting, a symlink. */
function dataset(): { shape: DatasetShape; contents: Map<string, Buffer> } {
  const contents = new Map([
    ['a/big.bin', randomBytes(5 * PIECE + 123)],
    ['a/b/small.txt', randomBytes(100)],
    ['top.bin', randomBytes(PIECE)],
  ]);
  const shape: DatasetShape = {
    name: 'set',
    singleFile: false,
    pieceLength: PIECE,
    entries: [
      { kind: 'folder', path: 'a', mode: 0o755, mtimeMs: 1_600_000_000_000 },
      { kind: 'folder', path: 'a/b' },
      { kind: 'file', path: 'a/b/small.txt', length: 100, piecesRoot: null, mode: 0o640, mtimeMs: 1_500_000_000_000 },
      { kind: 'file', path: 'a/big.bin', length: 5 * PIECE + 123, piecesRoot: null, mode: 0o755 },
      { kind: 'file', path: 'a/empty', length: 0, piecesRoot: null },
      { kind: 'folder', path: 'empty-folder' },
      { kind: 'symlink', path: 'link', target: 'a/big.bin' },
      { kind: 'file', path: 'top.bin', length: PIECE, piecesRoot: null },
    ],
  };
  return { shape, contents };
}

function pieceBytes(store: DiskStore, contents: Map<string, Buffer>, piece: number): Buffer {
  const { geometry, files } = store.tree;
  const data = contents.get(files[geometry.file[piece]!]!.name)!;
  return data.subarray(geometry.offset[piece]!, geometry.offset[piece]! + geometry.length[piece]!);
}

function hashesOf(store: DiskStore, contents: Map<string, Buffer>): Uint8Array {
  const hashes = new Uint8Array(32 * store.pieceCount);
  for (let piece = 0; piece < store.pieceCount; piece++) {
    hashes.set(pieceRoot(pieceBytes(store, contents, piece), store.tree.geometry.leaves[piece]!), 32 * piece);
  }
  return hashes;
}

test('pieces never span two files and the last piece of a file is shorter', (t) => {
  const geometry = pieceGeometry([2 * PIECE + 1, 0, 10], PIECE);
  t.deepEqual([...geometry.file], [0, 0, 0, 2]);
  t.deepEqual([...geometry.length], [PIECE, PIECE, 1, 10]);
  t.deepEqual([...geometry.offset], [0, PIECE, 2 * PIECE, 0]);
  t.deepEqual([...geometry.pieceCount], [3, 0, 1]);
});

test('shares cover every piece once, in about equal bytes', (t) => {
  const geometry = pieceGeometry(
    Array.from({ length: 100 }, (_, i) => ((i % 7) + 1) * 1000),
    PIECE,
  );
  const shares = balancedShares(geometry, 3);
  t.is(shares[0]![0], 0);
  t.is(shares[2]![1], 100);
  for (let i = 1; i < 3; i++) t.is(shares[i]![0], shares[i - 1]![1]);
  const bytes = shares.map(([start, end]) => geometry.length.subarray(start, end).reduce((a, b) => a + b, 0));
  t.true(Math.max(...bytes) - Math.min(...bytes) <= 7000);
});

test('a file appears at its final name only once its last piece is written, with its mode and time', (t) => {
  const root = join(freshDir(), 'dest');
  const { shape, contents } = dataset();
  const store = new DiskStore(prepareDestination(root, shape));
  const big = join(root, 'a/big.bin');
  t.true(existsSync(join(root, 'a/empty')));
  t.true(statSync(join(root, 'empty-folder')).isDirectory());
  t.is(readlinkSync(join(root, 'link')), 'a/big.bin');
  // Written in reverse, the big file's pieces leave it hidden until the last one.
  for (let piece = store.pieceCount - 1; piece >= 0; piece--) {
    const isBig = store.tree.files[store.tree.geometry.file[piece]!]!.name === 'a/big.bin';
    if (isBig) t.false(existsSync(big));
    store.write(0, piece, pieceBytes(store, contents, piece));
  }
  store.finish();
  store.close();
  for (const [name, data] of contents) t.deepEqual(readFileSync(join(root, name)), data, name);
  t.is(statSync(big).mode & 0o7777, 0o755);
  t.is(statSync(join(root, 'a/b/small.txt')).mtimeMs, 1_500_000_000_000);
  t.is(statSync(join(root, 'a')).mtimeMs, 1_600_000_000_000);
  t.deepEqual(
    readdirSync(join(root, 'a')).filter((name) => name.startsWith('.')),
    [],
  );
  t.true(store.complete);
});

test('pieces read back are the bytes written', (t) => {
  const { shape, contents } = dataset();
  const store = new DiskStore(prepareDestination(join(freshDir(), 'dest'), shape));
  store.write(0, 2, pieceBytes(store, contents, 2));
  t.true(store.has(0, 2));
  t.false(store.has(0, 1));
  t.deepEqual(Buffer.from(store.read(0, 2)), pieceBytes(store, contents, 2));
  store.close();
});

test('a second run finds the pieces an interrupted one wrote, and only those', (t) => {
  const root = join(freshDir(), 'dest');
  const { shape, contents } = dataset();
  const first = new DiskStore(prepareDestination(root, shape));
  const hashes = hashesOf(first, contents);
  for (const piece of [0, 2, 4]) first.write(0, piece, pieceBytes(first, contents, piece));
  first.close();
  t.true(existsSync(partialPathOf(join(root, 'a/big.bin'))));
  const second = new DiskStore(prepareDestination(root, shape));
  t.is(checkExistingPieces(second, hashes), 3);
  t.deepEqual(
    [...Array(second.pieceCount).keys()].filter((piece) => second.has(0, piece)),
    [0, 2, 4],
  );
  second.close();
});

test('a destination already complete is verified and kept, and a damaged file is hidden again', (t) => {
  const root = join(freshDir(), 'dest');
  const { shape, contents } = dataset();
  const first = new DiskStore(prepareDestination(root, shape));
  const hashes = hashesOf(first, contents);
  for (let piece = 0; piece < first.pieceCount; piece++) first.write(0, piece, pieceBytes(first, contents, piece));
  first.close();
  const again = new DiskStore(prepareDestination(root, shape));
  t.is(checkExistingPieces(again, hashes), again.pieceCount);
  t.true(again.complete);
  t.true(existsSync(join(root, 'a/big.bin')));
  again.close();
  // Damage one byte of the big file: the next run hides it and finds every piece but one.
  const { writeFileSync } = require('node:fs') as typeof import('node:fs');
  const damaged = Buffer.from(contents.get('a/big.bin')!);
  damaged[PIECE + 5] ^= 1;
  writeFileSync(join(root, 'a/big.bin'), damaged);
  const third = new DiskStore(prepareDestination(root, shape));
  t.is(checkExistingPieces(third, hashes), third.pieceCount - 1);
  t.false(existsSync(join(root, 'a/big.bin')));
  const bigFile = third.tree.files.findIndex((file) => file.name === 'a/big.bin');
  const damagedPiece = third.tree.geometry.firstPiece[bigFile]! + 1;
  t.false(third.has(0, damagedPiece));
  third.write(0, damagedPiece, pieceBytes(third, contents, damagedPiece));
  t.deepEqual(readFileSync(join(root, 'a/big.bin')), contents.get('a/big.bin'));
  third.close();
});

test('a single-file dataset is written at DEST itself', (t) => {
  const root = join(freshDir(), 'copy.bin');
  const data = randomBytes(3 * PIECE - 1);
  const shape: DatasetShape = {
    name: 'x.bin',
    singleFile: true,
    pieceLength: PIECE,
    entries: [{ kind: 'file', path: 'x.bin', length: data.length, piecesRoot: null }],
  };
  const store = new DiskStore(prepareDestination(root, shape));
  for (let piece = 0; piece < 3; piece++) store.write(0, piece, data.subarray(piece * PIECE, (piece + 1) * PIECE));
  store.close();
  t.deepEqual(readFileSync(root), data);
});

test('names that would escape the destination are refused before anything is written', (t) => {
  for (const path of ['../x', '/etc/passwd', 'a/../../x', 'a//b', '.', '']) t.truthy(unsafePathReason(path), path);
  t.is(unsafePathReason('a/b.c/d'), undefined);
  t.false(symlinkStaysInside('a/link', '../../etc'));
  t.false(symlinkStaysInside('link', '/etc/passwd'));
  t.true(symlinkStaysInside('a/link', '../b'));
  const root = join(freshDir(), 'dest');
  const shape: DatasetShape = {
    name: 's',
    singleFile: false,
    pieceLength: PIECE,
    entries: [{ kind: 'file', path: '../evil', length: 1, piecesRoot: null }],
  };
  t.throws(() => prepareDestination(root, shape, 'SOURCE'), {
    message: /SOURCE: the name "..\/evil" would escape the destination/,
  });
  t.false(existsSync(root));
  const link: DatasetShape = {
    name: 's',
    singleFile: false,
    pieceLength: PIECE,
    entries: [{ kind: 'symlink', path: 'l', target: '../../x' }],
  };
  t.throws(() => prepareDestination(root, link, 'SOURCE'), { message: /points outside the dataset/ });
});

test('a destination occupied by a folder where a file goes is a clear error', (t) => {
  const root = join(freshDir(), 'dest');
  const { shape } = dataset();
  require('node:fs').mkdirSync(join(root, 'top.bin'), { recursive: true });
  t.throws(() => prepareDestination(root, shape), { message: /top\.bin: exists and is not a file/ });
  t.true(lstatSync(join(root, 'top.bin')).isDirectory());
});

for (const [where, poolMinBytes] of [
  ['on the thread pool', 0],
  ['on this thread', Infinity],
] as const) {
  test(`leftovers hashed ${where} find the intact pieces, and only those`, async (t) => {
    const root = join(freshDir(), 'dest');
    const { shape, contents } = dataset();
    const first = new DiskStore(prepareDestination(root, shape));
    const hashes = hashesOf(first, contents);
    for (const piece of [1, 3, 5, 7]) first.write(0, piece, pieceBytes(first, contents, piece));
    first.close();
    const second = new DiskStore(prepareDestination(root, shape));
    const roots = await hashLeftovers(second, { threads: 2, poolMinBytes });
    t.is(
      markIntact(second, roots, hashes, (piece) => piece === 7),
      3,
    );
    t.deepEqual(
      [...Array(second.pieceCount).keys()].filter((piece) => second.has(0, piece)),
      [1, 3, 5],
    );
    second.close();
  });
}

test.serial('more files than one thread keeps open: every piece lands, the files are closed as it goes', (t) => {
  const root = join(freshDir(), 'dest');
  const contents = new Map<string, Buffer>(Array.from({ length: 300 }, (_, i) => [`f${i}`, randomBytes(10 + i)]));
  const shape: DatasetShape = {
    name: 'many',
    singleFile: false,
    pieceLength: PIECE,
    entries: [...contents].map(([path, data]) => ({
      kind: 'file' as const,
      path,
      length: data.length,
      piecesRoot: null,
    })),
  };
  const before = readdirSync('/proc/self/fd').length;
  const store = new DiskStore(prepareDestination(root, shape));
  // Every other piece first, then the rest: files stay open across many others.
  for (const parity of [0, 1]) {
    for (let piece = parity; piece < store.pieceCount; piece += 2) {
      const data = contents.get(store.tree.files[store.tree.geometry.file[piece]!]!.name)!;
      store.write(0, piece, data.subarray(0, PIECE));
    }
  }
  t.true(readdirSync('/proc/self/fd').length - before <= 128);
  store.close();
  for (const [name, data] of contents) t.deepEqual(readFileSync(join(root, name)), data);
});
