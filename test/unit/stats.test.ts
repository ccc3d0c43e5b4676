import test from 'ava';

import { collectStats, summary } from '../../src/tracker/stats.js';
import { runSwarm } from '../helpers/memory-swarm.js';
import { assertCleanRun, COURSE_LIKE, expectedOutputs, hashes, input } from '../helpers/swarm-inputs.js';

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

for (const [name, scenario] of Object.entries(COURSE_LIKE)) {
  test(`the counts add up: ${name}`, (t) => {
    const inputs = scenario();
    for (const seed of [1, 2, 3]) {
      const run = runSwarm(inputs, { seed });
      assertCleanRun(t, run, inputs, `seed ${seed}`);
      const stats = collectStats(run.tracker, seed);
      const wanted = sum([...expectedOutputs(inputs).values()].map((list) => list.length));
      const files = new Map(
        inputs.flatMap((peer) => peer.owned.map((file) => [file.name, file.hashes.length] as const)),
      );

      t.is(stats.peers, inputs.length);
      t.is(stats.files, files.size);
      t.is(stats.segments, sum(files.values()));
      t.is(stats.seed, seed);
      t.is(stats.segmentsMoved, wanted, 'each wanted segment moved exactly once');
      t.is(stats.badSegments, 0);
      t.is(sum(stats.peerStats.map((peer) => peer.uploads)), wanted, 'uploads and downloads agree');
      t.is(stats.messages, run.network.delivered, 'every message sent is counted, once');
      t.is(stats.seconds, (run.tracker.finishedAt - run.tracker.startedAt) / 1000);

      const uploads = stats.peerStats.map((peer) => peer.uploads);
      t.deepEqual(stats.uploadsPerPeer, {
        min: Math.min(...uploads),
        mean: sum(uploads) / uploads.length,
        max: Math.max(...uploads),
      });
      t.deepEqual(
        stats.peerStats.map((peer) => peer.rank),
        inputs.map((_, i) => i + 1),
      );
      for (const peer of stats.peerStats) {
        t.is(
          peer.downloads,
          sum(inputs[peer.rank - 1]!.wanted.map((want) => files.get(want.name)!)),
          `rank ${peer.rank} downloads`,
        );
        t.is(peer.uploads, run.uploads.get(peer.rank)!.served);
        t.is(peer.refused, 0);
        t.deepEqual(peer.badSegmentsSeen, {});
        // What r sent to p is what p says it got from r.
        for (const [to, count] of Object.entries(peer.uploadsTo)) {
          t.is(stats.peerStats[Number(to) - 1]!.downloadsBySource[String(peer.rank)] ?? 0, count);
        }
      }
      for (const file of stats.fileStats) {
        const owners = inputs.flatMap((peer, i) =>
          peer.owned.some((owned) => owned.name === file.name) ? [i + 1] : [],
        );
        const wanters = inputs.flatMap((peer, i) =>
          peer.wanted.some((want) => want.name === file.name) ? [String(i + 1)] : [],
        );
        t.deepEqual(file.owners, owners, file.name);
        t.deepEqual(
          Object.keys(file.completedAt).sort(),
          wanters.sort(),
          `${file.name}: completed by those who wanted it`,
        );
        t.deepEqual(file.badReports, {});
        t.deepEqual(file.distrusted, []);
      }
      t.deepEqual(JSON.parse(JSON.stringify(stats)), stats, 'plain JSON');
    }
  });
}

test('the summary says what moved, and how uploads spread', (t) => {
  const inputs = COURSE_LIKE['three peers, three files']!();
  const stats = collectStats(runSwarm(inputs, { seed: 4 }).tracker, 4);
  const { min, mean, max } = stats.uploadsPerPeer;
  t.is(
    summary(stats),
    [
      `mpitorrent: 3 peers, 3 files (220 segments); 395 segments moved in ${stats.messages} messages, 0.000 s (0.000 s registering, 0.000 s downloading)`,
      `uploads per peer: min ${min}, mean ${mean.toFixed(1)}, max ${max}`,
    ].join('\n'),
  );
});

test('with a corrupting peer, the statistics and the summary name it', (t) => {
  const file1 = hashes('stats-liar', 60);
  const inputs = [input(1, { file1 }, []), input(2, { file1 }, []), input(3, {}, ['file1']), input(4, {}, ['file1'])];
  const corrupting = {
    payload: (stored: Uint8Array) => stored.map((byte) => byte ^ 1),
    delayMs: () => 0,
    served: () => {},
  };
  const run = runSwarm(inputs, { seed: 2, behaviours: new Map([[2, corrupting]]) });
  assertCleanRun(t, run, inputs);
  const stats = collectStats(run.tracker, 2);
  const reports = run.tracker.catalogue!.files[0]!.strikes.get(2)!;
  t.true(reports >= 3);
  t.is(stats.badSegments, reports);
  t.deepEqual(stats.fileStats[0]!.badReports, { 2: reports });
  t.deepEqual(stats.fileStats[0]!.distrusted, [2]);
  t.is(stats.segmentsMoved, 120, 'bad payloads are not counted as moved');
  t.is(sum(stats.peerStats.map((peer) => sum(Object.values(peer.badSegmentsSeen)))), reports);
  t.true(stats.peerStats[1]!.uploads >= reports, 'what the liar sent includes the bad payloads');
  t.regex(
    summary(stats),
    new RegExp(`\\nbad segments: ${reports}; rank 2 sent ${reports} bad segments of file1 \\(distrusted\\)$`),
  );
});
