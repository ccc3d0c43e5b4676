/**
 * `stage` with bad input: one line naming the rank and the path, exit status 3 (2 for a bad
 * command line), the whole job ends within seconds, and nothing wrong appears at a final name.
 */
import test from 'ava';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeRun } from '../helpers/mpirun.js';
import { runExclusive } from '../helpers/scenario.js';
import { makeFileDataset, makeFolderDataset, PIECE, stageCommand as stage } from '../helpers/stage-data.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('stage-bad');
const LIMIT_MS = 15_000;

async function expectFailure(
  t: import('ava').ExecutionContext,
  np: number,
  command: string[],
  code: number,
  line: RegExp,
): Promise<void> {
  const result = await runExclusive(np, command, { timeoutMs: 30_000 });
  t.is(result.code, code, describeRun(result));
  t.regex(result.stderr, line);
  t.true(result.ms < LIMIT_MS, `ended after ${result.ms} ms`);
}

test('a missing SOURCE: exit 3 naming it', async (t) => {
  const dir = freshDir();
  await expectFailure(
    t,
    2,
    stage(join(dir, 'nope'), join(dir, 'd{rank}')),
    3,
    /^rank 0: .*nope: cannot read: no such file$/m,
  );
});

test('a special file in SOURCE: exit 3 naming it', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'));
  execFileSync('mkfifo', [join(dir, 'src/a/pipe')]);
  await expectFailure(t, 2, stage(join(dir, 'src'), join(dir, 'd{rank}')), 3, /^rank 0: .*src\/a\/pipe: is a FIFO/m);
});

test('a symlink in SOURCE pointing outside it: exit 3 naming it', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'));
  symlinkSync('../../etc', join(dir, 'src/a/escape'));
  await expectFailure(
    t,
    2,
    stage(join(dir, 'src'), join(dir, 'd{rank}')),
    3,
    /^rank 0: .*src\/a\/escape: is a symlink pointing outside/m,
  );
});

test('a DEST that cannot be made: exit 3 naming the rank and the path', async (t) => {
  const dir = freshDir();
  makeFileDataset(join(dir, 'data.bin'), 3 * PIECE);
  writeFileSync(join(dir, 'file'), 'x');
  await expectFailure(
    t,
    3,
    stage(
      join(dir, 'data.bin'),
      join(dir, 'd{rank}'),
      ':',
      '-np',
      '1',
      ...stage(join(dir, 'data.bin'), join(dir, 'file/sub/copy')),
    ).slice(0),
    3,
    /^rank 3: .*file\/sub: a part of the path is not a directory$/m,
  );
});

test('a malformed .torrent: exit 3 naming it', async (t) => {
  const dir = freshDir();
  makeFileDataset(join(dir, 'data.bin'), 3 * PIECE);
  writeFileSync(join(dir, 'bad.torrent'), 'd4:infoi3ee');
  await expectFailure(
    t,
    2,
    [
      'node',
      'dist/main.js',
      'stage',
      join(dir, 'data.bin'),
      join(dir, 'd{rank}'),
      '--torrent',
      join(dir, 'bad.torrent'),
      '--progress',
      'none',
    ],
    3,
    /^rank 0: .*bad\.torrent: /m,
  );
});

test('a .torrent that does not match SOURCE: exit 3 naming the file and the piece, nothing at a final name', async (t) => {
  const dir = freshDir();
  makeFileDataset(join(dir, 'data.bin'), 5 * PIECE + 3);
  const created = spawnSync('node', [
    'dist/main.js',
    'create',
    join(dir, 'data.bin'),
    '-o',
    join(dir, 'data.torrent'),
    '--piece-size',
    '16K',
    '--quiet',
  ]);
  t.is(created.status, 0, String(created.stderr));
  const changed = readFileSync(join(dir, 'data.bin'));
  changed[2 * PIECE + 1]! ^= 0xff;
  writeFileSync(join(dir, 'data.bin'), changed);
  await expectFailure(
    t,
    2,
    [
      'node',
      'dist/main.js',
      'stage',
      join(dir, 'data.bin'),
      join(dir, 'd{rank}/copy'),
      '--torrent',
      join(dir, 'data.torrent'),
      '--progress',
      'none',
    ],
    3,
    /^rank 0: .*data\.bin: piece 3 of this file .* does not match the \.torrent/m,
  );
  t.false(spawnSync('test', ['-e', join(dir, 'd0/copy')]).status === 0, 'no copy at its final name');
});

test('a bad command line: exit 2, said once', async (t) => {
  const dir = freshDir();
  const result = await runExclusive(2, ['node', 'dist/main.js', 'stage', join(dir, 'x'), '--seeders', '0'], {
    timeoutMs: 30_000,
  });
  t.is(result.code, 2, describeRun(result));
  t.is(result.stderr.match(/mpitorrent stage: /g)?.length, 1, result.stderr);
});

test.serial('the disk full at DEST midway: exit 3 naming the rank and the file, nothing at a final name', async (t) => {
  if (process.getuid?.() !== 0) return t.pass('needs root to mount a small tmpfs');
  const dir = freshDir();
  const small = join(dir, 'small');
  mkdirSync(small);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', small], { stdio: 'ignore' });
  } catch {
    return t.pass('this container cannot mount a tmpfs');
  }
  try {
    makeFileDataset(join(dir, 'data.bin'), 5 * 1024 * 1024 + 7);
    await expectFailure(
      t,
      2,
      stage(join(dir, 'data.bin'), join(small, 'd{rank}/copy.bin')),
      3,
      /^rank \d.*copy\.bin.*: no space left on device$/m,
    );
    t.is(
      spawnSync('test', ['-e', join(small, 'd1/copy.bin')]).status,
      1,
      'nothing at the final name of the rank that ran out',
    );
  } finally {
    execFileSync('umount', [small]);
  }
});

test('a DEST inside SOURCE: exit 3 naming the rank and DEST, SOURCE untouched', async (t) => {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'));
  await expectFailure(
    t,
    2,
    stage(join(dir, 'src'), join(dir, 'src/copy{rank}')),
    3,
    /^rank 0: .*src\/copy0: DEST is inside SOURCE/m,
  );
  t.is(spawnSync('test', ['-e', join(dir, 'src/copy1')]).status, 1);
});

test('SOURCE changing while the job reads it: exit 3 naming the file, nothing at a final name', async (t) => {
  const dir = freshDir();
  const source = join(dir, 'growing.bin');
  makeFileDataset(source, 64 * PIECE);
  // Appended to all along, so its size and time differ between any two looks at it.
  const appender = spawn('sh', ['-c', 'while :; do printf x >> "$1"; done', 'sh', source], { stdio: 'ignore' });
  t.teardown(() => appender.kill('SIGKILL'));
  await expectFailure(
    t,
    2,
    stage(source, join(dir, 'd{rank}/copy')),
    3,
    /^rank 0: .*growing\.bin: changed (since the job listed it|while it was read) \(size or modification time\)$/m,
  );
  t.false(spawnSync('test', ['-e', join(dir, 'd0/copy')]).status === 0, 'no copy at its final name');
  t.false(spawnSync('test', ['-e', join(dir, 'd1/copy')]).status === 0, 'no copy at its final name');
});
