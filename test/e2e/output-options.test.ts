/**
 * Where results go and what is reported: --input-dir/--output-dir, --stats FILE, --quiet and
 * the default summary.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { RunStats } from '../../src/tracker/stats.js';
import { assertScenario, removeDir } from '../helpers/scenario.js';
import { generateScenario, wantedSegments, type Scenario } from '../scenarios/generate.js';

const totalSegments = (scenario: Scenario): number =>
  scenario.files.reduce((total, file) => total + file.hashes.length, 0);

test.serial('--input-dir and --output-dir: inputs read from one folder, outputs only in the other', async (t) => {
  // The helper checks that the working folder holds in/ (the inputs, unchanged) and out/ (the
  // outputs) and nothing else: no client file in the working or the input folder.
  const scenario = generateScenario('course', 5);
  await assertScenario(t, scenario, { layout: 'split', args: ['--quiet'] });
});

test.serial('--stats FILE writes JSON whose counts agree with the scenario', async (t) => {
  const scenario = generateScenario('mixed15', 2);
  const run = await assertScenario(t, scenario, {
    args: ['--stats', 'stats.json', '--seed', '42', '--quiet'],
    extraFiles: ['stats.json'],
    keep: true,
  });
  let stats: RunStats;
  try {
    stats = JSON.parse(readFileSync(join(run.dir, 'stats.json'), 'utf8')) as RunStats;
  } finally {
    removeDir(run.dir);
  }
  t.is(stats.peers, scenario.np - 1);
  t.is(stats.files, scenario.files.length);
  t.is(stats.segments, totalSegments(scenario));
  t.is(stats.segmentsMoved, wantedSegments(scenario));
  t.is(stats.badSegments, 0);
  t.is(stats.seed, 42);
  t.true(stats.seconds > 0 && stats.seconds < 60, `seconds ${stats.seconds}`);

  // Per peer: what it downloaded is what it wanted, from peers that are not itself.
  t.deepEqual(
    stats.peerStats.map((peer) => peer.rank),
    scenario.peers.map((peer) => peer.rank),
  );
  const segmentsOf = new Map(scenario.files.map((file) => [file.name, file.hashes.length]));
  for (const peer of scenario.peers) {
    const got = stats.peerStats[peer.rank - 1]!;
    const wanted = peer.wanted.reduce((total, name) => total + segmentsOf.get(name)!, 0);
    t.is(got.downloads, wanted, `rank ${peer.rank} downloads`);
    const bySource = Object.entries(got.downloadsBySource);
    t.is(
      bySource.reduce((total, [, count]) => total + count, 0),
      wanted,
      `rank ${peer.rank} downloads by source`,
    );
    t.false(
      bySource.some(([source]) => Number(source) === peer.rank),
      `rank ${peer.rank} did not download from itself`,
    );
  }
  const sum = (key: 'downloads' | 'uploads'): number => stats.peerStats.reduce((total, peer) => total + peer[key], 0);
  t.is(sum('downloads'), stats.segmentsMoved, 'per-peer downloads add up to segmentsMoved');
  t.is(sum('uploads'), stats.segmentsMoved, 'every segment moved was uploaded once');

  // Per file: its owners, and a completion time for each of its wanters and no one else.
  t.deepEqual(stats.fileStats.map((file) => file.name).sort(), scenario.files.map((file) => file.name).sort());
  for (const file of scenario.files) {
    const got = stats.fileStats.find((entry) => entry.name === file.name);
    if (got === undefined) {
      t.fail(`no statistics for ${file.name}`);
      continue;
    }
    t.is(got.segments, file.hashes.length, `${file.name} segments`);
    t.deepEqual(
      [...got.owners].sort((a, b) => a - b),
      file.owners,
      `${file.name} owners`,
    );
    t.deepEqual(
      Object.keys(got.completedAt)
        .map(Number)
        .sort((a, b) => a - b),
      file.wanters,
      `${file.name} completedAt`,
    );
    for (const seconds of Object.values(got.completedAt)) {
      t.true(seconds >= 0 && seconds <= stats.seconds, `${file.name} completed at ${seconds} s of ${stats.seconds}`);
    }
  }
});

test.serial("the default summary names the scenario's counts", async (t) => {
  const scenario = generateScenario('course', 6);
  const run = await assertScenario(t, scenario);
  const lines = run.result.stdout.split('\n');
  const first = new RegExp(
    `^mpitorrent: ${scenario.np - 1} peers, ${scenario.files.length} files \\(${totalSegments(scenario)} segments\\); ` +
      `${wantedSegments(scenario)} segments moved in \\d+ messages, \\d+\\.\\d{3} s \\(\\d+\\.\\d{3} s registering, \\d+\\.\\d{3} s downloading\\)$`,
  );
  t.regex(lines[0]!, first, run.result.stdout);
  t.regex(lines[1]!, /^uploads per peer: min \d+, mean \d+\.\d, max \d+$/, run.result.stdout);
  t.deepEqual(lines.slice(2), [''], 'nothing else on stdout');
});

test.serial('--quiet prints nothing on stdout', async (t) => {
  const run = await assertScenario(t, generateScenario('course', 6), { args: ['--quiet'] });
  t.is(run.result.stdout, '');
});
