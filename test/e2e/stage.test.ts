/**
 * `stage` under mpirun: every destination ends a byte-exact copy of SOURCE (contents, folders,
 * empty files, symlinks, modes and times), with one writer per (node, destination).
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

import type { StageStats } from '../../src/stage/stats.js';
import { readTorrent } from '../../src/torrent/parse.js';
import { libtorrentCheck, libtorrentMissing } from '../helpers/libtorrent.js';
import { describeRun } from '../helpers/mpirun.js';
import { runExclusive } from '../helpers/scenario.js';
import {
  makeFileDataset,
  makeFolderDataset,
  PIECE,
  stageCommand as stage,
  treeDifferences,
} from '../helpers/stage-data.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('stage');
const MAIN = ['node', 'dist/main.js'];

test('a single file reaches every rank byte for byte (np 2)', async (t) => {
  const dir = freshDir();
  makeFileDataset(join(dir, 'data.bin'), 9 * PIECE + 77);
  const result = await runExclusive(2, stage(join(dir, 'data.bin'), join(dir, 'out{rank}/copy.bin')));
  t.is(result.code, 0, describeRun(result));
  for (const rank of [0, 1]) t.deepEqual(treeDifferences(join(dir, 'data.bin'), join(dir, `out${rank}/copy.bin`)), []);
});

test('a folder reaches every rank whole: nested folders, empty file and folder, symlink, modes and times (np 3)', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'));
  const result = await runExclusive(
    3,
    stage(join(dir, 'src'), join(dir, 'dest-{rank}'), '--stats', join(dir, 'stats.json')),
  );
  t.is(result.code, 0, describeRun(result));
  for (const rank of [0, 1, 2])
    t.deepEqual(treeDifferences(join(dir, 'src'), join(dir, `dest-${rank}`)), [], `rank ${rank}`);
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as StageStats;
  t.is(stats.kind, 'stage');
  t.is(stats.nodes, 3);
  t.is(stats.badPieces, 0);
  // Only the seeder read SOURCE, once; the others got every piece through the swarm.
  t.deepEqual(
    stats.perNode.map((node) => node.bytesReadFromSource),
    [stats.bytes, 0, 0],
  );
  for (const node of stats.perNode.slice(1)) t.is(node.piecesFetched, stats.pieces);
});

test('ranks sharing a node and a destination write it once, by the lowest rank (np 4, two destinations)', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'));
  const command = stage(join(dir, 'src'), join(dir, 'shared-a'), '--stats', join(dir, 'stats.json'));
  const other = stage(join(dir, 'src'), join(dir, 'shared-b'));
  const result = await runExclusive(2, [...command, ':', '-np', '2', ...other]);
  t.is(result.code, 0, describeRun(result));
  for (const name of ['shared-a', 'shared-b'])
    t.deepEqual(treeDifferences(join(dir, 'src'), join(dir, name)), [], name);
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as StageStats;
  t.is(stats.ranks, 4);
  t.deepEqual(
    stats.perNode.map((node) => node.rank),
    [0, 2],
  );
  // Each writer wrote each piece once: what it had at the start plus what it fetched.
  for (const node of stats.perNode) t.is(node.piecesAtStart + node.piecesFetched, stats.pieces);
});

test('three seeders each read a share of SOURCE once, and --save-torrent keeps the manifest create would make (np 3)', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'), { bigBytes: 20 * PIECE + 5 });
  const result = await runExclusive(
    3,
    stage(
      join(dir, 'src'),
      join(dir, 'd{rank}'),
      '--seeders',
      '3',
      '--save-torrent',
      join(dir, 'saved.torrent'),
      '--stats',
      join(dir, 'stats.json'),
    ),
  );
  t.is(result.code, 0, describeRun(result));
  for (const rank of [0, 1, 2])
    t.deepEqual(treeDifferences(join(dir, 'src'), join(dir, `d${rank}`)), [], `rank ${rank}`);
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as StageStats;
  t.deepEqual(stats.seeders, [0, 1, 2]);
  const reads = stats.perNode.map((node) => node.bytesReadFromSource);
  t.is(
    reads.reduce((a, b) => a + b, 0),
    stats.bytes,
  );
  for (const read of reads) t.true(read > 0);
  const created = spawnSync('node', [
    'dist/main.js',
    'create',
    join(dir, 'src'),
    '-o',
    join(dir, 'created.torrent'),
    '--piece-size',
    String(PIECE),
    '--quiet',
  ]);
  t.is(created.status, 0, String(created.stderr));
  const saved = await readTorrent(join(dir, 'saved.torrent'));
  const reference = await readTorrent(join(dir, 'created.torrent'));
  t.deepEqual(Buffer.from(saved.infoHash).toString('hex'), Buffer.from(reference.infoHash).toString('hex'));
});

test('--torrent gives the hashes: every rank gets the data the .torrent describes, with the modes and times of SOURCE (np 3, two seeders)', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'));
  const created = spawnSync('node', [
    'dist/main.js',
    'create',
    join(dir, 'src'),
    '-o',
    join(dir, 'src.torrent'),
    '--piece-size',
    '32K',
    '--quiet',
  ]);
  t.is(created.status, 0, String(created.stderr));
  const result = await runExclusive(3, [
    ...MAIN,
    'stage',
    join(dir, 'src'),
    join(dir, 'd{rank}'),
    '--torrent',
    join(dir, 'src.torrent'),
    '--seeders',
    '2',
    '--progress',
    'none',
  ]);
  t.is(result.code, 0, describeRun(result));
  // A .torrent holds no empty folders; modes and times come from SOURCE, as without --torrent.
  const top = statSync(join(dir, 'src'));
  rmSync(join(dir, 'src/empty-folder'), { recursive: true });
  utimesSync(join(dir, 'src'), top.atime, top.mtime);
  for (const rank of [0, 1, 2])
    t.deepEqual(treeDifferences(join(dir, 'src'), join(dir, `d${rank}`)), [], `rank ${rank}`);
});

test('a tiny --memory (a window of 4 pieces, 12 pieces of answers on their way) still stages every byte (np 4)', async (t) => {
  const dir = freshDir();
  makeFileDataset(join(dir, 'data.bin'), 300 * PIECE + 5);
  const result = await runExclusive(
    4,
    stage(
      join(dir, 'data.bin'),
      join(dir, 'out{rank}'),
      '--memory',
      String(16 * PIECE),
      '--batch-bytes',
      String(PIECE),
    ),
  );
  t.is(result.code, 0, describeRun(result));
  for (const rank of [0, 1, 2, 3]) t.deepEqual(treeDifferences(join(dir, 'data.bin'), join(dir, `out${rank}`)), []);
});

test('--progress: lines for batch logs ending at 100%, a bar when asked, nothing with none (np 3)', async (t) => {
  const dir = freshDir();
  makeFileDataset(join(dir, 'data.bin'), 40 * PIECE);
  const line =
    /^stage: (\[[#.]{24}\] )?[\d.]+ (B|KiB|MiB) of [\d.]+ (KiB|MiB) \(3 nodes, (\d+)%\), [\d.]+ (B|KiB|MiB|GiB)\/s, ETA [^;]+; slowest: rank \d (\(\d+%\)|\(done at [\d.]+ s\))$/;
  const run = (mode: string, dest: string) =>
    runExclusive(3, stage(join(dir, 'data.bin'), join(dir, dest), '--progress', mode));

  const lines = await run('lines', 'lines{rank}');
  t.is(lines.code, 0, describeRun(lines));
  const drawn = lines.stderr.split('\n').filter((text) => text.startsWith('stage:'));
  t.true(drawn.length >= 2, lines.stderr);
  for (const text of drawn) t.regex(text, line);
  t.regex(drawn.at(-1)!, /\(3 nodes, 100%\).*slowest: rank \d \(done at [\d.]+ s\)$/);
  t.false(lines.stderr.includes('\r'), 'no carriage returns in a log');

  const bar = await run('bar', 'bar{rank}');
  t.is(bar.code, 0, describeRun(bar));
  const frames = bar.stderr.split('\r').filter((text) => text.startsWith('stage:'));
  t.true(frames.length >= 2, JSON.stringify(bar.stderr));
  const last = frames.at(-1)!;
  t.regex(last, /^stage: \[#{24}\] .*100%/);
  t.true(last.includes('\u001b[K\n'), 'the bar clears the rest of its line, then ends it');

  const none = await run('none', 'none{rank}');
  t.is(none.code, 0, describeRun(none));
  t.false(none.stderr.includes('stage:'), none.stderr);
});

test('2000 small files reach 8 destinations whole (np 8)', async (t) => {
  t.timeout(300_000);
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'), { smallFiles: 2000 });
  const result = await runExclusive(
    8,
    stage(join(dir, 'src'), join(dir, 'd{rank}'), '--stats', join(dir, 'stats.json')),
    {
      timeoutMs: 280_000,
    },
  );
  t.is(result.code, 0, describeRun(result));
  for (let rank = 0; rank < 8; rank++)
    t.deepEqual(treeDifferences(join(dir, 'src'), join(dir, `d${rank}`)), [], `rank ${rank}`);
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as StageStats;
  t.is(stats.files, 2004);
  t.is(stats.nodes, 8);
});

test("libtorrent, checking a staged DEST against the job's own .torrent, finds every piece", async (t) => {
  const missing = libtorrentMissing();
  if (missing !== undefined) return t.pass(missing);
  const dir = freshDir();
  makeFolderDataset(join(dir, 'set'));
  const result = await runExclusive(
    2,
    stage(join(dir, 'set'), join(dir, 'd{rank}/set'), '--save-torrent', join(dir, 'set.torrent')),
  );
  t.is(result.code, 0, describeRun(result));
  for (const rank of [0, 1]) {
    const seen = libtorrentCheck(join(dir, 'set.torrent'), join(dir, `d${rank}`));
    t.true(seen.isSeeding, `rank ${rank}: ${JSON.stringify(seen)}`);
    t.is(seen.havePieces, seen.pieces);
  }
});
