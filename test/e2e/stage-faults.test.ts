/**
 * `stage` with injected faults: a liar is caught and the copies stay exact; a killed rank ends
 * the job quickly with nothing wrong at a final name, and the next run fetches only what is
 * missing.
 */
import test, { type ExecutionContext } from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import type { StageStats } from '../../src/stage/stats.js';
import { describeRun } from '../helpers/mpirun.js';
import { runExclusive } from '../helpers/scenario.js';
import { makeFolderDataset, PIECE, stageCommand, treeDifferences } from '../helpers/stage-data.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('stage-faults');

// Small windows, so that requests spread over every holder instead of all going to the seeder.
function stage(source: string, dest: string, ...options: string[]): string[] {
  return stageCommand(source, dest, '--window-bytes', String(4 * PIECE), '--batch-bytes', String(PIECE), ...options);
}

/** Every file at a final name in `copy` is the source's, byte for byte; hidden partials may stay. */
function assertNothingWrongAtFinalNames(t: ExecutionContext, source: string, copy: string): void {
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const rel = relative(copy, path);
      if (name.endsWith('.mpitorrent-partial')) continue;
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats?.isDirectory()) walk(path);
      else if (stats?.isFile())
        t.true(readFileSync(path).equals(readFileSync(join(source, rel))), `${rel} at its final name is exact`);
    }
  };
  walk(copy);
}

const readStats = (path: string): StageStats => JSON.parse(readFileSync(path, 'utf8')) as StageStats;

test.serial('a seeder corrupting a third of what it sends: every copy exact, the liar blamed (np 4)', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'), { bigBytes: 120 * PIECE + 9 });
  // Rank 1 seeds half the pieces, so the others must ask it; never distrusted, it is asked
  // again until each piece comes intact.
  const result = await runExclusive(
    4,
    stage(
      join(dir, 'src'),
      join(dir, 'd{rank}'),
      '--seeders',
      '2',
      '--fault-corrupt',
      '1:0.33',
      '--strike-limit',
      '100000',
      '--stats',
      join(dir, 'stats.json'),
    ),
  );
  t.is(result.code, 0, describeRun(result));
  for (const rank of [0, 1, 2, 3])
    t.deepEqual(treeDifferences(join(dir, 'src'), join(dir, `d${rank}`)), [], `rank ${rank}`);
  const stats = readStats(join(dir, 'stats.json'));
  t.true(stats.badPieces > 0);
  t.deepEqual(Object.keys(stats.blame), ['1']);
  t.regex(result.stdout, /bad pieces: \d+; rank 1 sent \d+ bad pieces/);
});

test.serial(
  'a holder answering long after its requests timed out: the job still ends, every copy exact (np 4)',
  async (t) => {
    // Rank 2, a leecher, holds every answer back 3 s; the others give it up after 5 timeouts of
    // silence and finish without it. Its late answers (large messages, which complete only once
    // received) must still be taken, or its upload worker would wait for them forever.
    const dir = freshDir();
    makeFolderDataset(join(dir, 'src'), { bigBytes: 200 * PIECE + 1 });
    const result = await runExclusive(
      4,
      stage(join(dir, 'src'), join(dir, 'd{rank}'), '--fault-slow', '2:3000', '--request-timeout', '100'),
      { timeoutMs: 60_000 },
    );
    t.is(result.code, 0, describeRun(result));
    t.regex(result.stderr, /rank 2 has not answered for 500 ms/, 'the slow holder was asked, then given up');
    for (const rank of [0, 1, 2, 3])
      t.deepEqual(treeDifferences(join(dir, 'src'), join(dir, `d${rank}`)), [], `rank ${rank}`);
  },
);

test.serial('a seeder whose share only it holds, corrupting it: exit 4 naming the piece and the liar', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'), { bigBytes: 40 * PIECE });
  const result = await runExclusive(
    3,
    stage(join(dir, 'src'), join(dir, 'd{rank}'), '--seeders', '2', '--fault-corrupt', '1', '--stall-timeout', '1000'),
    { timeoutMs: 30_000 },
  );
  t.is(result.code, 4, describeRun(result));
  t.regex(result.stderr, /no holder sent data matching its hash \(bad data from rank 1/);
  for (const rank of [0, 1, 2]) assertNothingWrongAtFinalNames(t, join(dir, 'src'), join(dir, `d${rank}`));
});

test.serial(
  'a rank killed midway: the job ends non-zero within 10 s, nothing wrong at a final name; the next run fetches only what is missing',
  async (t) => {
    const dir = freshDir();
    makeFolderDataset(join(dir, 'src'), { bigBytes: 200 * PIECE + 1 });
    const killed = await runExclusive(
      4,
      stage(join(dir, 'src'), join(dir, 'd{rank}'), '--seeders', '2', '--fault-kill', '1:30'),
      { timeoutMs: 30_000 },
    );
    t.not(killed.code, 0, describeRun(killed));
    for (const rank of [0, 1, 2, 3]) assertNothingWrongAtFinalNames(t, join(dir, 'src'), join(dir, `d${rank}`));

    const again = await runExclusive(
      4,
      stage(join(dir, 'src'), join(dir, 'd{rank}'), '--stats', join(dir, 'stats.json')),
    );
    t.is(again.code, 0, describeRun(again));
    // The killed job took at most 10 s more than a whole run (its start-up is the same).
    t.true(killed.ms < again.ms + 10_000, `killed run: ${killed.ms} ms, whole run: ${again.ms} ms`);
    for (const rank of [0, 1, 2, 3])
      t.deepEqual(treeDifferences(join(dir, 'src'), join(dir, `d${rank}`)), [], `rank ${rank}`);
    const stats = readStats(join(dir, 'stats.json'));
    const resumed = stats.perNode.reduce((sum, node) => sum + node.piecesResumed, 0);
    t.true(resumed > 0, 'pieces of the first run were found');
    for (const node of stats.perNode) {
      t.is(node.piecesAtStart + node.piecesFetched, stats.pieces, `rank ${node.rank} wrote each piece once`);
      if (!node.seeder)
        t.is(node.piecesFetched, stats.pieces - node.piecesResumed, `rank ${node.rank} fetched only what was missing`);
    }
  },
);
