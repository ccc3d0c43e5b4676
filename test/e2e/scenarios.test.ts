/**
 * Generated scenarios end to end: every wanted file arrives intact at every peer that wants it,
 * and nothing else is left in the folder (see test/helpers/scenario.ts for what is checked).
 */
import test from 'ava';

import { assertScenario } from '../helpers/scenario.js';
import { generateScenario, type Preset } from '../scenarios/generate.js';

function scenarioTest(preset: Preset, seed: number, timeoutMs = 60_000): void {
  const scenario = generateScenario(preset, seed);
  test.serial(`${preset} seed ${seed} (np ${scenario.np}, ${scenario.files.length} files)`, async (t) => {
    t.timeout(timeoutMs + 10_000);
    const run = await assertScenario(t, scenario, { timeoutMs });
    t.log(`${Math.round(run.result.ms)} ms`);
  });
}

for (const seed of [1, 2, 3, 4]) scenarioTest('course', seed);
scenarioTest('seed10', 1);
scenarioTest('mixed15', 1);
scenarioTest('nasty', 1);
