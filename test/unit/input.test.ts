import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputFileName, parseInput, readInput, type PeerInput } from '../../src/io/input.js';
import { unsafeFileNameReason } from '../../src/io/file-name.js';
import { InputError } from '../../src/io/input-error.js';
import { tokenize } from '../../src/io/tokenize.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/official-test3', import.meta.url));
// The course's own tests; present in the development tree, maybe not in CI.
const OFFICIAL = fileURLToPath(new URL('../../../shared/conformance/official', import.meta.url));

/** A distinct, valid 32-hex-character hash for each number. */
function hash(n: number): string {
  return n.toString(16).padStart(32, '0');
}

function hashLines(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `${hash(from + i)}\n`).join('');
}

const freshDir = tempDirs('input');

function summary(input: PeerInput) {
  return {
    owned: input.owned.map((file) => ({ name: file.name, segments: file.hashes.length, line: file.line })),
    wanted: input.wanted.map((file) => ({ name: file.name, line: file.line })),
  };
}

function rejects(t: ExecutionContext, text: string, message: string, line?: number): void {
  const error = t.throws(() => parseInput(text, 'in3.txt'), { instanceOf: InputError });
  t.is(error?.message, message);
  t.is(error?.line, line);
  t.is(error?.path, 'in3.txt');
}

test('file names of a rank', (t) => {
  t.is(inputFileName(3), 'in3.txt');
  t.is(inputFileName(12), 'in12.txt');
  t.throws(() => inputFileName(-1), { instanceOf: RangeError });
  t.throws(() => inputFileName(1.5), { instanceOf: RangeError });
});

test('reads an official input (fixture copied from test3/in1.txt)', (t) => {
  const input = readInput(FIXTURES, 1);
  t.is(input.path, join(FIXTURES, 'in1.txt'));
  t.deepEqual(summary(input), {
    owned: [{ name: 'file1', segments: 80, line: 2 }],
    wanted: [{ name: 'file2', line: 84 }],
  });
  const hashes = input.owned[0]!.hashes;
  t.is(hashes[0], '89f7d61873db0516cadf11b522efd85d');
  t.is(hashes[79], 'f5e791fa3a8eb04f11581dd61b9f3ef6');
  // Hashes are kept exactly as in the file, in order.
  t.deepEqual(hashes, readFileSync(join(FIXTURES, 'in1.txt'), 'utf8').split('\n').slice(2, 82));
});

test('reads an official input with nothing owned and no final newline (test3/in3.txt)', (t) => {
  t.deepEqual(readInput(FIXTURES, 3), {
    path: join(FIXTURES, 'in3.txt'),
    owned: [],
    wanted: [{ name: 'file1', line: 3 }],
  });
});

