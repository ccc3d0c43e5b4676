import test from 'ava';
import { randomBytes } from 'node:crypto';
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { readShare } from '../../src/stage/seed.js';
import { DiskStore } from '../../src/storage/disk-store.js';
import { prepareDestination, type DatasetShape } from '../../src/storage/prepare.js';
import type { FileEntry } from '../../src/torrent/manifest.js';
import { pieceRoot } from '../../src/torrent/merkle.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('stage-seed');
const PIECE = 16 * 1024;

function setup(): { dir: string; data: Buffer; file: FileEntry; shape: DatasetShape; store: DiskStore } {
  const dir = freshDir();
  const data = randomBytes(3 * PIECE + 10);
  writeFileSync(join(dir, 'x.bin'), data);
  const stats = statSync(join(dir, 'x.bin'));
  const file: FileEntry = {
    kind: 'file',
    path: 'x.bin',
    length: data.length,
    piecesRoot: null,
    mtimeMs: stats.mtimeMs,
  };
  const shape: DatasetShape = { name: 'x.bin', singleFile: true, pieceLength: PIECE, entries: [file] };
  return { dir, data, file, shape, store: new DiskStore(prepareDestination(join(dir, 'copy.bin'), shape)) };
}

test('a share is read once: its pieces hashed and written to the destination', (t) => {
  const { dir, data, file, store } = setup();
  const read = readShare(join(dir, 'x.bin'), { singleFile: true, files: [file] }, store, 1, 4);
  t.is(read.bytesRead, data.length - PIECE);
  t.deepEqual(Buffer.from(read.hashes.subarray(0, 32)), Buffer.from(pieceRoot(data.subarray(PIECE, 2 * PIECE), 1)));
  t.deepEqual(
    [0, 1, 2, 3].map((piece) => store.has(0, piece)),
    [false, true, true, true],
  );
  store.close();
});

test('a SOURCE file changed since the job listed it is an error naming it', (t) => {
  const { dir, file, store } = setup();
  utimesSync(join(dir, 'x.bin'), new Date(), new Date(1_000_000_000_000));
  t.throws(() => readShare(join(dir, 'x.bin'), { singleFile: true, files: [file] }, store, 0, 4), {
    message: /x\.bin: changed since the job listed it/,
  });
  store.close();
});

test('with known hashes, a piece that does not match is an error naming the file and the piece', (t) => {
  const { dir, file, store } = setup();
  const known = new Uint8Array(32 * 4);
  t.throws(() => readShare(join(dir, 'x.bin'), { singleFile: true, files: [file] }, store, 0, 4, known), {
    message: /x\.bin: piece 1 of this file \(bytes from 0\) does not match the \.torrent/,
  });
  t.false(store.has(0, 0), 'the bad piece was not written');
  store.close();
});
