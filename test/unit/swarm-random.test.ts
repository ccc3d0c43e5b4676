import test from 'ava';

import { StalledDownloadError } from '../../src/peer/stalled-download-error.js';
import type { UploadBehaviour } from '../../src/peer/upload.js';
import { randomIndex, seededRandom } from '../../src/protocol/random.js';
import { runSwarm } from '../helpers/memory-swarm.js';
import { randomSwarm } from '../helpers/random-scenario.js';
import { assertCleanRun } from '../helpers/swarm-inputs.js';

test('random swarms (sizes, owners, wants, window, batch, report interval) all end with exact outputs', (t) => {
  for (let seed = 1; seed <= 150; seed++) {
    const { inputs, download } = randomSwarm(seed);
    assertCleanRun(
      t,
      runSwarm(inputs, { seed, download }),
      inputs,
      `random swarm ${seed} (${JSON.stringify(download)})`,
    );
  }
});

test('random swarms with liars and slow peers: exact outputs, or a clear stall when every owner of a wanted file lies', (t) => {
  let stalls = 0;
  let finished = 0;
  for (let seed = 1; seed <= 120; seed++) {
    const { inputs, download } = randomSwarm(seed);
    const random = seededRandom(seed * 31);
    const behaviours = new Map<number, UploadBehaviour>();
    const liars = new Set<number>();
    for (let rank = 1; rank <= inputs.length; rank++) {
      const roll = random();
      if (roll < 0.15) {
        liars.add(rank);
        behaviours.set(rank, {
          payload: (stored) => stored.map((byte) => byte ^ 1),
          delayMs: () => 0,
          served: () => {},
        });
      } else if (roll < 0.3) {
        // Up to 7 s: past the 2 s request timeout, within the 8 s a finished peer waits for late answers.
        const delay = 100 + randomIndex(random, 7000);
        behaviours.set(rank, { payload: (stored) => stored, delayMs: () => delay, served: () => {} });
      }
    }
    const strikeLimit = 1 + randomIndex(random, 4);
    const honestlyOwned = new Set(
      inputs.flatMap((peer, i) => (liars.has(i + 1) ? [] : peer.owned.map((file) => file.name))),
    );
    const hopeless = inputs.flatMap((peer) =>
      peer.wanted.filter((want) => !honestlyOwned.has(want.name)).map((want) => want.name),
    );
    const label = `random swarm ${seed}, liars ${[...liars].join(',') || 'none'}`;
    try {
      const run = runSwarm(inputs, { seed, download: { ...download, strikeLimit }, strikeLimit, behaviours });
      assertCleanRun(t, run, inputs, label);
      finished++;
    } catch (error) {
      if (!(error instanceof StalledDownloadError)) throw error;
      t.true(hopeless.length > 0, `${label}: stalled with an honest owner of every file: ${error.message}`);
      t.true(
        hopeless.some((name) => error.message.startsWith(`${name} segment `)),
        `${label}: ${error.message}`,
      );
      stalls++;
    }
  }
  t.true(stalls > 0 && finished > 0, `${stalls} stalls, ${finished} finished`);
});