// What each official input holds: owned [name, segments, first hash, last hash], then wanted.
type Owned = [string, number, string, string];
const OFFICIAL_INPUTS: Record<string, { owned: Owned[]; wanted: string[] }> = {
  'test1/in1.txt': {
    owned: [
      ['file1', 100, '3fcfb9d1242fdce64aee2bfe35266912', '7f256199c2b8e5dca43eb6c29923262e'],
      ['file2', 50, '0f2ab6f4eab22e6b061f99daa48dd74e', '3864f46ae0d19ce59313289c450170e8'],
    ],
    wanted: ['file3'],
  },
  'test1/in2.txt': {
    owned: [['file3', 75, 'c61563cd9d2b19ac7964321a8c6dc3a4', '6fa92f12505ab97793816844edceddfb']],
    wanted: ['file1'],
  },
  'test1/in3.txt': { owned: [], wanted: ['file1', 'file2', 'file3'] },
  'test2/in1.txt': {
    owned: [
      ['file1', 80, '5180b9534fe42f8b91bd013114846a62', 'bca3e425b4acf7fff9429ec041f7bbd1'],
      ['file2', 60, '38372a0100d22bbd263e4c9fdb6585a0', '3951b3defbd86ea507a001b6533ecccc'],
    ],
    wanted: ['file7'],
  },
  'test2/in2.txt': {
    owned: [
      ['file3', 75, 'c412622829885df5531d4f078c8a39a5', 'fdd4c885295506ffd95290a7ac7d4500'],
      ['file4', 30, 'ec96d46ba6edb8ee50789522fc6cefa4', '907e0f4f81b2c8dbce3e67e490dce8a4'],
    ],
    wanted: ['file6'],
  },
  'test2/in3.txt': {
    owned: [
      ['file5', 50, 'a5e19996c1171df36003dbc1471379a3', '513b8d211b8df6f33c878268083963e5'],
      ['file6', 60, '86044406c6311b593fcea7e7f83cbbfa', 'e61696c437d010b8b0ce3f693355b646'],
    ],
    wanted: ['file4'],
  },
  'test2/in4.txt': {
    owned: [
      ['file1', 80, '5180b9534fe42f8b91bd013114846a62', 'bca3e425b4acf7fff9429ec041f7bbd1'],
      ['file7', 70, 'c02e953060b4d4752c79cee3feb1fc25', '0b108666ccf44d1b20a67b91744d2d3d'],
    ],
    wanted: ['file2'],
  },
  'test2/in5.txt': {
    owned: [
      ['file2', 60, '38372a0100d22bbd263e4c9fdb6585a0', '3951b3defbd86ea507a001b6533ecccc'],
      ['file3', 75, 'c412622829885df5531d4f078c8a39a5', 'fdd4c885295506ffd95290a7ac7d4500'],
    ],
    wanted: ['file1', 'file4', 'file5'],
  },
  'test3/in1.txt': {
    owned: [['file1', 80, '89f7d61873db0516cadf11b522efd85d', 'f5e791fa3a8eb04f11581dd61b9f3ef6']],
    wanted: ['file2'],
  },
  'test3/in2.txt': {
    owned: [['file2', 75, '9fb2f5a99bd0ad57c7be97b47a11e7d7', '0a0266d5c389cbc7a36cfa120065ab23']],
    wanted: ['file1'],
  },
  'test3/in3.txt': { owned: [], wanted: ['file1'] },
  'test3/in4.txt': { owned: [], wanted: ['file2'] },
  'test4/in1.txt': {
    owned: [['file1', 80, '89f7d61873db0516cadf11b522efd85d', 'f5e791fa3a8eb04f11581dd61b9f3ef6']],
    wanted: [],
  },
  'test4/in2.txt': {
    owned: [['file1', 80, '89f7d61873db0516cadf11b522efd85d', 'f5e791fa3a8eb04f11581dd61b9f3ef6']],
    wanted: [],
  },
  'test4/in3.txt': { owned: [], wanted: ['file1'] },
  'test4/in4.txt': { owned: [], wanted: ['file1'] },
  'test4/in5.txt': { owned: [], wanted: ['file1'] },
  'test4/in6.txt': { owned: [], wanted: ['file1'] },
};

(existsSync(OFFICIAL) ? test : test.skip)('parses every official input', (t) => {
  for (const [file, expected] of Object.entries(OFFICIAL_INPUTS)) {
    const [folder, name] = file.split('/') as [string, string];
    const input = readInput(join(OFFICIAL, folder), Number(/\d+/.exec(name)![0]));
    const owned = input.owned.map((f): Owned => [f.name, f.hashes.length, f.hashes[0]!, f.hashes.at(-1)!]);
    t.deepEqual(owned, expected.owned, file);
    t.deepEqual(
      input.wanted.map((f) => f.name),
      expected.wanted,
      file,
    );
    for (const f of input.owned)
      t.true(
        f.hashes.every((h) => /^[0-9a-f]{32}$/.test(h)),
        file,
      );
  }
});

test('zero owned and zero wanted files, and a file with no segments', (t) => {
  t.deepEqual(parseInput('0\n0\n', 'in1.txt'), { path: 'in1.txt', owned: [], wanted: [] });
  t.deepEqual(parseInput('1\nempty 0\n0', 'in1.txt').owned, [{ name: 'empty', hashes: [], line: 2 }]);
});

const SAMPLE = `2\nfile1 2\n${hashLines(1, 2)}file2 1\n${hashLines(3, 1)}2\nfile3\nfile4\n`;
const SAMPLE_SUMMARY = {
  owned: [
    { name: 'file1', segments: 2, line: 2 },
    { name: 'file2', segments: 1, line: 5 },
  ],
  wanted: [
    { name: 'file3', line: 8 },
    { name: 'file4', line: 9 },
  ],
};

