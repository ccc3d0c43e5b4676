/**
 * The start-up budget (docs/startup.md): on a course-sized job, mpitorrent's CPU per rank stays
 * within 1.5 times the Node floor's (bench/floor.mjs: a Node MPI program of the same shape that
 * only starts its workers, inits and finalizes), measured side by side, so a start-up rule that
 * stops paying shows here, whatever the machine's speed or load. Also checks the rules that can
 * be read off the built bundles.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeRun, REPO_ROOT, runMpi } from '../helpers/mpirun.js';
import { exclusive, freshDir, MAIN, mainCommand } from '../helpers/scenario.js';

/** CPU per rank, mpitorrent over the Node floor, at most. */
const BUDGET_RATIO = 1.5;
const ROUNDS = 3;
const DEMO = join(REPO_ROOT, 'examples', 'demo');
const NP = 8; // the demo's 7 peers and the tracker
const FLOOR = join(REPO_ROOT, 'bench', 'floor.mjs');
const DIST = join(REPO_ROOT, 'dist');

/** Runs `command` on every rank under bash's `time`, which then prints the rank's CPU. */
function timed(command: string[]): string[] {
  const quoted = command.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  return ['bash', '-c', `TIMEFORMAT='rank cpu %3U %3S'; time ${quoted}`];
}

/** Mean CPU seconds per rank (user and system) from the `time` lines. */
function cpuPerRank(stderr: string): number {
  const children = [...stderr.matchAll(/^rank cpu ([\d.]+) ([\d.]+)$/gm)].map(
    ([, user, system]) => Number(user) + Number(system),
  );
  if (children.length !== NP) throw new Error(`expected ${NP} ranks' CPU times, found ${children.length}:\n${stderr}`);
  return children.reduce((a, b) => a + b, 0) / NP;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test.serial(`a course job costs at most ${BUDGET_RATIO}x the Node floor's CPU per rank`, async (t) => {
  const ours: number[] = [];
  const floor: number[] = [];
  await exclusive(async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const output = freshDir('budget');
      const run = await runMpi(NP, timed(mainCommand(['--input-dir', DEMO, '--output-dir', output, '--quiet'])), {
        timeoutMs: 60_000,
      });
      t.is(run.code, 0, describeRun(run));
      ours.push(cpuPerRank(run.stderr));
      const floorRun = await runMpi(NP, timed([process.execPath, FLOOR]), { timeoutMs: 60_000 });
      t.is(floorRun.code, 0, describeRun(floorRun));
      floor.push(cpuPerRank(floorRun.stderr));
    }
  });
  const ratio = median(ours) / median(floor);
  t.log(
    `CPU per rank: mpitorrent ${median(ours).toFixed(3)} s, Node floor ${median(floor).toFixed(3)} s (x${ratio.toFixed(2)})`,
  );
  t.true(ratio <= BUDGET_RATIO, `mpitorrent ${ours.join(', ')} s against the floor's ${floor.join(', ')} s`);
});

function bundle(name: string): string {
  return readFileSync(join(DIST, name), 'utf8');
}

test('the build runs bundles: the entry loads the CLI bundle with the code cache', (t) => {
  t.regex(readFileSync(MAIN, 'utf8'), /cli\.cjs/);
  for (const name of ['cli.cjs', 'peer/download.worker.cjs', 'peer/upload.worker.cjs', 'peer/cached-worker.cjs']) {
    t.notThrows(() => bundle(name), `dist/${name}`);
  }
});

test('worker bundles load neither perf_hooks, node:module nor node:url, and take their setup without a message listener', (t) => {
  for (const name of ['peer/download.worker.cjs', 'peer/upload.worker.cjs', 'peer/cached-worker.cjs']) {
    const code = bundle(name);
    t.notRegex(code, /performance\.now|perf_hooks/, name);
    t.notRegex(code, /require\("(node:)?(module|url)"\)/, name);
    t.notRegex(code, /parentPort\.on\(|\.on\("message"/, name);
  }
});

test('every bundle is ASCII, so V8 decodes it at full speed', (t) => {
  for (const name of [
    'main.js',
    'cli.cjs',
    'peer/download.worker.cjs',
    'peer/upload.worker.cjs',
    'peer/cached-worker.cjs',
  ]) {
    // eslint-disable-next-line no-control-regex -- beyond ASCII: the range starts at NUL on purpose
    t.false(/[^\x00-\x7f]/.test(bundle(name)), name);
  }
});
