/**
 * V8's code caches of the bundled build: a run leaves one for the tracker's main thread, one for
 * the peers' main threads and one for each worker; the next run uses them and leaves them as
 * they are. They are what keeps each thread from compiling our code again
 * (docs/decisions/004-v8-code-cache.md). The course and the stage command keep caches of their own.
 */
import test from 'ava';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describeRun, REPO_ROOT } from '../helpers/mpirun.js';
import { assertScenario, runExclusive } from '../helpers/scenario.js';
import { makeFileDataset, PIECE, stageCommand } from '../helpers/stage-data.js';
import { tempDirs } from '../helpers/temp-dirs.js';
import { generateScenario } from '../scenarios/generate.js';

const CACHES = [
  'cli.cjs.tracker.v8-cache',
  'cli.cjs.peer.v8-cache',
  'peer/download.worker.cjs.v8-cache',
  'peer/upload.worker.cjs.v8-cache',
].map((name) => join(REPO_ROOT, 'dist', name));

const STAGE_CACHES = [
  'commands/stage.cjs.tracker.v8-cache',
  'commands/stage.cjs.peer.v8-cache',
  'stage/download.worker.cjs.v8-cache',
  'stage/upload.worker.cjs.v8-cache',
].map((name) => join(REPO_ROOT, 'dist', name));

const freshDir = tempDirs('code-cache');

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

test('a stage job leaves a code cache for each role and thread of its own; the next job uses them as they are', async (t) => {
  for (const cache of STAGE_CACHES) rmSync(cache, { force: true });
  const dir = freshDir();
  makeFileDataset(join(dir, 'data.bin'), 3 * PIECE + 5);
  const stage = () => runExclusive(3, stageCommand(join(dir, 'data.bin'), join(dir, 'out{rank}')));
  const first = await stage();
  t.is(first.code, 0, describeRun(first));
  const written = new Map(STAGE_CACHES.filter(existsSync).map((cache) => [cache, statSync(cache).mtimeMs]));
  t.deepEqual([...written.keys()], STAGE_CACHES, 'every cache was written');
  for (const cache of STAGE_CACHES) t.true(statSync(cache).size > 1000, `${cache} holds compiled code`);

  const second = await stage();
  t.is(second.code, 0, describeRun(second));
  for (const [cache, mtime] of written) t.is(statSync(cache).mtimeMs, mtime, `${cache} was used, not written again`);
});