test('tolerates CRLF, a missing final newline, trailing spaces, tabs and a byte order mark', (t) => {
  const variants = {
    crlf: SAMPLE.replaceAll('\n', '\r\n'),
    'lone CR': SAMPLE.replaceAll('\n', '\r'),
    'no final newline': SAMPLE.trimEnd(),
    'trailing spaces': SAMPLE.replaceAll('\n', ' \t \n'),
    tabs: SAMPLE.replaceAll(' ', '\t'),
    'byte order mark': `\uFEFF${SAMPLE}`,
    'form feeds and vertical tabs': SAMPLE.replaceAll(' ', '\f\v'),
  };
  for (const [variant, text] of Object.entries(variants)) {
    t.deepEqual(summary(parseInput(text, 'in1.txt')), SAMPLE_SUMMARY, variant);
  }
});

test("words split as C's isspace() splits them, each on the line an editor shows it on", (t) => {
  const words = tokenize(' a\r\nb\rc\n\nd\fe\v\tf  g\r\n\r\rh\u00a0i ');
  t.deepEqual(
    words.map(({ text, line }) => `${text}@${line}`),
    ['a@1', 'b@2', 'c@3', 'd@5', 'e@5', 'f@5', 'g@5', 'h\u00a0i@8'],
  );
  t.deepEqual(tokenize(''), []);
  t.deepEqual(tokenize(' \n\t'), []);
});

test('reads words, not lines: blank lines, split headers and everything on one line', (t) => {
  const blank = parseInput(`\n\n1\n\nfile1\n\n  2\n${hash(1)}\n\n${hash(2)}\n\n0\n\n\n`, 'in1.txt');
  t.deepEqual(summary(blank), { owned: [{ name: 'file1', segments: 2, line: 5 }], wanted: [] });
  const oneLine = parseInput(`1 file1 2 ${hash(1)} ${hash(2)} 1 file2`, 'in1.txt');
  t.deepEqual(summary(oneLine), {
    owned: [{ name: 'file1', segments: 2, line: 1 }],
    wanted: [{ name: 'file2', line: 1 }],
  });
});

test('keeps hashes exactly as written, case included; counts may have leading zeros', (t) => {
  const upper = 'ABCDEF0123456789abcdefABCDEF0123';
  const input = parseInput(`01\nfile1 002\n${upper}\n${hash(1)}\n00\n`, 'in1.txt');
  t.deepEqual(input.owned[0]!.hashes, [upper, hash(1)]);
});

test('accepts names the course would not: long, unicode, dots and dashes', (t) => {
  const long = 'x'.repeat(200);
  const input = parseInput(`1\n${long} 0\n3\n.hidden\nfișier-ü.txt\na.b_c-d\n`, 'in1.txt');
  t.is(input.owned[0]!.name, long);
  t.deepEqual(
    input.wanted.map((f) => f.name),
    ['.hidden', 'fișier-ü.txt', 'a.b_c-d'],
  );
});

test('parses a big input: 40 files of 2000 segments', (t) => {
  let text = '40\n';
  for (let f = 0; f < 40; f++) text += `file${f} 2000\n${hashLines(f * 2000, 2000)}`;
  text += '3\nwant1\nwant2\nwant3\n';
  const input = parseInput(text, 'in1.txt');
  t.is(input.owned.length, 40);
  t.true(input.owned.every((file) => file.hashes.length === 2000));
  t.is(input.owned[39]!.line, 2 + 39 * 2001);
  t.is(input.owned[39]!.hashes[1999], hash(40 * 2000 - 1));
  t.deepEqual(input.wanted.at(-1), { name: 'want3', line: 2 + 40 * 2001 + 3 });
});

test('InputError carries the exit code, path and line', (t) => {
  const error = t.throws(() => parseInput('x', 'data/in7.txt'), { instanceOf: InputError });
  t.true(error instanceof Error);
  t.is(error?.name, 'InputError');
  t.is(error?.exitCode, 3);
  t.is(error?.path, 'data/in7.txt');
  t.is(error?.line, 1);
  t.is(error?.message, 'data/in7.txt line 1: number of owned files "x" is not a non-negative integer');
});

