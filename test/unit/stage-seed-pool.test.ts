import test from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { PathError } from '../../src/errors/path-error.js';
import { seedShare } from '../../src/stage/seed-pool.js';
import { readShare, type SourceShape } from '../../src/stage/seed.js';
import { DiskStore } from '../../src/storage/disk-store.js';
import { prepareDestination, type DatasetShape } from '../../src/storage/prepare.js';
import type { FileEntry } from '../../src/torrent/manifest.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('stage-seed-pool');
const PIECE = 16 * 1024;
// Files of 7 pieces (the last short), one piece, none, 5 pieces exactly: pieces 0-6, 7, 8-12.
const LENGTHS = { 'a.bin': 6 * PIECE + 100, 'b.bin': 900, 'c.bin': 0, 'd/e.bin': 5 * PIECE };
// Every job on a worker (this thread would otherwise take them all before a worker is up).
const THREADS = { threads: 3, poolMinBytes: 0, onThisThread: false };

interface Source {
  root: string;
  shape: DatasetShape;
  sourceShape: SourceShape;
  contents: Map<string, Buffer>;
}

function makeSource(): Source {
  const root = join(freshDir(), 'src');
  mkdirSync(join(root, 'd'), { recursive: true });
  const contents = new Map<string, Buffer>();
  const files: FileEntry[] = Object.entries(LENGTHS).map(([path, length]) => {
    const data = randomBytes(length);
    writeFileSync(join(root, path), data);
    contents.set(path, data);
    return { kind: 'file', path, length, piecesRoot: null, mtimeMs: statSync(join(root, path)).mtimeMs };
  });
  const shape: DatasetShape = {
    name: 'src',
    singleFile: false,
    pieceLength: PIECE,
    entries: [files[0]!, files[1]!, files[2]!, { kind: 'folder', path: 'd' }, files[3]!],
  };
  return { root, shape, sourceShape: { singleFile: false, files }, contents };
}

function storeFor(source: Source, name: string): { dest: string; store: DiskStore } {
  const dest = join(freshDir(), name);
  return { dest, store: new DiskStore(prepareDestination(dest, source.shape, source.root)) };
}

test('on several threads a share gives the same roots and the same bytes as on one', async (t) => {
  const source = makeSource();
  const one = storeFor(source, 'one');
  const many = storeFor(source, 'many');
  const count = one.store.pieceCount;
  const single = readShare(source.root, source.sourceShape, one.store, 0, count);
  const pooled = await seedShare(source.root, source.sourceShape, many.store, 0, count, undefined, THREADS);
  t.deepEqual(Buffer.from(pooled.hashes), Buffer.from(single.hashes));
  t.is(pooled.bytesRead, single.bytesRead);
  t.is(many.store.bytesWritten, pooled.bytesRead);
  t.true(many.store.complete);
  for (const [path, data] of source.contents) {
    t.deepEqual(readFileSync(join(many.dest, path)), data, path);
    t.deepEqual(readFileSync(join(many.dest, path)), readFileSync(join(one.dest, path)), path);
  }
  one.store.close();
  many.store.close();
});

test('with this thread taking jobs too, a share gives the same roots and bytes as on one thread', async (t) => {
  const source = makeSource();
  const one = storeFor(source, 'one');
  const both = storeFor(source, 'both');
  const count = one.store.pieceCount;
  const single = readShare(source.root, source.sourceShape, one.store, 0, count);
  const mixed = await seedShare(source.root, source.sourceShape, both.store, 0, count, undefined, {
    threads: 2,
    poolMinBytes: 0,
  });
  t.deepEqual(Buffer.from(mixed.hashes), Buffer.from(single.hashes));
  t.true(both.store.complete);
  for (const [path, data] of source.contents) t.deepEqual(readFileSync(join(both.dest, path)), data, path);
  one.store.close();
  both.store.close();
});

