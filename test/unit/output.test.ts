import test from 'ava';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInput } from '../../src/io/input.js';
import { outputFileName, writeOutputFile } from '../../src/io/output.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const OFFICIAL = fileURLToPath(new URL('../../../shared/conformance/official', import.meta.url));

function hash(n: number): string {
  return n.toString(16).padStart(32, '0');
}

const freshDir = tempDirs('output');

test('output file names', (t) => {
  t.is(outputFileName(3, 'file1'), 'client3_file1');
  t.is(outputFileName(12, 'a.txt'), 'client12_a.txt');
  t.throws(() => outputFileName(-1, 'file1'), { instanceOf: RangeError });
});

test('writes the hashes in order, one per line, each ending with a newline', (t) => {
  const dir = freshDir();
  const hashes = [hash(1), 'ABCDEF0123456789abcdef0123456789', hash(3)];
  const path = writeOutputFile(dir, 3, 'file1', hashes);
  t.is(path, join(dir, 'client3_file1'));
  t.is(readFileSync(path, 'utf8'), `${hashes.join('\n')}\n`);
  t.deepEqual(readdirSync(dir), ['client3_file1']);
});

test('a file with no segments is an empty file', (t) => {
  const dir = freshDir();
  t.is(readFileSync(writeOutputFile(dir, 1, 'empty', []), 'utf8'), '');
});

test('writes big files whole', (t) => {
  const dir = freshDir();
  const hashes = Array.from({ length: 5000 }, (_, i) => hash(i));
  const text = readFileSync(writeOutputFile(dir, 2, 'big', hashes), 'utf8');
  t.is(text.length, 5000 * 33);
  t.deepEqual(text.split('\n').slice(0, -1), hashes);
});

test('a name as long as the file system allows (255 bytes with client<R>_)', (t) => {
  const dir = freshDir();
  const name = 'é'.repeat(100) + 'x'.repeat(47); // 247 bytes in UTF-8
  t.is(Buffer.byteLength(outputFileName(3, name)), 255);
  writeOutputFile(dir, 3, name, [hash(1)]);
  t.deepEqual(readdirSync(dir), [outputFileName(3, name)]);
});

test('replaces an existing file and leaves no temporary file', (t) => {
  const dir = freshDir();
  writeFileSync(join(dir, 'client3_file1'), 'old content that is longer than the new one\n'.repeat(100));
  writeOutputFile(dir, 3, 'file1', [hash(7)]);
  t.is(readFileSync(join(dir, 'client3_file1'), 'utf8'), `${hash(7)}\n`);
  t.deepEqual(readdirSync(dir), ['client3_file1']);
});

test('a failed write keeps what was there and leaves no temporary file', (t) => {
  const dir = freshDir();
  // A directory in the way: the temporary file is written, the rename fails.
  mkdirSync(join(dir, 'client3_file1', 'inside'), { recursive: true });
  const error = t.throws(() => writeOutputFile(dir, 3, 'file1', [hash(1)]));
  t.is(error?.message, `cannot write ${join(dir, 'client3_file1')}: is a directory`);
  t.truthy(error?.cause);
  t.deepEqual(readdirSync(dir), ['client3_file1']);
  t.deepEqual(readdirSync(join(dir, 'client3_file1')), ['inside']);
});

test('an unwritable folder', (t) => {
  const dir = freshDir();
  const missing = join(dir, 'missing');
  t.is(
    t.throws(() => writeOutputFile(missing, 3, 'file1', [hash(1)]))?.message,
    `cannot write ${join(missing, 'client3_file1')}: no such folder`,
  );

  const notAFolder = join(dir, 'plain-file');
  writeFileSync(notAFolder, '');
  t.is(
    t.throws(() => writeOutputFile(notAFolder, 3, 'file1', [hash(1)]))?.message,
    `cannot write ${join(notAFolder, 'client3_file1')}: a part of the path is not a directory`,
  );
  t.deepEqual(readdirSync(dir).sort(), ['plain-file']);
});

// Root ignores permission bits, so this case can only be seen as another user.
(process.getuid?.() === 0 ? test.skip : test)('a read-only folder', (t) => {
  const dir = freshDir();
  chmodSync(dir, 0o555);
  try {
    t.is(
      t.throws(() => writeOutputFile(dir, 3, 'file1', [hash(1)]))?.message,
      `cannot write ${join(dir, 'client3_file1')}: permission denied`,
    );
    t.deepEqual(readdirSync(dir), []);
  } finally {
    chmodSync(dir, 0o755);
  }
});

test('refuses names that would leave the folder or carry control characters', (t) => {
  const root = freshDir();
  const dir = join(root, 'out');
  mkdirSync(dir);
  const cases: Array<[string, string]> = [
    ['../escaped', 'contains "/"'],
    ['a/b', 'contains "/"'],
    ['..', 'contains ".."'],
    ['x\\..\\y', 'contains a backslash'],
    ['', 'is empty'],
    ['a\0b', 'contains the control character U+0000'],
    ['a\nb', 'contains the control character U+000A'],
    ['a\x7f', 'contains the control character U+007F'],
  ];
  for (const [name, reason] of cases) {
    const error = t.throws(() => writeOutputFile(dir, 3, name, [hash(1)]), undefined, JSON.stringify(name));
    t.true(error?.message.startsWith(`cannot write ${join(dir, `client3_${name}`)}: file name `), error?.message);
    t.true(error?.message.endsWith(reason), error?.message);
  }
  t.deepEqual(readdirSync(dir), []);
  t.deepEqual(readdirSync(root), ['out']);
});

(existsSync(OFFICIAL) ? test : test.skip)("what it writes matches the course checker's expected output", (t) => {
  // test1: peer 3 wants file1, owned by peer 1; the checker compares with out1.txt (diff -w).
  const owner = readInput(join(OFFICIAL, 'test1'), 1);
  const dir = freshDir();
  const path = writeOutputFile(dir, 3, 'file1', owner.owned[0]!.hashes);
  const expected = readFileSync(join(OFFICIAL, 'test1', 'out1.txt'), 'utf8');
  t.is(readFileSync(path, 'utf8').trimEnd(), expected.trimEnd());
});
