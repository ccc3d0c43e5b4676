import test from 'ava';

import { Tag } from '../../src/protocol/tags.js';
import { runSwarm } from '../helpers/memory-swarm.js';
import { assertCleanRun, bigScenario, COURSE_LIKE, hashes, input } from '../helpers/swarm-inputs.js';

test('one seed, three leechers: every leecher writes every file, in order', (t) => {
  const file1 = hashes('a', 100);
  const file2 = hashes('b', 37);
  const inputs = [
    input(1, { file1, file2 }, []),
    input(2, {}, ['file1', 'file2']),
    input(3, {}, ['file2', 'file1']),
    input(4, {}, ['file1']),
  ];
  const run = runSwarm(inputs, { seed: 7 });
  t.deepEqual(run.outputs.get('client2_file1'), file1);
  t.deepEqual(run.outputs.get('client2_file2'), file2);
  t.deepEqual(run.outputs.get('client3_file1'), file1);
  t.deepEqual(run.outputs.get('client3_file2'), file2);
  t.deepEqual(run.outputs.get('client4_file1'), file1);
  t.is(run.outputs.size, 5);
  assertCleanRun(t, run, inputs);
});

const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);

for (const [name, scenario] of Object.entries(COURSE_LIKE)) {
  test(`course-like, ${name}: exact outputs under 50 seeds and delivery orders`, (t) => {
    const inputs = scenario();
    for (const seed of SEEDS) assertCleanRun(t, runSwarm(inputs, { seed }), inputs, `seed ${seed}`);
  });
}

test('course-like scenarios with one segment in flight, and with small windows and batches', (t) => {
  for (const download of [
    { window: 1, batch: 1 },
    { window: 3, batch: 2 },
    { window: 64, batch: 64, reportEvery: 1 },
  ]) {
    for (const [name, scenario] of Object.entries(COURSE_LIKE)) {
      const inputs = scenario();
      for (const seed of SEEDS.slice(0, 10)) {
        assertCleanRun(
          t,
          runSwarm(inputs, { seed, download }),
          inputs,
          `${name}, ${JSON.stringify(download)}, seed ${seed}`,
        );
      }
    }
  }
});

test('a bigger swarm: 12 peers, 6 files, exact outputs under 10 seeds', (t) => {
  const inputs = bigScenario();
  for (const seed of SEEDS.slice(0, 10)) assertCleanRun(t, runSwarm(inputs, { seed }), inputs, `seed ${seed}`);
});

test('the same seed replays the same run', (t) => {
  const inputs = bigScenario();
  const a = runSwarm(inputs, { seed: 3 });
  const b = runSwarm(inputs, { seed: 3 });
  const c = runSwarm(inputs, { seed: 4 });
  const trace = (run: typeof a): string[] =>
    run.network.traffic.map((event) => `${event.kind} ${event.source}>${event.dest} ${event.message.type}`);
  t.deepEqual(trace(a), trace(b));
  t.notDeepEqual(trace(a), trace(c));
});

test('multiple owners of a file all serve it', (t) => {
  const file1 = hashes('multi', 200);
  const inputs = [
    input(1, { file1 }, []),
    input(2, { file1 }, []),
    input(3, { file1 }, []),
    input(4, {}, ['file1']),
    input(5, {}, ['file1']),
  ];
  for (const seed of SEEDS.slice(0, 10)) {
    const run = runSwarm(inputs, { seed });
    assertCleanRun(t, run, inputs, `seed ${seed}`);
    for (const owner of [1, 2, 3]) t.true(run.uploads.get(owner)!.served > 0, `seed ${seed}: owner ${owner} served`);
  }
});

test('a file with no segments is written empty, alongside others', (t) => {
  const inputs = [
    input(1, { empty: [], file1: hashes('e1', 12) }, []),
    input(2, {}, ['empty', 'file1']),
    input(3, {}, ['empty']),
  ];
  for (const seed of SEEDS.slice(0, 10)) {
    const run = runSwarm(inputs, { seed });
    assertCleanRun(t, run, inputs, `seed ${seed}`);
    t.deepEqual(run.outputs.get('client3_empty'), []);
    t.is(run.uploads.get(1)!.served, 12, "only file1's segments moved");
  }
});

