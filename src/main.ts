#!/usr/bin/env node
/**
 * mpitorrent's command: `mpirun -np N node dist/main.js [options]`; the program is cli.ts.
 * Bundled, this entry runs cli.ts's CommonJS bundle with V8's code cache (launch/code-cache.ts), as the
 * workers' entry runs theirs: one cache for the tracker's rank and one for the peers', since
 * each compiles its own part of the program.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { bundled } from './launch/bundled.js';
import { runWithCodeCache, saveWhenThreadEnds } from './launch/code-cache.js';
import { launcherRank } from './mpi/launcher.js';

type Cli = typeof import('./cli.js');

function loadBundledCli(): Cli {
  const file = join(import.meta.dirname, 'cli.cjs');
  const role = launcherRank() === '0' ? 'tracker' : 'peer';
  const loaded = runWithCodeCache(file, { require: createRequire(file), cacheFile: `${file}.${role}.v8-cache` });
  saveWhenThreadEnds(loaded);
  return loaded.exports as Cli;
}

const cli = bundled ? loadBundledCli() : await import('./cli.js');
await cli.main();
