import test from 'ava';

import { StalledDownloadError } from '../../src/peer/stalled-download-error.js';
import type { UploadBehaviour } from '../../src/peer/upload.js';
import { HolderChange } from '../../src/protocol/messages.js';
import { runSwarm, type SwarmRun } from '../helpers/memory-swarm.js';
import { assertCleanRun, hashes, input } from '../helpers/swarm-inputs.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

const corrupting: UploadBehaviour = {
  payload: (stored) => stored.map((byte) => byte ^ 0x20),
  delayMs: () => 0,
  served: () => {},
};

const slow = (ms: number): UploadBehaviour => ({ payload: (stored) => stored, delayMs: () => ms, served: () => {} });

/** Rank 1 is an honest seed and rank 2 a corrupting one of file1; ranks 3..7 want it. */
function corruptSeedScenario() {
  const file1 = hashes('corrupt', 120);
  return [
    input(1, { file1 }, []),
    input(2, { file1 }, []),
    ...[3, 4, 5, 6, 7].map((rank) => input(rank, {}, ['file1'])),
  ];
}

/**
 * The traffic index from which `rank` knows not to ask `liar`: its own `limit`-th bad-segment
 * report against it, or a swarm naming it Removed; Infinity if neither happened.
 */
function knowsFrom(run: SwarmRun, rank: number, liar: number, limit: number): number {
  let reports = 0;
  for (const [index, event] of run.network.traffic.entries()) {
    const { message } = event;
    if (event.kind === 'send' && event.source === rank && message.type === 'bad-segment' && message.sender === liar) {
      if (++reports === limit) return index;
    }
    if (
      event.kind === 'deliver' &&
      event.dest === rank &&
      message.type === 'swarm' &&
      message.holders.some((holder) => holder.rank === liar && holder.change === HolderChange.Removed)
    ) {
      return index;
    }
  }
  return Infinity;
}

test('a corrupting seed: outputs stay exact, the tracker blames it, stops offering it, and downloads stop asking it', (t) => {
  const inputs = corruptSeedScenario();
  let removals = 0;
  let learned = 0;
  for (const seed of SEEDS) {
    const run = runSwarm(inputs, {
      seed,
      strikeLimit: 3,
      download: { strikeLimit: 3 },
      behaviours: new Map([[2, corrupting]]),
    });
    assertCleanRun(t, run, inputs, `seed ${seed}`);
    const file = run.tracker.catalogue!.files[0]!;
    t.deepEqual([...file.strikes.keys()], [2], `seed ${seed}: only the liar is blamed`);
    t.true(file.strikes.get(2)! >= 3, `seed ${seed}`);
    t.deepEqual([...file.distrusted], [2], `seed ${seed}`);
    t.deepEqual(run.distrusts, [{ fileId: 0, sender: 2 }], `seed ${seed}: distrusted once`);
    const reports = run.network.traffic.filter(
      (event) => event.kind === 'deliver' && event.message.type === 'bad-segment',
    );
    t.true(
      reports.every((event) => event.message.type === 'bad-segment' && event.message.sender === 2 && event.dest === 0),
    );
    t.is(reports.length, file.strikes.get(2) ?? 0, `seed ${seed}: every report counted`);
    const removed = run.network.traffic.filter(
      (event) =>
        event.kind === 'send' &&
        event.message.type === 'swarm' &&
        event.message.holders.some((holder) => holder.change === HolderChange.Removed),
    );
    for (const event of removed) {
      t.true(
        event.message.type === 'swarm' &&
          event.message.holders.every((holder) => holder.change !== HolderChange.Removed || holder.rank === 2),
      );
    }
    removals += removed.length;
    for (const rank of [3, 4, 5, 6, 7]) {
      const from = knowsFrom(run, rank, 2, 3);
      if (from === Infinity) continue;
      learned++;
      const later = run.network.traffic
        .slice(from)
        .filter(
          (event) =>
            event.kind === 'send' &&
            event.source === rank &&
            event.dest === 2 &&
            event.message.type === 'segment-request',
        );
      t.deepEqual(later, [], `seed ${seed}: rank ${rank} asked the liar again after it knew`);
    }
    // Every bad payload was counted by its receiver, and the statistics add up.
    const bad = [...run.downloads.values()].reduce((sum, download) => sum + (download.badBySource.get(2) ?? 0), 0);
    t.is(bad, reports.length, `seed ${seed}`);
    for (const [rank, download] of run.downloads) {
      if (rank >= 3)
        t.false(download.downloadsBySource.has(2), `seed ${seed}: rank ${rank} took nothing from the liar`);
    }
  }
  t.true(removals > 0, 'the tracker sent Removed at least once');
  t.true(learned > 0, 'some download learned to avoid the liar');
});

