/**
 * `node dist/main.js create`: needs no MPI; bad command lines exit 2 and bad sources exit 3,
 * each with one line on stderr naming the path; a .torrent appears whole or not at all.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseTorrent } from '../../src/torrent/parse.js';
import { mainCommand } from '../helpers/scenario.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('create-cli');

function create(args: string[], cwd?: string) {
  const [node, ...rest] = mainCommand(['create', ...args]);
  return spawnSync(node!, rest, { encoding: 'utf8', timeout: 60_000, ...(cwd && { cwd }) });
}

test('--help explains the command, including that empty folders cannot be expressed', (t) => {
  const run = create(['--help']);
  t.is(run.status, 0);
  t.regex(run.stdout, /^Usage: node dist\/main\.js create SOURCE -o FILE\.torrent/);
  t.regex(run.stdout, /Empty folders cannot be expressed in a torrent/);
  t.is(run.stderr, '');
});

test('it writes a v2 .torrent and one summary line, without mpirun', (t) => {
  const dir = freshDir();
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'a'), 'x'.repeat(40_000));
  writeFileSync(join(dir, 'data', 'b'), '');
  const run = create(['data', '-o', 'out.torrent'], dir);
  t.is(run.status, 0, run.stderr);
  t.regex(
    run.stdout,
    /^out\.torrent: 2 files, 40000 bytes, piece size 16384, 3 pieces, v2 info-hash ([0-9a-f]{64}), \d+\.\d\d s\n$/,
  );
  const parsed = parseTorrent(readFileSync(join(dir, 'out.torrent')), 'out.torrent');
  t.is(Buffer.from(parsed.infoHash).toString('hex'), /info-hash ([0-9a-f]{64})/.exec(run.stdout)![1]);
  t.deepEqual(readdirSync(dir).sort(), ['data', 'out.torrent']);
});

test('--quiet prints nothing; an existing .torrent is replaced whole', (t) => {
  const dir = freshDir();
  writeFileSync(join(dir, 'f'), 'data');
  writeFileSync(join(dir, 'f.torrent'), 'old');
  const run = create([join(dir, 'f'), '-o', join(dir, 'f.torrent'), '--quiet', '--piece-size', '1M']);
  t.is(run.status, 0, run.stderr);
  t.is(run.stdout, '');
  t.is(parseTorrent(readFileSync(join(dir, 'f.torrent')), 'f.torrent').manifest.pieceLength, 1024 * 1024);
  t.deepEqual(readdirSync(dir).sort(), ['f', 'f.torrent']);
});

const USAGE_CASES: [string, string[], RegExp][] = [
  ['no -o', ['src'], /^mpitorrent create: needs -o FILE\.torrent, the file to write\n$/],
  ['no source', ['-o', 'x.torrent'], /^mpitorrent create: needs exactly one SOURCE, not 0 \(see create --help\)\n$/],
  ['two sources', ['a', 'b', '-o', 'x.torrent'], /^mpitorrent create: needs exactly one SOURCE, not 2/],
  [
    'a piece size that is not a power of two',
    ['a', '-o', 'x.torrent', '--piece-size', '100K'],
    /^mpitorrent create: piece size "100K" must be a power of two from 16K to 256M\n$/,
  ],
  ['an unknown option', ['a', '-o', 'x.torrent', '--fast'], /^mpitorrent create: Unknown option '--fast'/],
  [
    'a bad thread count',
    ['a', '-o', 'x.torrent', '--threads', '0'],
    /^mpitorrent create: --threads "0" is not a whole number from 1 to 1024\n$/,
  ],
];

for (const [what, args, message] of USAGE_CASES) {
  test(`a command line with ${what} exits 2 with one line`, (t) => {
    const run = create(args, freshDir());
    t.is(run.status, 2);
    t.regex(run.stderr, message);
    t.is(run.stdout, '');
  });
}

test('a missing source exits 3 naming it, and writes nothing', (t) => {
  const dir = freshDir();
  const run = create(['nothing', '-o', 'x.torrent'], dir);
  t.is(run.status, 3);
  t.is(run.stderr, 'mpitorrent create: nothing: cannot read: no such file\n');
  t.deepEqual(readdirSync(dir), []);
});

test('a FIFO inside the source exits 3 naming it, and writes nothing', (t) => {
  const dir = freshDir();
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'ok'), 'x');
  execFileSync('mkfifo', [join(dir, 'data', 'pipe')]);
  const run = create(['data', '-o', 'x.torrent'], dir);
  t.is(run.status, 3);
  t.is(run.stderr, 'mpitorrent create: data/pipe: is a FIFO: only files, folders and symlinks can go into a torrent\n');
  t.deepEqual(readdirSync(dir), ['data']);
});

test('a source without a single byte of data exits 3 (no client accepts an empty torrent)', (t) => {
  const dir = freshDir();
  mkdirSync(join(dir, 'data', 'empty-folder'), { recursive: true });
  writeFileSync(join(dir, 'data', 'empty-file'), '');
  const run = create(['data', '-o', 'x.torrent'], dir);
  t.is(run.status, 3);
  t.is(
    run.stderr,
    'mpitorrent create: data: holds no data (only empty files or folders): a torrent needs at least one byte\n',
  );
});

test('an output folder that does not exist exits 3 naming the output', (t) => {
  const dir = freshDir();
  writeFileSync(join(dir, 'f'), 'x');
  const run = create(['f', '-o', 'no/such/x.torrent'], dir);
  t.is(run.status, 3);
  t.is(run.stderr, 'mpitorrent create: no/such/x.torrent: cannot write: no such file\n');
});