test('a file only partly in the share keeps its partial name; files wholly in it are complete', async (t) => {
  const source = makeSource();
  const { dest, store } = storeFor(source, 'part');
  // Pieces 3..9: the end of a.bin, all of b.bin, the first two of d/e.bin.
  const read = await seedShare(source.root, source.sourceShape, store, 3, 10, undefined, THREADS);
  t.is(read.bytesRead, 3 * PIECE + 100 + 900 + 2 * PIECE);
  t.deepEqual(
    Array.from({ length: store.pieceCount }, (_, piece) => store.has(0, piece)),
    [false, false, false, true, true, true, true, true, true, true, false, false, false],
  );
  t.true(existsSync(join(dest, 'b.bin')));
  t.false(existsSync(join(dest, 'a.bin')));
  t.false(existsSync(join(dest, 'd/e.bin')));
  const partial = readFileSync(store.tree.files[3]!.partialPath);
  t.deepEqual(partial.subarray(0, 2 * PIECE), source.contents.get('d/e.bin')!.subarray(0, 2 * PIECE));
  store.close();
});

test('with known hashes on several threads, nothing is returned and every piece is checked', async (t) => {
  const source = makeSource();
  const reference = storeFor(source, 'reference');
  const count = reference.store.pieceCount;
  const known = readShare(source.root, source.sourceShape, reference.store, 0, count).hashes;
  const { store } = storeFor(source, 'checked');
  const read = await seedShare(source.root, source.sourceShape, store, 0, count, known, THREADS);
  t.is(read.hashes.length, 0);
  t.true(store.complete);
  reference.store.close();
  store.close();
});

test('on several threads a piece that does not match the .torrent is a PathError naming the file and the piece', async (t) => {
  const source = makeSource();
  const reference = storeFor(source, 'reference');
  const count = reference.store.pieceCount;
  const known = readShare(source.root, source.sourceShape, reference.store, 0, count).hashes.slice();
  known[32 * 10] ^= 1; // piece 3 of d/e.bin
  const { store } = storeFor(source, 'checked');
  const error = await t.throwsAsync(seedShare(source.root, source.sourceShape, store, 0, count, known, THREADS), {
    instanceOf: PathError,
    message: `${join(source.root, 'd', 'e.bin')}: piece 3 of this file (bytes from ${2 * PIECE}) does not match the .torrent: SOURCE is not the data it describes`,
  });
  t.is(error.exitCode, 3);
  t.false(store.has(0, 10));
  reference.store.close();
  store.close();
});

test('on several threads a SOURCE file of another size than the .torrent says is a PathError naming it', async (t) => {
  const source = makeSource();
  const reference = storeFor(source, 'reference');
  const count = reference.store.pieceCount;
  const known = readShare(source.root, source.sourceShape, reference.store, 0, count).hashes;
  const { store } = storeFor(source, 'checked');
  truncateSync(join(source.root, 'a.bin'), PIECE);
  await t.throwsAsync(seedShare(source.root, source.sourceShape, store, 0, count, known, THREADS), {
    instanceOf: PathError,
    message: `${join(source.root, 'a.bin')}: is ${PIECE} bytes, but the .torrent says ${6 * PIECE + 100}: SOURCE does not match the .torrent`,
  });
  reference.store.close();
  store.close();
});

test('on several threads a SOURCE file changed since the job listed it is a PathError naming it', async (t) => {
  const source = makeSource();
  const { store } = storeFor(source, 'changed');
  utimesSync(join(source.root, 'd', 'e.bin'), new Date(), new Date(1_000_000_000_000));
  await t.throwsAsync(seedShare(source.root, source.sourceShape, store, 0, store.pieceCount, undefined, THREADS), {
    instanceOf: PathError,
    message: `${join(source.root, 'd', 'e.bin')}: changed since the job listed it (size or modification time)`,
  });
  t.false(existsSync(join(store.tree.files[3]!.finalPath)));
  store.close();
});

test('on several threads a SOURCE file gone is a PathError naming it', async (t) => {
  const source = makeSource();
  const { store } = storeFor(source, 'gone');
  const missing: SourceShape = {
    singleFile: false,
    files: source.sourceShape.files.map((file) => (file.path === 'a.bin' ? { ...file, path: 'nothing.bin' } : file)),
  };
  await t.throwsAsync(seedShare(source.root, missing, store, 0, store.pieceCount, undefined, THREADS), {
    instanceOf: PathError,
    message: `${join(source.root, 'nothing.bin')}: no such file`,
  });
  store.close();
});
