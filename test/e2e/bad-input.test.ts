/**
 * Bad input files end the whole job quickly with exit status 3 and one clear line on stderr,
 * `rank R: inR.txt line L: ...`, naming the peer at fault, its file and the line, whichever rank
 * found the problem (the peer itself, or the tracker for problems across peers). mpirun's own
 * lines (its banners between dashed lines, its `[host:pid] ...` notices) may surround it; nothing
 * else may: no second rank's error, no warning, no stack trace. No client file is written.
 */
import test from 'ava';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeRun } from '../helpers/mpirun.js';
import { freshDir, listFiles, mainCommand, ownLines, removeDir, runExclusive } from '../helpers/scenario.js';
import { writeInputs } from '../scenarios/generate.js';

/** A valid, distinct hash per number. */
const hash = (n: number): string => n.toString(16).padStart(32, '0');
const H = [hash(0x11), hash(0x12), hash(0x13)]; // f1, owned by rank 1
const G = [hash(0x21), hash(0x22)]; // f2, owned by rank 2

/**
 * The valid base (np 4). Line numbers matter: each mutation below names its line.
 *   in1.txt            in2.txt            in3.txt
 *   1  1               1  1               1  0
 *   2  f1 3            2  f2 2            2  2
 *   3-5 H[0..2]        3-4 G[0..1]        3  f1
 *   6  1               5  1               4  f2
 *   7  f2              6  f1
 */
const BASE: Record<number, string> = {
  1: ['1', 'f1 3', ...H, '1', 'f2', ''].join('\n'),
  2: ['1', 'f2 2', ...G, '1', 'f1', ''].join('\n'),
  3: ['0', '2', 'f1', 'f2', ''].join('\n'),
};

interface Case {
  title: string;
  /** Replaces some inputs; undefined removes the file. */
  inputs: Record<number, string | undefined>;
  /** The one line our program must print. */
  line: string;
}

const CASES: Case[] = [
  {
    title: 'a missing input file',
    inputs: { 3: undefined },
    line: 'rank 3: in3.txt: cannot read: no such file',
  },
  {
    title: 'a count that is not a number',
    inputs: { 2: ['1', 'f2 two', ...G, '1', 'f1', ''].join('\n') },
    line: 'rank 2: in2.txt line 2: number of segments of f2 "two" is not a non-negative integer',
  },
  {
    title: 'a segment count larger than the hashes listed',
    inputs: { 2: ['1', 'f2 3', ...G, '1', 'f1', ''].join('\n') },
    line:
      'rank 2: in2.txt line 5: hash "1" of f2 segment 3 is not 32 hex characters ' +
      '(line 2 announces 3 segments of f2, found 2 hashes)',
  },
  {
    title: 'a number of owned files larger than listed',
    inputs: { 3: ['3', '2', 'f1', 'f2', ''].join('\n') },
    line:
      'rank 3: in3.txt line 3: number of segments of 2 "f1" is not a non-negative integer ' +
      '(is the number of owned files on line 1 too large?)',
  },
  {
    title: 'a hash of 31 hex characters',
    inputs: { 2: ['1', 'f2 2', G[0], G[1]!.slice(1), '1', 'f1', ''].join('\n') },
    line: `rank 2: in2.txt line 4: hash "${G[1]!.slice(1)}" of f2 segment 2 is not 32 hex characters`,
  },
  {
    title: 'a hash with a character that is not hex',
    inputs: { 1: ['1', 'f1 3', H[0], `${H[1]!.slice(0, 31)}g`, H[2], '1', 'f2', ''].join('\n') },
    line: `rank 1: in1.txt line 4: hash "${H[1]!.slice(0, 31)}g" of f1 segment 2 is not 32 hex characters`,
  },
  {
    title: 'a file listed twice as owned',
    inputs: { 2: ['2', 'f2 2', ...G, 'f2 0', '1', 'f1', ''].join('\n') },
    line: 'rank 2: in2.txt line 5: f2 is listed twice as owned (first on line 2)',
  },
  {
    title: 'a file listed twice as wanted',
    inputs: { 3: ['0', '3', 'f1', 'f2', 'f1', ''].join('\n') },
    line: 'rank 3: in3.txt line 5: f1 is listed twice as wanted (first on line 3)',
  },
  {
    title: 'the same file with different hashes at two owners',
    inputs: { 3: ['1', 'f1 3', H[0], hash(0x99), H[2], '1', 'f2', ''].join('\n') },
    line:
      `rank 3: in3.txt line 2: f1 differs from the copy in in1.txt line 2 (rank 1): ` +
      `segment 2 has hash ${hash(0x99)} instead of ${H[1]}`,
  },
  {
    title: 'the same file with a different number of segments at two owners',
    inputs: { 3: ['1', 'f1 2', H[0], H[1], '1', 'f2', ''].join('\n') },
    line: 'rank 3: in3.txt line 2: f1 differs from the copy in in1.txt line 2 (rank 1): 2 segments instead of 3',
  },
  {
    title: 'a name with "/"',
    inputs: { 2: ['1', 'sub/f2 2', ...G, '1', 'f1', ''].join('\n') },
    line: 'rank 2: in2.txt line 2: file name "sub/f2" contains "/"',
  },
  {
    title: 'a name with ".."',
    inputs: { 3: ['0', '2', 'f1', '..', ''].join('\n') },
    line: 'rank 3: in3.txt line 4: file name ".." contains ".."',
  },
  {
    title: 'a name with a control character',
    inputs: { 3: ['0', '2', 'f1', 'f\x1b2', ''].join('\n') },
    line: 'rank 3: in3.txt line 4: file name "f\\u001b2" contains the control character U+001B',
  },
  {
    title: 'a wanted file nobody owns',
    inputs: { 3: ['0', '3', 'f1', 'f2', 'ghost', ''].join('\n') },
    line: 'rank 3: in3.txt line 5: wants ghost, which no peer owns',
  },
  {
    title: 'a wanted file the peer owns',
    inputs: { 2: ['1', 'f2 2', ...G, '2', 'f1', 'f2', ''].join('\n') },
    line: 'rank 2: in2.txt line 7: f2 is wanted but already owned (line 2)',
  },
  {
    title: 'text after the wanted list',
    inputs: { 3: ['0', '2', 'f1', 'f2', 'f3', ''].join('\n') },
    line: 'rank 3: in3.txt line 5: unexpected "f3" after the wanted list (line 2 announces 2 wanted files)',
  },
];

