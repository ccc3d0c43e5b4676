import test from 'ava';

import { StageProgress } from '../../src/stage/progress.js';

const MiB = 1024 * 1024;

/** A job of 100 MiB to three nodes; rank 0 seeds it all. */
function job(mode: 'bar' | 'lines' | 'none' = 'lines'): StageProgress {
  return new StageProgress(
    100 * MiB,
    new Map([
      [0, 100 * MiB],
      [1, 0],
      [2, 0],
    ]),
    mode,
    0,
  );
}

test('a line says bytes done of all, the rate since the start, the ETA and the slowest node', (t) => {
  const progress = job();
  progress.add(1, 50 * MiB, 1000);
  progress.add(2, 25 * MiB, 1000);
  // 75 MiB moved in 2 s; 125 MiB left at 37.5 MiB/s.
  t.is(progress.line(2000), 'stage: 175.0 MiB of 300.0 MiB (3 nodes, 58%), 37.5 MiB/s, ETA 4 s; slowest: rank 2 (25%)');
});

test('the bar mode draws a bar; nothing moved yet means no ETA', (t) => {
  t.is(
    job('bar').line(500),
    'stage: [########................] 100.0 MiB of 300.0 MiB (3 nodes, 33%), 0 B/s, ETA ?; slowest: rank 1 (0%)',
  );
});

test('once every node is done, the slowest is the last to finish, with its time', (t) => {
  const progress = job();
  progress.add(2, 100 * MiB, 1500);
  progress.finished(2, 1500);
  progress.add(1, 100 * MiB, 2500);
  progress.finished(1, 2500);
  progress.finished(0, 100);
  t.regex(
    progress.line(3000),
    /^stage: 300\.0 MiB of 300\.0 MiB \(3 nodes, 100%\), .*; slowest: rank 1 \(done at 2\.5 s\)$/,
  );
});

test('samples: bytes held per node over time, a few a second, and one at completion', (t) => {
  const progress = job();
  for (let ms = 0; ms < 1000; ms += 50) progress.add(1, MiB, ms);
  progress.finished(1, 1000);
  const samples = progress.samples.get(1)!;
  t.true(samples.length >= 4 && samples.length <= 6, `${samples.length} samples`);
  t.deepEqual(samples.at(-1), [1, 20 * MiB]);
  t.true(
    samples.every(([, bytes], i) => i === 0 || bytes >= samples[i - 1]![1]),
    'never going back',
  );
});
