/**
 * The course's four official tests, run as its checker does: each folder at np = inputs + 1,
 * every client<R>_<file> compared with out<n>.txt ignoring whitespace (diff -w), within the
 * checker's 20 s. From test/fixtures/course, or from the folder $MPITORRENT_COURSE_TESTS names.
 */
import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../helpers/mpirun.js';
import { assertScenario, loadScenarioDir } from '../helpers/scenario.js';

const OFFICIAL = process.env.MPITORRENT_COURSE_TESTS ?? join(REPO_ROOT, 'test', 'fixtures', 'course');
const CHECKER_LIMIT_MS = 20_000;

const folders = existsSync(OFFICIAL)
  ? readdirSync(OFFICIAL)
      .filter((name) => existsSync(join(OFFICIAL, name, 'in1.txt')))
      .sort()
  : [];

if (folders.length === 0) {
  test.skip(`the course's official tests (${OFFICIAL} is absent)`, () => {});
}

for (const name of folders) {
  test.serial(`official ${name}`, async (t) => {
    const scenario = loadScenarioDir(join(OFFICIAL, name));
    t.true(
      scenario.files.some((file) => file.wanters.length > 0),
      'the test wants something',
    );
    const run = await assertScenario(t, scenario, { compare: 'diff-w', timeoutMs: CHECKER_LIMIT_MS });
    t.true(run.result.ms < CHECKER_LIMIT_MS, `${Math.round(run.result.ms)} ms`);
    t.log(`np ${scenario.np}: ${Math.round(run.result.ms)} ms`);
  });
}
