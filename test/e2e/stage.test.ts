/**
 * `stage` under mpirun: every destination ends a byte-exact copy of SOURCE (contents, folders,
 * empty files, symlinks, modes and times), with one writer per (node, destination).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { StageStats } from '../../src/stage/stats.js';
import { describeRun, runMpi } from '../helpers/mpirun.js';
import { makeFileDataset, makeFolderDataset, PIECE, treeDifferences } from '../helpers/stage-data.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('stage');
const MAIN = ['node', 'dist/main.js'];

function stage(source: string, dest: string, ...options: string[]): string[] {
  return [...MAIN, 'stage', source, dest, '--piece-size', String(PIECE), '--progress', 'none', ...options];
}

test('a single file reaches every rank byte for byte (np 2)', async (t) => {
  const dir = freshDir();
  makeFileDataset(join(dir, 'data.bin'), 9 * PIECE + 77);
  const result = await runMpi(2, stage(join(dir, 'data.bin'), join(dir, 'out{rank}/copy.bin')));
  t.is(result.code, 0, describeRun(result));
  for (const rank of [0, 1]) t.deepEqual(treeDifferences(join(dir, 'data.bin'), join(dir, `out${rank}/copy.bin`)), []);
});

test('a folder reaches every rank whole: nested folders, empty file and folder, symlink, modes and times (np 3)', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'));
  const result = await runMpi(3, stage(join(dir, 'src'), join(dir, 'dest-{rank}'), '--stats', join(dir, 'stats.json')));
  t.is(result.code, 0, describeRun(result));
  for (const rank of [0, 1, 2]) t.deepEqual(treeDifferences(join(dir, 'src'), join(dir, `dest-${rank}`)), [], `rank ${rank}`);
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as StageStats;
  t.is(stats.kind, 'stage');
  t.is(stats.nodes, 3);
  t.is(stats.badPieces, 0);
  // Only the seeder read SOURCE, once; the others got every piece through the swarm.
  t.deepEqual(stats.perNode.map((node) => node.bytesReadFromSource), [stats.bytes, 0, 0]);
  for (const node of stats.perNode.slice(1)) t.is(node.piecesFetched, stats.pieces);
});

test('ranks sharing a node and a destination write it once, by the lowest rank (np 4, two destinations)', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'));
  const command = stage(join(dir, 'src'), join(dir, 'shared-a'), '--stats', join(dir, 'stats.json'));
  const other = stage(join(dir, 'src'), join(dir, 'shared-b'));
  const result = await runMpi(2, [...command, ':', '-np', '2', ...other]);
  t.is(result.code, 0, describeRun(result));
  for (const name of ['shared-a', 'shared-b']) t.deepEqual(treeDifferences(join(dir, 'src'), join(dir, name)), [], name);
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as StageStats;
  t.is(stats.ranks, 4);
  t.deepEqual(stats.perNode.map((node) => node.rank), [0, 2]);
  // Each writer wrote each piece once: what it had at the start plus what it fetched.
  for (const node of stats.perNode) t.is(node.piecesAtStart + node.piecesFetched, stats.pieces);
});