test('peers that want nothing, and a peer that owns nothing and wants nothing, end cleanly', (t) => {
  const file1 = hashes('idle', 30);
  const inputs = [
    input(1, { file1 }, []),
    input(2, {}, []),
    input(3, {}, ['file1']),
    input(4, { other: hashes('o', 3) }, []),
  ];
  for (const seed of SEEDS.slice(0, 10)) {
    const run = runSwarm(inputs, { seed });
    assertCleanRun(t, run, inputs, `seed ${seed}`);
    t.is(run.outputs.size, 1);
    t.is(run.uploads.get(2)!.served, 0);
    t.is(run.uploads.get(4)!.served, 0);
  }
});

test('a swarm where nobody wants anything ends at once', (t) => {
  const inputs = [input(1, { file1: hashes('n', 5) }, []), input(2, {}, [])];
  const run = runSwarm(inputs, { seed: 1 });
  assertCleanRun(t, run, inputs);
  t.is(run.outputs.size, 0);
  t.is(
    run.network.traffic.filter((event) => event.kind === 'send' && event.message.type === 'segment-request').length,
    0,
  );
});

test('load spreads: with one seed and many leechers, the leechers upload a good share', (t) => {
  const file1 = hashes('spread', 200);
  const inputs = [input(1, { file1 }, []), ...Array.from({ length: 8 }, (_, i) => input(i + 2, {}, ['file1']))];
  for (const seed of SEEDS.slice(0, 10)) {
    const run = runSwarm(inputs, { seed });
    assertCleanRun(t, run, inputs, `seed ${seed}`);
    const served = [...run.uploads].map(([rank, upload]) => ({ rank, served: upload.served }));
    const total = served.reduce((sum, { served: count }) => sum + count, 0);
    t.is(total, 8 * 200, `seed ${seed}: each segment moved once to each leecher`);
    const bySeed = served.find(({ rank }) => rank === 1)!.served;
    // Without peer-to-peer sharing the seed would send all 1600. Measured: about half.
    t.true(total - bySeed >= total / 4, `seed ${seed}: the leechers sent only ${total - bySeed} of ${total}`);
    const leechersServing = served.filter(({ rank, served: count }) => rank !== 1 && count >= 20).length;
    t.true(leechersServing >= 6, `seed ${seed}: only ${leechersServing} leechers served 20 segments or more`);
  }
});

test('every peer finishes, reports its downloads, and its upload worker reports after stop', (t) => {
  const inputs = COURSE_LIKE['five peers, seven files, shared owners']!();
  const run = runSwarm(inputs, { seed: 11 });
  assertCleanRun(t, run, inputs);
  t.deepEqual([...run.tracker.downloads.keys()].sort(), [1, 2, 3, 4, 5]);
  t.deepEqual([...run.tracker.uploads.keys()].sort(), [1, 2, 3, 4, 5]);
  const sends = run.network.traffic.filter((event) => event.kind === 'send');
  const stops = (tag: Tag) => sends.filter((event) => event.message.type === 'stop' && event.tag === tag);
  t.deepEqual(
    stops(Tag.Upload)
      .map((event) => event.dest)
      .sort(),
    [1, 2, 3, 4, 5],
  );
  t.deepEqual(
    stops(Tag.Download)
      .map((event) => event.dest)
      .sort(),
    [1, 2, 3, 4, 5],
  );
  // The downloads are stopped only after the last upload reported: no answer is left on its way.
  const lastStats = run.network.traffic
    .map((event) => event.kind === 'deliver' && event.message.type === 'upload-stats')
    .lastIndexOf(true);
  const firstDownloadStop = run.network.traffic.findIndex(
    (event) => event.kind === 'send' && event.message.type === 'stop' && event.tag === Tag.Download,
  );
  t.true(lastStats < firstDownloadStop);
  // The tracker stops the uploads only after the last peer's downloads-done.
  const delivered = run.network.traffic
    .map((event, index) => ({ event, index }))
    .filter(({ event }) => event.kind === 'deliver' && event.message.type === 'downloads-done');
  const lastDone = delivered.at(-1)!.index;
  const firstStop = run.network.traffic.findIndex((event) => event.kind === 'send' && event.message.type === 'stop');
  t.true(lastDone < firstStop);
});
