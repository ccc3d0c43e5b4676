#!/usr/bin/env node
// `npm start`: runs the bundled demo swarm (or the scenario folder given) under mpirun and
// checks every output against the hashes the owners listed; then stages a real folder (the
// project's docs/) to 4 destinations with a .torrent made by `create`, and compares every copy
// with the original byte for byte.
//   node examples/run.js [SCENARIO_DIR] [-- extra mpitorrent options for the course swarm]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
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
const command = [
  ...launcherArgs,
  '-np',
  String(np),
  process.execPath,
  join(root, 'dist', 'main.js'),
  '--input-dir',
  scenario,
  '--output-dir',
  output,
  ...extra,
];
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

// A real folder onto every "node": here each rank gets its own destination through {rank}.
const main = join(root, 'dist', 'main.js');
const folder = join(root, 'docs');
const torrent = join(output, 'docs.torrent');
const stageRanks = 4;
function runShown(file, args) {
  console.log(`$ ${file} ${args.join(' ')}`);
  const result = spawnSync(file, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
runShown(process.execPath, [main, 'create', folder, '-o', torrent]);
runShown(launcher, [
  ...launcherArgs,
  '-np',
  String(stageRanks),
  process.execPath,
  main,
  'stage',
  folder,
  join(output, 'stage', '{rank}'),
  '--torrent',
  torrent,
  '--progress',
  'none',
]);

/** Paths under `dir` whose copy under `copy` differs: content, kind or symlink target. */
function differences(dir, copy, path = '') {
  const from = lstatSync(join(dir, path));
  let to;
  try {
    to = lstatSync(join(copy, path));
  } catch {
    return [path || '.'];
  }
  if (from.isDirectory()) {
    if (!to.isDirectory()) return [path];
    const names = readdirSync(join(dir, path));
    if (names.length !== readdirSync(join(copy, path)).length) return [path || '.'];
    return names.flatMap((name) => differences(dir, copy, join(path, name)));
  }
  if (from.isSymbolicLink())
    return to.isSymbolicLink() && readlinkSync(join(dir, path)) === readlinkSync(join(copy, path)) ? [] : [path];
  return to.isFile() && readFileSync(join(dir, path)).equals(readFileSync(join(copy, path))) ? [] : [path];
}
for (let rank = 0; rank < stageRanks; rank++) {
  const wrongCopies = differences(folder, join(output, 'stage', String(rank)));
  if (wrongCopies.length > 0) {
    console.error(`copy of rank ${rank}: wrong or missing: ${wrongCopies.join(', ')}`);
    process.exit(1);
  }
}
console.log(`all ${stageRanks} copies of ${folder} verified byte for byte in ${join(output, 'stage')}`);