const LIMIT_MS = 10_000;

test('the base scenario is valid (so each failure below comes from its one change)', async (t) => {
  const dir = freshDir('bad-input');
  writeInputs(
    Object.entries(BASE).map(([rank, text]) => ({ rank, text })),
    dir,
  );
  const result = await runExclusive(4, mainCommand(['--quiet']), { cwd: dir, timeoutMs: 30_000 });
  t.is(result.code, 0, describeRun(result));
  t.deepEqual(listFiles(dir), [
    'client1_f2',
    'client2_f1',
    'client3_f1',
    'client3_f2',
    'in1.txt',
    'in2.txt',
    'in3.txt',
  ]);
  removeDir(dir);
});

for (const { title, inputs, line } of CASES) {
  test(title, async (t) => {
    const dir = freshDir('bad-input');
    const written: string[] = [];
    for (const [rank, text] of Object.entries({ ...BASE, ...inputs })) {
      const path = join(dir, `in${rank}.txt`);
      if (text === undefined) {
        rmSync(path, { force: true });
      } else {
        writeFileSync(path, text);
        written.push(`in${rank}.txt`);
      }
    }
    // A generous hard limit, so a hang shows as a failed bound rather than as the harness's kill.
    const result = await runExclusive(4, mainCommand(), { cwd: dir, timeoutMs: 30_000 });
    // On failure the folder is kept (assertions throw before removeDir): it is named here.
    const context = `in ${dir}: the job ${describeRun(result)}`;
    t.is(result.code, 3, context);
    t.deepEqual(ownLines(result.stderr), [line], context);
    t.is(result.stdout, '', context);
    t.true(result.ms < LIMIT_MS, `the job took ${Math.round(result.ms)} ms (limit ${LIMIT_MS} ms)`);
    t.deepEqual(listFiles(dir), written.sort(), 'only the inputs are left: no client file, no temporary file');
    t.log(`${Math.round(result.ms)} ms`);
    removeDir(dir);
  });
}
