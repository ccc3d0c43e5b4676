/** The report's data shaping, from the stats of real (in-memory) swarm runs and a stage fixture. */
import test from 'ava';

import { badData, headline, loadSpread, stageProgress, timeline, transferMatrix } from '../../src/report/shape.js';
import { readStats, type ReportStats } from '../../src/report/stats-format.js';
import { collectStats } from '../../src/tracker/stats.js';
import { runSwarm } from '../helpers/memory-swarm.js';
import { stageStatsFixture } from '../helpers/report-stage-fixture.js';
import { COURSE_LIKE, hashes, input } from '../helpers/swarm-inputs.js';

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

/** Stats as the report reads them: through JSON, as `--stats` writes them. */
function courseStats(name: string, seed = 3): NonNullable<ReportStats['course']> {
  const run = runSwarm(COURSE_LIKE[name]!(), { seed });
  return readStats(JSON.parse(JSON.stringify(collectStats(run.tracker, seed)))).course!;
}

function liarStats(): NonNullable<ReportStats['course']> {
  const file1 = hashes('report-liar', 60);
  const inputs = [input(1, { file1 }, []), input(2, { file1 }, []), input(3, {}, ['file1']), input(4, {}, ['file1'])];
  const corrupting = {
    payload: (stored: Uint8Array) => stored.map((byte) => byte ^ 1),
    delayMs: () => 0,
    served: () => {},
  };
  const run = runSwarm(inputs, { seed: 2, behaviours: new Map([[2, corrupting]]) });
  return readStats(JSON.parse(JSON.stringify(collectStats(run.tracker, 2)))).course!;
}

for (const name of Object.keys(COURSE_LIKE)) {
  test(`the transfer matrix has every sender x receiver pair and its rows are each peer's uploads: ${name}`, (t) => {
    const stats = courseStats(name);
    const cells = transferMatrix(stats);
    t.is(cells.length, stats.peers ** 2);
    t.is(new Set(cells.map((cell) => `${cell.from}->${cell.to}`)).size, cells.length, 'no pair twice');
    for (const peer of stats.peerStats) {
      t.is(
        sum(cells.filter((cell) => cell.from === peer.rank).map((cell) => cell.sent)),
        peer.uploads,
        `row ${peer.rank}`,
      );
      t.is(
        sum(cells.filter((cell) => cell.to === peer.rank).map((cell) => cell.received)),
        peer.downloads,
        `column ${peer.rank}`,
      );
    }
    t.true(
      cells.filter((cell) => cell.from === cell.to).every((cell) => cell.sent === 0),
      'nobody sends to itself',
    );
  });

  test(`the timeline has one completion per peer and file it wanted, none after the makespan: ${name}`, (t) => {
    const inputs = COURSE_LIKE[name]!();
    const stats = courseStats(name);
    const { completions, makespan, ranks } = timeline(stats);
    const wanted = inputs.flatMap((peer, i) => peer.wanted.map((file) => `${i + 1} ${file.name}`)).sort();
    t.deepEqual(completions.map((c) => `${c.rank} ${c.file}`).sort(), wanted);
    t.deepEqual(
      ranks,
      inputs.map((_, i) => i + 1),
      'every peer has a row',
    );
    t.is(makespan, Math.max(...stats.peerStats.map((peer) => peer.doneAt), ...completions.map((c) => c.seconds)));
    t.true(completions.every((c) => c.seconds <= makespan));
  });

  test(`uploads per peer: one bar per peer, the mean the stats' mean: ${name}`, (t) => {
    const stats = courseStats(name);
    const spread = loadSpread(stats);
    t.deepEqual(
      spread.bars,
      stats.peerStats.map((peer) => ({ rank: peer.rank, uploads: peer.uploads })),
    );
    t.is(spread.mean, stats.uploadsPerPeer.mean);
  });

  test(`a clean run has no bad data to show: ${name}`, (t) => {
    t.is(badData(courseStats(name)), undefined);
  });
}

test('a corrupting peer: its bad segments by receiver add up to the bad segments, and it is blamed and distrusted', (t) => {
  const stats = liarStats();
  const bad = badData(stats)!;
  t.truthy(bad);
  t.true(bad.segments.length > 0);
  t.true(
    bad.segments.every((entry) => entry.from === 2 && [3, 4].includes(entry.to)),
    JSON.stringify(bad.segments),
  );
  t.is(sum(bad.segments.map((entry) => entry.segments)), stats.badSegments);
  t.deepEqual(bad.blame, [{ file: 'file1', rank: 2, reports: stats.fileStats[0]!.badReports['2']!, distrusted: true }]);
});

test('the headline says peers, files, segments, seconds and the upload spread as the stats do', (t) => {
  const stats = courseStats('three peers, three files');
  const items = new Map(
    headline({ version: 1, course: stats, stage: undefined }).map((item) => [item.label, item.value]),
  );
  t.is(items.get('peers'), String(stats.peers));
  t.is(items.get('files'), String(stats.files));
  t.is(items.get('segments'), String(stats.segments));
  t.is(items.get('segments moved'), String(stats.segmentsMoved));
  t.is(items.get('seconds in all'), stats.seconds.toFixed(3));
  t.is(
    items.get('uploads per peer'),
    `min ${stats.uploadsPerPeer.min}, mean ${stats.uploadsPerPeer.mean.toFixed(1)}, max ${stats.uploadsPerPeer.max}`,
  );
  t.false(items.has('nodes'), 'no stage numbers for a swarm run');
});

test('a stage run: the slowest node is the one done last, and only its samples are marked', (t) => {
  const stage = readStats(stageStatsFixture({ nodes: 5, slowRank: 2 })).stage!;
  const progress = stageProgress(stage);
  t.is(progress.nodes, 5);
  t.deepEqual(progress.slowest, { rank: 2, node: 'node02 (rank 2)', doneAt: 9.5 });
  t.is(progress.samples.length, sum(stage.nodes.map((node) => node.bytesOverTime.length)));
  t.true(progress.samples.filter((sample) => sample.slowest).every((sample) => sample.rank === 2));
  t.is(progress.samples.filter((sample) => sample.slowest).length, stage.nodes[1]!.bytesOverTime.length);
  t.is(progress.lowerBoundSeconds, undefined);
});

test('a stage run with T*: the headline compares the slowest node with it', (t) => {
  const stats = readStats(stageStatsFixture({ lowerBoundSeconds: 4.75 }));
  const items = new Map(headline(stats).map((item) => [item.label, item.value]));
  t.is(items.get('lower bound T*'), '4.750 s (slowest node at 2.00 x T*)');
  t.is(items.get('bytes per node'), '256.0 MiB');
  t.false(items.has('peers'), 'no swarm numbers for a stage run');
});
