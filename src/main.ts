#!/usr/bin/env node
/**
 * mpitorrent's entry. A first word naming a command (commands/registry.ts) runs that command;
 * anything else is the course swarm, `mpirun -np N node dist/main.js [options]` (cli.ts).
 * Bundled, this entry runs cli.ts's CommonJS bundle, or the command's own (stage's), with V8's
 * code cache (launch/code-cache.ts), as the workers' entry runs theirs: one cache for rank 0
 * (the tracker) and one for the other ranks, since each compiles its own part of the program.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { findSubcommand, type CommandModule, type Subcommand } from './commands/registry.js';
import { bundled } from './launch/bundled.js';
import { runWithCodeCache, saveWhenThreadEnds } from './launch/code-cache.js';
import { launcherRank } from './mpi/launcher.js';

type Cli = typeof import('./cli.js');

/** Runs one of the bundles (`name`: a path from dist/) with the code cache of this rank's role. */
function runBundle(name: string): unknown {
  const file = join(import.meta.dirname, name);
  const role = launcherRank() === '0' ? 'tracker' : 'peer';
  const loaded = runWithCodeCache(file, { require: createRequire(file), cacheFile: `${file}.${role}.v8-cache` });
  // Only a job's rank makes a cache worth keeping: `node dist/main.js --help` runs little code.
  saveWhenThreadEnds(loaded, () => launcherRank() !== undefined);
  return loaded.exports;
}

function loadCommand(subcommand: Subcommand): Promise<CommandModule> {
  if (bundled && subcommand.bundle !== undefined) return Promise.resolve(runBundle(subcommand.bundle) as CommandModule);
  return subcommand.load();
}

const subcommand = findSubcommand(process.argv[2]);
if (subcommand !== undefined) process.exit(await (await loadCommand(subcommand)).main(process.argv.slice(3)));
const cli = bundled ? (runBundle('cli.cjs') as Cli) : await import('./cli.js');
await cli.main();