test('a missing or unreadable file', (t) => {
  const dir = freshDir();
  const missing = t.throws(() => readInput(dir, 3), { instanceOf: InputError });
  t.is(missing?.message, `${join(dir, 'in3.txt')}: cannot read: no such file`);
  t.is(missing?.line, undefined);
  t.is(missing?.exitCode, 3);

  // The path is shown as given: relative to where the peer runs.
  t.is(t.throws(() => readInput('.', 99))?.message, 'in99.txt: cannot read: no such file');

  mkdirSync(join(dir, 'in4.txt'));
  t.is(t.throws(() => readInput(dir, 4))?.message, `${join(dir, 'in4.txt')}: cannot read: is a directory`);
});

test('an empty file', (t) => {
  rejects(t, '', 'in3.txt: empty file, expected the number of owned files');
  rejects(t, ' \r\n\n\t', 'in3.txt: empty file, expected the number of owned files');
});

test('counts that are not non-negative integers', (t) => {
  rejects(t, '-1\n0\n', 'in3.txt line 1: number of owned files "-1" is not a non-negative integer', 1);
  rejects(t, '1.5\n', 'in3.txt line 1: number of owned files "1.5" is not a non-negative integer', 1);
  rejects(t, '+1\n', 'in3.txt line 1: number of owned files "+1" is not a non-negative integer', 1);
  rejects(t, '1\nfile1 x\n0\n', 'in3.txt line 2: number of segments of file1 "x" is not a non-negative integer', 2);
  rejects(t, '1\nfile1 1e2\n', 'in3.txt line 2: number of segments of file1 "1e2" is not a non-negative integer', 2);
  rejects(t, '0\n\n-2\n', 'in3.txt line 3: number of wanted files "-2" is not a non-negative integer', 3);
  rejects(t, '0\n0x1\nfile1\n', 'in3.txt line 2: number of wanted files "0x1" is not a non-negative integer', 2);
});

test('counts too large for what the file holds', (t) => {
  rejects(t, '99999999999999999999\n', 'in3.txt line 1: number of owned files "99999999999999999999" is too large', 1);
  rejects(
    t,
    '1\nfile1 9007199254740993\n',
    'in3.txt line 2: number of segments of file1 "9007199254740993" is too large',
    2,
  );
  rejects(
    t,
    `1\nfile1 5000\n${hashLines(1, 2)}0\n`,
    `in3.txt line 5: hash "0" of file1 segment 3 is not 32 hex characters (line 2 announces 5000 segments of file1, found 2 hashes)`,
    5,
  );
  rejects(
    t,
    `1000000\nfile1 1\n${hashLines(1, 1)}0\n`,
    'in3.txt line 4: unexpected end of file: expected the number of segments of 0 (is the number of owned files on line 1 too large?)',
    4,
  );
  rejects(
    t,
    '3\nf1 0\nf2 0\n1\nf3\n',
    'in3.txt line 5: number of segments of 1 "f3" is not a non-negative integer (is the number of owned files on line 1 too large?)',
    5,
  );
  rejects(
    t,
    '0\n1000000\nfile1\n',
    'in3.txt line 3: unexpected end of file: expected 1000000 wanted files, found 1',
    3,
  );
});

test('a count too small shows up where the next hash is read as a name', (t) => {
  rejects(
    t,
    `2\nfile1 1\n${hashLines(1, 2)}file2 1\n${hashLines(3, 1)}0\n`,
    `in3.txt line 5: number of segments of ${hash(2)} "file2" is not a non-negative integer (does file1 on line 2 list more hashes than it announces?)`,
    5,
  );
});

test('unexpected end of file says what was expected', (t) => {
  rejects(t, `2\nfile1 1\n${hash(1)}`, 'in3.txt line 3: unexpected end of file: expected 2 owned files, found 1', 3);
  rejects(t, '1\nfile1', 'in3.txt line 2: unexpected end of file: expected the number of segments of file1', 2);
  rejects(
    t,
    `1\nfile1 100\n${hashLines(1, 37)}`,
    'in3.txt line 39: unexpected end of file: expected 100 hashes of file1, found 37',
    39,
  );
  rejects(
    t,
    `1\nfile1 1\n${hash(1)}\n\n`,
    'in3.txt line 3: unexpected end of file: expected the number of wanted files',
    3,
  );
  rejects(t, '0\n3\na\nb\n', 'in3.txt line 4: unexpected end of file: expected 3 wanted files, found 2', 4);
  rejects(t, '0\n1\n', 'in3.txt line 2: unexpected end of file: expected 1 wanted file, found 0', 2);
});

