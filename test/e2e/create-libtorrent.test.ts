/**
 * `create` makes torrents a standard client accepts as they are meant: libtorrent (its Python
 * binding) reads the same files, sizes, piece length and number of pieces, computes the same v2
 * info-hash, makes the same torrent itself from the same data, and its own check of the data
 * finds every piece (and misses a piece whose byte was changed). Datasets are random, fresh
 * every run.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { libtorrentCheck, libtorrentCreate, libtorrentMissing } from '../helpers/libtorrent.js';
import { mainCommand } from '../helpers/scenario.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('create-lt');
const missing = libtorrentMissing();
const ltTest = missing === undefined ? test : test.skip;
if (missing !== undefined) console.log(`create-libtorrent: skipped: ${missing}`);

const PIECE = 64 * 1024;

interface Expected {
  path: string;
  size: number;
  executable?: boolean;
}

function writeRandom(path: string, size: number): Expected {
  writeFileSync(path, randomBytes(size));
  return { path, size };
}

/** A folder with every kind of file create must handle; returns the files in it (no symlink). */
function makeDataset(parent: string, withSymlink: boolean): Expected[] {
  const top = join(parent, 'data');
  mkdirSync(join(top, 'a', 'b', 'c'), { recursive: true });
  mkdirSync(join(top, 'tools'));
  const files = [
    writeRandom(join(top, 'uneven.bin'), 3 * PIECE + randomInt(1, PIECE)),
    writeRandom(join(top, 'one-piece.bin'), PIECE),
    writeRandom(join(top, 'two-pieces.bin'), 2 * PIECE),
    writeRandom(join(top, 'tiny.bin'), randomInt(1, 16 * 1024)),
    writeRandom(join(top, 'empty'), 0),
    writeRandom(join(top, 'a', 'b', 'c', 'deep.bin'), randomInt(1, 5 * PIECE)),
    writeRandom(join(top, 'a', 'mid.bin'), randomInt(PIECE + 1, 3 * PIECE)),
    { ...writeRandom(join(top, 'tools', 'run.sh'), randomInt(1, 4000)), executable: true },
  ];
  chmodSync(join(top, 'tools', 'run.sh'), 0o755);
  if (withSymlink) symlinkSync('../uneven.bin', join(top, 'a', 'link'));
  return files.map((file) => ({ ...file, path: file.path.slice(parent.length + 1) }));
}

function create(source: string, out: string, args: string[] = []): { infoHash: string; stdout: string } {
  const [node, ...rest] = mainCommand(['create', source, '-o', out, ...args]);
  const run = spawnSync(node!, rest, { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`create exited ${run.status}: ${run.stderr}`);
  const infoHash = /v2 info-hash ([0-9a-f]{64})/.exec(run.stdout)?.[1];
  if (infoHash === undefined) throw new Error(`no info-hash in: ${run.stdout}`);
  return { infoHash, stdout: run.stdout };
}

const piecesOf = (files: Expected[], pieceLength: number) =>
  files.reduce((sum, file) => sum + Math.ceil(file.size / pieceLength), 0);

ltTest('libtorrent reads a folder torrent as the folder is, with our info-hash, and finds every piece', (t) => {
  const dir = freshDir();
  const files = makeDataset(dir, true);
  const torrent = join(dir, 'data.torrent');
  const ours = create(join(dir, 'data'), torrent, ['--piece-size', '64K']);
  const seen = libtorrentCheck(torrent, dir);
  t.is(seen.infoHashV2, ours.infoHash);
  t.is(seen.pieceLength, PIECE);
  t.is(seen.pieces, piecesOf(files, PIECE));
  const regular = seen.files.filter((file) => file.symlink === null);
  t.deepEqual(
    regular
      .map(({ path, size, executable }) => ({ path, size, executable }))
      .sort((a, b) => a.path.localeCompare(b.path)),
    files
      .map(({ path, size, executable }) => ({ path, size, executable: executable ?? false }))
      .sort((a, b) => a.path.localeCompare(b.path)),
  );
  t.deepEqual(
    seen.files.filter((file) => file.symlink !== null).map(({ path, symlink }) => ({ path, symlink })),
    [{ path: 'data/a/link', symlink: 'data/uneven.bin' }],
  );
  t.is(seen.error, undefined);
  t.is(seen.havePieces, seen.pieces);
  t.true(seen.isSeeding);
});

ltTest('libtorrent makes the very same info dictionary from the same folder (no symlinks)', (t) => {
  const dir = freshDir();
  makeDataset(dir, false);
  const ours = create(join(dir, 'data'), join(dir, 'ours.torrent'), ['--piece-size', '64K']);
  libtorrentCreate(join(dir, 'data'), PIECE, join(dir, 'theirs.torrent'));
  t.is(libtorrentCheck(join(dir, 'theirs.torrent')).infoHashV2, ours.infoHash);
});

ltTest('libtorrent reads a single-file torrent with the chosen piece size and finds every piece', (t) => {
  const dir = freshDir();
  const size = randomInt(3 * 1024 * 1024, 5 * 1024 * 1024);
  writeFileSync(join(dir, 'alone.bin'), randomBytes(size));
  const torrent = join(dir, 'alone.torrent');
  const ours = create(join(dir, 'alone.bin'), torrent);
  const seen = libtorrentCheck(torrent, dir);
  t.is(seen.infoHashV2, ours.infoHash);
  t.deepEqual(seen.files, [{ path: 'alone.bin', size, symlink: null, executable: false }]);
  // 1000 to 2000 pieces would be too small: 16 KiB is the least, so about 200-300 pieces.
  t.is(seen.pieceLength, 16 * 1024);
  t.is(seen.pieces, Math.ceil(size / seen.pieceLength));
  t.true(seen.isSeeding);
  t.regex(ours.stdout, new RegExp(`1 files, ${size} bytes, piece size 16384, ${seen.pieces} pieces`));
});

ltTest("libtorrent's check misses exactly the piece whose byte was changed", (t) => {
  const dir = freshDir();
  const files = makeDataset(dir, true);
  const torrent = join(dir, 'data.torrent');
  create(join(dir, 'data'), torrent, ['--piece-size', '64K']);
  const copy = join(dir, 'copy');
  cpSync(join(dir, 'data'), join(copy, 'data'), { recursive: true, verbatimSymlinks: true });
  const victim = join(copy, 'data', 'uneven.bin');
  const bytes = readFileSync(victim);
  const at = randomInt(bytes.length);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(victim, bytes);
  const seen = libtorrentCheck(torrent, copy);
  t.is(seen.havePieces, piecesOf(files, PIECE) - 1);
  t.false(seen.isSeeding);
});
