/**
 * The big scenario, beyond the course's caps: 40 files of 2000 segments at 30 ranks, each file
 * wanted by 2 to 4 peers (about 240,000 segments moved). Run once; on a 2-core machine it takes
 * tens of seconds, hence the generous limit.
 */
import test from 'ava';

import { assertScenario } from '../helpers/scenario.js';
import { BIG, generateScenario, wantedSegments } from '../scenarios/generate.js';

const LIMIT_MS = 300_000;

test('big: 40 files of 2000 segments, 30 ranks', async (t) => {
  t.timeout(LIMIT_MS + 60_000);
  const scenario = generateScenario('big', 1);
  t.is(scenario.np, BIG.np);
  t.is(scenario.files.length, BIG.files);
  const run = await assertScenario(t, scenario, { timeoutMs: LIMIT_MS });
  t.log(`${wantedSegments(scenario)} segments moved in ${(run.result.ms / 1000).toFixed(1)} s`);
  t.log(run.result.stdout.trim());
});