test('hashes that are not 32 hex characters', (t) => {
  rejects(
    t,
    `1\nfile1 2\n${hash(1)}\nabc\n0\n`,
    'in3.txt line 4: hash "abc" of file1 segment 2 is not 32 hex characters',
    4,
  );
  rejects(
    t,
    `1\nfile1 1\n${hash(1)}0\n0\n`,
    `in3.txt line 3: hash "${hash(1)}0" of file1 segment 1 is not 32 hex characters`,
    3,
  );
  rejects(
    t,
    `1\nfile1 1\n${'g'.repeat(32)}\n0\n`,
    `in3.txt line 3: hash "${'g'.repeat(32)}" of file1 segment 1 is not 32 hex characters`,
    3,
  );
  // Very long words are cut short in the message.
  rejects(
    t,
    `1\nfile1 1\n${'x'.repeat(1000)}\n0\n`,
    `in3.txt line 3: hash "${'x'.repeat(40)}"... of file1 segment 1 is not 32 hex characters`,
    3,
  );
});

test('names listed twice, or both owned and wanted', (t) => {
  rejects(t, '2\nfile1 0\nfile1 0\n0\n', 'in3.txt line 3: file1 is listed twice as owned (first on line 2)', 3);
  rejects(t, '0\n3\nf\ng\nf\n', 'in3.txt line 5: f is listed twice as wanted (first on line 3)', 5);
  rejects(t, '1\nfile1 0\n1\nfile1\n', 'in3.txt line 4: file1 is wanted but already owned (line 2)', 4);
});

test('text after the wanted list', (t) => {
  rejects(
    t,
    '0\n1\nfile1\nfile2\n',
    'in3.txt line 4: unexpected "file2" after the wanted list (line 2 announces 1 wanted file)',
    4,
  );
  rejects(t, '0\n0\n\nx', 'in3.txt line 4: unexpected "x" after the wanted list (line 2 announces 0 wanted files)', 4);
});

test('unsafe file names, owned or wanted', (t) => {
  rejects(t, '1\na/b 0\n0\n', 'in3.txt line 2: file name "a/b" contains "/"', 2);
  rejects(t, '1\n/etc 0\n0\n', 'in3.txt line 2: file name "/etc" contains "/"', 2);
  rejects(t, '0\n1\n..\n', 'in3.txt line 3: file name ".." contains ".."', 3);
  rejects(t, '0\n1\na..b\n', 'in3.txt line 3: file name "a..b" contains ".."', 3);
  rejects(t, '0\n1\n..\\x\n', 'in3.txt line 3: file name "..\\\\x" contains a backslash', 3);
  rejects(t, '0\n1\na\0b\n', 'in3.txt line 3: file name "a\\u0000b" contains the control character U+0000', 3);
  rejects(t, '0\n1\na\x7f\n', 'in3.txt line 3: file name "a\\u007f" contains the control character U+007F', 3);
  rejects(t, '0\n1\n\x1b[31m\n', 'in3.txt line 3: file name "\\u001b[31m" contains the control character U+001B', 3);
  rejects(t, '0\n1\na\u0085\n', 'in3.txt line 3: file name "a\\u0085" contains the control character U+0085', 3);
});

test("the control characters refused are exactly Unicode's category Cc", (t) => {
  const refused: number[] = [];
  const cc: number[] = [];
  for (let code = 0; code <= 0xffff; code++) {
    const character = String.fromCharCode(code);
    if (/\p{Cc}/u.test(character)) cc.push(code);
    if (unsafeFileNameReason(`a${character}b`)?.startsWith('contains the control character')) refused.push(code);
  }
  t.deepEqual(refused, cc);
  t.is(cc.length, 65);
  t.is(unsafeFileNameReason('a\u{1F4C1}b'), undefined, 'astral characters are no controls');
});
