import { once } from 'node:events';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import test from 'ava';

import { codeCacheEnabled, runWithCodeCache } from '../../src/launch/code-cache.js';
import { startTsWorker } from '../mpi/fixtures/lib/ts-worker.js';

interface Outcome {
  cache: string;
  exports: unknown;
  saved: boolean;
  error?: string;
}

// Each load in a fresh thread, as each worker of a run is: V8 then really reads the cache.
async function loadInThread(file: string, enabled = true, cacheFile?: string): Promise<Outcome> {
  const worker = startTsWorker(new URL('./fixtures/run-with-code-cache.ts', import.meta.url), {
    workerData: { file, enabled, cacheFile },
  });
  // Listening for the exit from the start: a worker that ends right after posting can have its
  // message delivered during its exit, with 'exit' emitted before a later listener is attached.
  const exited = once(worker, 'exit');
  const [outcome] = (await once(worker, 'message')) as [Outcome];
  await exited;
  if (outcome.error !== undefined) throw new Error(outcome.error);
  return outcome;
}

function bundle(t: { teardown(fn: () => void): void }, source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mpitorrent-code-cache-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'bundle.cjs');
  writeFileSync(file, source);
  return file;
}

const SOURCE = `'use strict';
const path = require('node:path');
function twice(x) { return 2 * x; }
module.exports = { answer: twice(21), base: path.basename(__filename), dir: __dirname === path.dirname(__filename) };
`;

test('the first run compiles and saves a cache; the next one uses it, with the same result', async (t) => {
  const file = bundle(t, SOURCE);
  const first = await loadInThread(file);
  t.is(first.cache, 'missing');
  t.deepEqual(first.exports, { answer: 42, base: 'bundle.cjs', dir: true });
  t.true(first.saved);
  t.true(existsSync(`${file}.v8-cache`));
  const second = await loadInThread(file);
  t.is(second.cache, 'used');
  t.deepEqual(second.exports, first.exports);
  t.false(second.saved, 'a cache holding no more than the one there is not written again');
});

test('callers running different parts of one bundle keep a cache each', async (t) => {
  const file = bundle(t, SOURCE);
  const [one, two] = [`${file}.one.v8-cache`, `${file}.two.v8-cache`];
  t.is((await loadInThread(file, true, one)).cache, 'missing');
  t.true(existsSync(one));
  t.false(existsSync(`${file}.v8-cache`));
  t.is((await loadInThread(file, true, two)).cache, 'missing', 'the other cache is not read');
  const sizeOfOne = statSync(one).size;
  t.is((await loadInThread(file, true, one)).cache, 'used');
  t.is((await loadInThread(file, true, two)).cache, 'used');
  t.is(statSync(one).size, sizeOfOne);
});

test('a cache that does not fit the source is rejected, removed and replaced', async (t) => {
  const file = bundle(t, SOURCE);
  await loadInThread(file);
  // The same length (all V8 checks) and a later time, as a rebuild a second later gives.
  writeFileSync(file, SOURCE.replace('2 * x', 'x + x'));
  const later = new Date(Date.now() + 1000);
  utimesSync(file, later, later);
  const changed = await loadInThread(file);
  t.is(changed.cache, 'rejected');
  t.deepEqual(changed.exports, { answer: 42, base: 'bundle.cjs', dir: true });
  t.true(changed.saved);
  t.is((await loadInThread(file)).cache, 'used');
});

test('garbage in the cache file is rejected, not run', async (t) => {
  const file = bundle(t, SOURCE);
  await loadInThread(file);
  const cache = readFileSync(`${file}.v8-cache`);
  for (const garbage of [
    Buffer.alloc(4096, 7),
    Buffer.concat([cache.subarray(0, cache.indexOf(10) + 1), Buffer.alloc(4096, 7)]),
  ]) {
    writeFileSync(`${file}.v8-cache`, garbage);
    const outcome = await loadInThread(file);
    t.is(outcome.cache, 'rejected');
    t.is((outcome.exports as { answer: number }).answer, 42);
  }
});

test('turned off, it neither reads nor writes a cache', async (t) => {
  const file = bundle(t, SOURCE);
  writeFileSync(`${file}.v8-cache`, 'not a cache');
  const outcome = await loadInThread(file, false);
  t.is(outcome.cache, 'off');
  t.is(readFileSync(`${file}.v8-cache`, 'utf8'), 'not a cache');
  t.false(codeCacheEnabled({ MPITORRENT_CODE_CACHE: 'off' }));
  t.true(codeCacheEnabled({}));
});

test("errors keep the bundle's own line numbers", (t) => {
  const file = bundle(t, "'use strict';\n\nthrow new Error('line three');\n");
  const error = t.throws(() => runWithCodeCache(file, { require: createRequire(file), enabled: false }));
  t.regex(error.stack ?? '', new RegExp(`${path.basename(file)}:3\\b`));
});

test('a folder that cannot take the cache is no error: nothing is saved', (t) => {
  const file = bundle(t, SOURCE);
  const loaded = runWithCodeCache(file, { require: createRequire(file), enabled: true });
  rmSync(path.dirname(file), { recursive: true, force: true });
  t.false(loaded.save());
  t.false(existsSync(path.dirname(file)));
  t.is(statSync(tmpdir()).isDirectory(), true);
});

async function endThread(file: string, code: number, worth: boolean): Promise<void> {
  const worker = startTsWorker(new URL('./fixtures/save-code-cache-at-exit.ts', import.meta.url), {
    workerData: { file, code, worth },
  });
  await once(worker, 'exit');
}

test('a thread saves the cache as it ends only when it ends well and the run is worth it', async (t) => {
  const file = bundle(t, SOURCE);
  await endThread(file, 3, true);
  t.false(existsSync(`${file}.v8-cache`), 'a failed run');
  await endThread(file, 0, false);
  t.false(existsSync(`${file}.v8-cache`), 'a run not worth it (a usage printed)');
  await endThread(file, 0, true);
  t.true(existsSync(`${file}.v8-cache`));
});
