#!/usr/bin/env node
// `npm start`: runs the bundled demo swarm (or the scenario folder given) under mpirun, then
// checks every output against the hashes the owners listed.
//   node examples/run.js [SCENARIO_DIR] [-- extra mpitorrent options]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const separator = process.argv.indexOf('--');
const args = separator < 0 ? process.argv.slice(2) : process.argv.slice(2, separator);
const extra = separator < 0 ? [] : process.argv.slice(separator + 1);
const scenario = resolve(args[0] ?? join(root, 'examples', 'demo'));
const output = join(root, 'examples', 'output');

const inputs = readdirSync(scenario).filter((name) => /^in\d+\.txt$/.test(name));
const np = inputs.length + 1;
if (inputs.length === 0) {
  console.error(`no in<R>.txt in ${scenario}`);
  process.exit(2);
}

const launcher = process.env.MPIRUN || 'mpirun';
let version;
try {
  version = execFileSync(launcher, ['--version'], { encoding: 'utf8' });
} catch {
  console.error(`cannot run ${launcher}: install Open MPI (apt-get install openmpi-bin libopenmpi-dev) or set MPIRUN`);
  process.exit(1);
}
// Open MPI refuses more ranks than cores unless told; MPICH's hydra needs nothing.
const launcherArgs = /Open MPI|OpenRTE/.test(version) ? ['--oversubscribe'] : [];

rmSync(output, { recursive: true, force: true });
mkdirSync(output, { recursive: true });
const command = [...launcherArgs, '-np', String(np), process.execPath, join(root, 'dist', 'main.js'),
  '--input-dir', scenario, '--output-dir', output, ...extra];
console.log(`$ ${launcher} ${command.join(' ')}`);
const run = spawnSync(launcher, command, { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

// Every wanted file must hold the owner's hashes, one per line.
const tokens = (path) => readFileSync(path, 'utf8').split(/\s+/).filter(Boolean);
const owned = new Map();
const wanted = [];
for (const name of inputs) {
  const rank = Number(name.slice(2, -4));
  const words = tokens(join(scenario, name));
  let at = 0;
  for (let files = Number(words[at++]); files > 0; files--) {
    const file = words[at++];
    const count = Number(words[at++]);
    owned.set(file, words.slice(at, at + count));
    at += count;
  }
  for (let files = Number(words[at++]); files > 0; files--) wanted.push([rank, words[at++]]);
}
const wrong = wanted.filter(([rank, file]) => {
  const path = join(output, `client${rank}_${file}`);
  return !existsSync(path) || tokens(path).join('\n') !== owned.get(file).join('\n');
});
if (wrong.length > 0) {
  console.error(`wrong or missing: ${wrong.map(([rank, file]) => `client${rank}_${file}`).join(', ')}`);
  process.exit(1);
}
console.log(`all ${wanted.length} downloaded files verified in ${output}`);
