/**
 * The start-up budget (docs/startup.md): on a course-sized job, and on a small stage job,
 * mpitorrent's CPU per rank stays within 1.5 times the Node floor's (bench/floor.mjs: a Node MPI
 * program of the same shape that only starts its workers, inits and finalizes), measured side by
 * side, so a start-up rule that stops paying shows here, whatever the machine's speed or load.
 * Also checks the rules that can be read off the built bundles.
 */
import test, { type ExecutionContext } from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeRun, REPO_ROOT, runMpi } from '../helpers/mpirun.js';
import { exclusive, freshDir, MAIN, mainCommand } from '../helpers/scenario.js';

/** CPU per rank, mpitorrent over the Node floor, at most. */
const BUDGET_RATIO = 1.5;
const ROUNDS = 3;
const DEMO = join(REPO_ROOT, 'examples', 'demo');
const FLOOR = join(REPO_ROOT, 'bench', 'floor.mjs');
const DIST = join(REPO_ROOT, 'dist');

/** Runs `command` on every rank under bash's `time`, which then prints the rank's CPU. */
function timed(command: string[]): string[] {
  const quoted = command.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  return ['bash', '-c', `TIMEFORMAT='rank cpu %3U %3S'; time ${quoted}`];
}

/** Mean CPU seconds per rank (user and system) from the `time` lines. */
function cpuPerRank(stderr: string, np: number): number {
  const children = [...stderr.matchAll(/^rank cpu ([\d.]+) ([\d.]+)$/gm)].map(
    ([, user, system]) => Number(user) + Number(system),
  );
  if (children.length !== np) throw new Error(`expected ${np} ranks' CPU times, found ${children.length}:\n${stderr}`);
  return children.reduce((a, b) => a + b, 0) / np;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs a job from `command()` and the floor, in turns, ROUNDS times each; checks the ratio of the medians. */
async function checkBudget(t: ExecutionContext, np: number, command: () => string[]): Promise<void> {
  const ours: number[] = [];
  const floor: number[] = [];
  await exclusive(async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const run = await runMpi(np, timed(command()), { timeoutMs: 60_000 });
      t.is(run.code, 0, describeRun(run));
      ours.push(cpuPerRank(run.stderr, np));
      const floorRun = await runMpi(np, timed([process.execPath, FLOOR]), { timeoutMs: 60_000 });
      t.is(floorRun.code, 0, describeRun(floorRun));
      floor.push(cpuPerRank(floorRun.stderr, np));
    }
  });
  const ratio = median(ours) / median(floor);
  t.log(
    `CPU per rank: mpitorrent ${median(ours).toFixed(3)} s, Node floor ${median(floor).toFixed(3)} s (x${ratio.toFixed(2)})`,
  );
  t.true(ratio <= BUDGET_RATIO, `mpitorrent ${ours.join(', ')} s against the floor's ${floor.join(', ')} s`);
}

test.serial(`a course job costs at most ${BUDGET_RATIO}x the Node floor's CPU per rank`, (t) =>
  // np 8: the demo's 7 peers and the tracker.
  checkBudget(t, 8, () => mainCommand(['--input-dir', DEMO, '--output-dir', freshDir('budget'), '--quiet'])),
);

// The floor starts no workers on rank 0, where the stage starts two: the stage's ratio holds
// their start too (x1.17-1.24 on a busy 2-core machine; x1.8 before the stage was bundled).
test.serial(`a small stage job costs at most ${BUDGET_RATIO}x the Node floor's CPU per rank`, (t) => {
  const dir = freshDir('budget-stage');
  writeFileSync(join(dir, 'source'), Buffer.alloc(4096, 7));
  return checkBudget(t, 4, () =>
    mainCommand(['stage', join(dir, 'source'), join(freshDir('budget-stage'), '{rank}'), '--progress', 'none']),
  );
});

function bundle(name: string): string {
  return readFileSync(join(DIST, name), 'utf8');
}

/** The course's bundles: the entry, the program and its workers. */
const COURSE_BUNDLES = ['main.js', 'cli.cjs', 'peer/download.worker.cjs', 'peer/upload.worker.cjs'];
/** The stage command's: its program and its workers (the seeding and hashing pools' too). */
const STAGE_BUNDLES = [
  'commands/stage.cjs',
  'stage/download.worker.cjs',
  'stage/upload.worker.cjs',
  'stage/seed.worker.cjs',
  'torrent/hash.worker.cjs',
];
/** The peers' workers, both modes', and the entry that runs them. */
const PEER_WORKERS = [
  'peer/download.worker.cjs',
  'peer/upload.worker.cjs',
  'stage/download.worker.cjs',
  'stage/upload.worker.cjs',
  'peer/cached-worker.cjs',
];
const ALL_BUNDLES = [...COURSE_BUNDLES, ...STAGE_BUNDLES, 'peer/cached-worker.cjs'];

/** The modules of src/ in a bundle: esbuild heads each module it takes in with `// src/<path>.ts`. */
function modulesIn(name: string): string[] {
  return [...new Set([...bundle(name).matchAll(/^\/\/ src\/(\S+\.ts)$/gm)].map(([, module]) => module!))];
}

test("the build runs bundles: the entry loads the CLI bundle, or the stage command's, with the code cache", (t) => {
  t.regex(readFileSync(MAIN, 'utf8'), /cli\.cjs/);
  t.regex(readFileSync(MAIN, 'utf8'), /commands\/stage\.cjs/);
  for (const name of ALL_BUNDLES) t.notThrows(() => bundle(name), `dist/${name}`);
});

test("the course's bundles hold no stage, storage or torrent module, and the stage's none of the course's own", (t) => {
  for (const name of COURSE_BUNDLES) {
    t.deepEqual(
      modulesIn(name).filter((module) => /^(stage|storage|torrent)\//.test(module)),
      [],
      name,
    );
  }
  const courseOnly = /^(commands\/course|peer\/(peer|course-setup|payload|store)|io\/(input|output))\.ts$/;
  for (const name of STAGE_BUNDLES) {
    t.deepEqual(
      modulesIn(name).filter((module) => courseOnly.test(module)),
      [],
      name,
    );
  }
});

test("worker bundles load neither perf_hooks, node:module nor node:url, and peers' workers take their setup without a message listener", (t) => {
  for (const name of [...PEER_WORKERS, 'stage/seed.worker.cjs', 'torrent/hash.worker.cjs']) {
    const code = bundle(name);
    t.notRegex(code, /performance\.now|perf_hooks/, name);
    t.notRegex(code, /require\("(node:)?(module|url)"\)/, name);
  }
  for (const name of PEER_WORKERS) t.notRegex(bundle(name), /parentPort\.on\(|\.on\("message"/, name);
});

test("only the workers that hash load node:crypto (the stage's download worker checks every piece)", (t) => {
  for (const name of [
    'peer/download.worker.cjs',
    'peer/upload.worker.cjs',
    'stage/upload.worker.cjs',
    'peer/cached-worker.cjs',
  ]) {
    t.notRegex(bundle(name), /require\("(node:)?crypto"\)/, name);
  }
});

test('every bundle is ASCII, so V8 decodes it at full speed', (t) => {
  for (const name of ALL_BUNDLES) {
    // eslint-disable-next-line no-control-regex -- beyond ASCII: the range starts at NUL on purpose
    t.false(/[^\x00-\x7f]/.test(bundle(name)), name);
  }
});
