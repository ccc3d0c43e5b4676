#!/usr/bin/env node
/**
 * mpitorrent's entry. A first word naming a command (commands/registry.ts) runs that command;
 * anything else is the course swarm, `mpirun -np N node dist/main.js [options]` (cli.ts).
 * Bundled, this entry runs cli.ts's CommonJS bundle with V8's code cache (launch/code-cache.ts),
 * as the workers' entry runs theirs: one cache for the tracker's rank and one for the peers',
 * since each compiles its own part of the program.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { findSubcommand } from './commands/registry.js';
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

const subcommand = findSubcommand(process.argv[2]);
if (subcommand !== undefined) process.exit(await (await subcommand.load()).main(process.argv.slice(3)));
const cli = bundled ? loadBundledCli() : await import('./cli.js');
await cli.main();
