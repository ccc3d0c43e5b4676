/**
 * The command line under mpirun: --help and --version are said once (by rank 0, not once per
 * rank) and exit 0; a bad command line exits 2 with one line; a job without peers fails clearly.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeRun, REPO_ROOT } from '../helpers/mpirun.js';
import { freshDir, listFiles, mainCommand, ownLines, removeDir, runExclusive } from '../helpers/scenario.js';
import { writeInputs } from '../scenarios/generate.js';

const NP = 4;
const LIMIT_MS = 10_000;

/** Runs main.js with `args` at `np` ranks in a fresh folder holding valid inputs. */
async function run(args: string[], np = NP) {
  const dir = freshDir('cli');
  writeInputs(
    Array.from({ length: np - 1 }, (_, i) => ({ rank: i + 1, text: '0\n0\n' })),
    dir,
  );
  const result = await runExclusive(np, mainCommand(args), { cwd: dir, timeoutMs: 30_000 });
  const files = listFiles(dir);
  removeDir(dir);
  return { result, files, context: describeRun(result) };
}

test('--help prints the usage once and exits 0', async (t) => {
  const alone = execFileSync(process.execPath, mainCommand(['--help']).slice(1), { encoding: 'utf8' });
  t.regex(alone, /^Usage: mpirun -np N node dist\/main\.js \[options\]\n/);
  for (const option of ['--input-dir', '--output-dir', '--stats', '--seed', '--quiet', '--help', '--version']) {
    t.true(alone.includes(option), `the usage mentions ${option}`);
  }
  const { result, context } = await run(['--help']);
  t.is(result.code, 0, context);
  t.is(result.stdout, alone, 'the same text as without mpirun, once');
  t.deepEqual(ownLines(result.stderr), [], context);
  t.true(result.ms < LIMIT_MS, `${Math.round(result.ms)} ms`);
});

test('--version prints the version once and exits 0', async (t) => {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const { result, context } = await run(['--version']);
  t.is(result.code, 0, context);
  t.is(result.stdout, `mpitorrent ${version}\n`, context);
  t.deepEqual(ownLines(result.stderr), [], context);
});

const BAD_COMMAND_LINES: [string, string[], RegExp][] = [
  ['an unknown option', ['--frobnicate'], /^mpitorrent: Unknown option '--frobnicate' \(see --help\)$/],
  ['a bad value', ['--window', '0'], /^mpitorrent: --window takes a whole number from 1 to 2147483647, not "0"$/],
  [
    'a value that is not a number',
    ['--seed', 'abc'],
    /^mpitorrent: --seed takes a whole number from 0 to \d+, not "abc"$/,
  ],
  ['a missing value', ['--stats'], /^mpitorrent: .*--stats.*\(see --help\)$/],
  ['a stray argument', ['extra'], /^mpitorrent: .*'extra'.* \(see --help\)$/],
];

for (const [title, args, line] of BAD_COMMAND_LINES) {
  test(`${title} exits 2 with one line`, async (t) => {
    const { result, files, context } = await run(args);
    t.is(result.code, 2, context);
    const lines = ownLines(result.stderr);
    t.is(lines.length, 1, context);
    t.regex(lines[0] ?? '', line, context);
    t.is(result.stdout, '', context);
    t.true(result.ms < LIMIT_MS, `the job took ${Math.round(result.ms)} ms (limit ${LIMIT_MS} ms)`);
    t.deepEqual(files, ['in1.txt', 'in2.txt', 'in3.txt'], 'nothing written');
    t.log(`${Math.round(result.ms)} ms`);
  });
}

test('one rank (no peers) fails with a clear message', async (t) => {
  const { result, files, context } = await run([], 1);
  t.is(result.code, 2, context);
  t.deepEqual(
    ownLines(result.stderr),
    ['rank 0: needs a tracker and at least one peer: run it with mpirun -np N (N >= 2), not 1 rank'],
    context,
  );
  t.is(result.stdout, '', context);
  t.true(result.ms < LIMIT_MS, `${Math.round(result.ms)} ms`);
  t.deepEqual(files, [], 'nothing written');
});

const MISSING_FOLDERS: [string, string[], string, number][] = [
  ['a missing --output-dir', ['--output-dir', 'nowhere'], 'rank 1: --output-dir nowhere: no such folder', 2],
  ['a missing --input-dir', ['--input-dir', 'nowhere'], 'rank 1: nowhere/in1.txt: cannot read: no such file', 3],
  [
    'a --stats file in a missing folder',
    ['--stats', 'nowhere/stats.json'],
    'rank 0: --stats nowhere/stats.json: no such folder',
    2,
  ],
];

for (const [title, args, line, code] of MISSING_FOLDERS) {
  test(`${title} is said once, at start-up`, async (t) => {
    const { result, files, context } = await run(args);
    t.is(result.code, code, context);
    t.deepEqual(ownLines(result.stderr), [line], context);
    t.is(result.stdout, '', context);
    t.true(result.ms < LIMIT_MS, `${Math.round(result.ms)} ms`);
    t.deepEqual(files, ['in1.txt', 'in2.txt', 'in3.txt'], 'nothing written');
  });
}
