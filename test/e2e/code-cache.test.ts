/**
 * V8's code caches of the bundled build: a run leaves one for the tracker's main thread, one for
 * the peers' main threads and one for each worker; the next run uses them and leaves them as
 * they are. They are what keeps each thread from compiling our code again
 * (docs/decisions/004-v8-code-cache.md).
 */
import test from 'ava';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../helpers/mpirun.js';
import { assertScenario } from '../helpers/scenario.js';
import { generateScenario } from '../scenarios/generate.js';

const CACHES = [
  'cli.cjs.tracker.v8-cache',
  'cli.cjs.peer.v8-cache',
  'peer/download.worker.cjs.v8-cache',
  'peer/upload.worker.cjs.v8-cache',
].map((name) => join(REPO_ROOT, 'dist', name));

test('a run leaves a code cache for each role and thread; the next run uses them as they are', async (t) => {
  for (const cache of CACHES) rmSync(cache, { force: true });
  const scenario = generateScenario('course', 3);
  await assertScenario(t, scenario, { args: ['--quiet'] });
  const written = new Map(CACHES.filter(existsSync).map((cache) => [cache, statSync(cache).mtimeMs]));
  t.deepEqual([...written.keys()], CACHES, 'every cache was written');
  for (const cache of CACHES) t.true(statSync(cache).size > 1000, `${cache} holds compiled code`);

  await assertScenario(t, scenario, { args: ['--quiet'] });
  for (const [cache, mtime] of written) t.is(statSync(cache).mtimeMs, mtime, `${cache} was used, not written again`);
});