test('a corrupting leecher: every other peer still ends with exact outputs', (t) => {
  const file1 = hashes('leech-liar', 90);
  const inputs = [input(1, { file1 }, []), ...[2, 3, 4, 5].map((rank) => input(rank, {}, ['file1']))];
  let blamed = 0;
  for (const seed of SEEDS.slice(0, 10)) {
    const run = runSwarm(inputs, { seed, behaviours: new Map([[3, corrupting]]) });
    assertCleanRun(t, run, inputs, `seed ${seed}`);
    const strikes = run.tracker.catalogue!.files[0]!.strikes;
    t.true(
      [...strikes.keys()].every((rank) => rank === 3),
      `seed ${seed}`,
    );
    blamed += strikes.get(3) ?? 0;
  }
  t.true(blamed > 0, 'the liar was asked, and caught, in some runs');
});

test('a file whose only holder always corrupts ends with StalledDownloadError naming file and segment', (t) => {
  const file1 = hashes('only-liar', 30);
  const inputs = [input(1, { file1 }, []), input(2, {}, ['file1'])];
  for (const seed of SEEDS.slice(0, 10)) {
    const error = t.throws(() => runSwarm(inputs, { seed, behaviours: new Map([[1, corrupting]]) }), {
      instanceOf: StalledDownloadError,
    });
    t.regex(
      error?.message ?? '',
      /^file1 segment \d+: no holder sent data matching its hash \(bad data from rank 1 \(\d+ segments\)\)$/,
    );
  }
});

test('a slow holder: requests time out, go to others, and the run finishes with exact outputs', (t) => {
  const file1 = hashes('slow', 100);
  const inputs = [input(1, { file1 }, []), input(2, { file1 }, []), input(3, {}, ['file1']), input(4, {}, ['file1'])];
  for (const seed of SEEDS.slice(0, 10)) {
    // Longer than the request timeout, shorter than the time a finished peer waits for late answers.
    const run = runSwarm(inputs, {
      seed,
      download: { requestTimeoutMs: 2000 },
      behaviours: new Map([[1, slow(5000)]]),
    });
    assertCleanRun(t, run, inputs, `seed ${seed}`);
    const late = [...run.downloads.values()].reduce((sum, download) => sum + download.duplicates, 0);
    t.true(late > 0, `seed ${seed}: late answers came after the retries`);
    const slowServed = run.uploads.get(1)!.served;
    const fastServed = run.uploads.get(2)!.served;
    t.true(slowServed < fastServed, `seed ${seed}: slow ${slowServed}, fast ${fastServed}`);
    // Everything the slow holder sent counted at most once.
    for (const download of [run.downloads.get(3)!, run.downloads.get(4)!]) {
      const total = [...download.downloadsBySource.values()].reduce((a, b) => a + b, 0);
      t.is(total, 100, `seed ${seed}`);
    }
  }
});

test('a slow only holder: requests are retried of it, and the run still finishes with exact outputs', (t) => {
  const file1 = hashes('slow-only', 40);
  const inputs = [input(1, { file1 }, []), input(2, {}, ['file1']), input(3, {}, ['file1'])];
  for (const seed of SEEDS.slice(0, 5)) {
    const run = runSwarm(inputs, {
      seed,
      download: { requestTimeoutMs: 1000 },
      behaviours: new Map([[1, slow(2500)]]),
    });
    assertCleanRun(t, run, inputs, `seed ${seed}`);
    t.true(run.network.now >= 2500, `seed ${seed}: virtual time passed`);
  }
});
