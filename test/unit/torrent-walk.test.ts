/**
 * The source tree walk: what goes into a torrent, in BEP 52's order, and every kind of source
 * that cannot, refused with one error naming the path (exit status 3).
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { SourceError } from '../../src/torrent/source-error.js';
import { walkSource } from '../../src/torrent/walk.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('torrent-walk');

test('a single file is one entry named after it, with its size, mode and mtime', async (t) => {
  const dir = freshDir();
  const file = join(dir, 'model.bin');
  writeFileSync(file, 'x'.repeat(1234));
  chmodSync(file, 0o640);
  utimesSync(file, 1_700_000_000, 1_700_000_000.5);
  const tree = await walkSource(file);
  t.like(tree, { root: file, name: 'model.bin', singleFile: true });
  t.deepEqual(tree.entries, [
    { kind: 'file', path: 'model.bin', length: 1234, mode: 0o640, mtimeMs: statSync(file).mtimeMs },
  ]);
});

test("a folder lists every file and folder, each folder's names in bytewise order, a folder before its contents", async (t) => {
  const dir = freshDir();
  const top = join(dir, 'data');
  // Sorting whole paths as text would put a-c before a/b ('-' < '/'), and é before z in some locales.
  for (const folder of ['a/b', 'empty-folder']) mkdirSync(join(top, folder), { recursive: true });
  for (const file of ['a/b/f', 'a-c', 'B', 'z', 'é', 'empty-file', '.hidden'])
    writeFileSync(join(top, file), file === 'empty-file' ? '' : file);
  const tree = await walkSource(top);
  t.like(tree, { name: 'data', singleFile: false });
  t.deepEqual(
    tree.entries.map((entry) => `${entry.kind} ${entry.path}`),
    [
      'file .hidden',
      'file B',
      'folder a',
      'folder a/b',
      'file a/b/f',
      'file a-c',
      'file empty-file',
      'folder empty-folder',
      'file z',
      'file é',
    ],
  );
  t.like(
    tree.entries.find((entry) => entry.path === 'empty-file'),
    { kind: 'file', length: 0 },
  );
});

test('a symlink that stays inside the tree is kept as a symlink, not followed, its target read lexically', async (t) => {
  const dir = freshDir();
  const top = join(dir, 'data');
  mkdirSync(join(top, 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(top, 'target'), 'x');
  symlinkSync('../target', join(top, 'sub', 'to-file'));
  symlinkSync('deeper', join(top, 'sub', 'to-folder'));
  symlinkSync('../../sub/../target', join(top, 'sub', 'deeper', 'winding'));
  const tree = await walkSource(top);
  t.deepEqual(
    tree.entries.filter((entry) => entry.kind === 'symlink'),
    [
      { kind: 'symlink', path: 'sub/deeper/winding', target: '../../target' },
      { kind: 'symlink', path: 'sub/to-file', target: '../target' },
      { kind: 'symlink', path: 'sub/to-folder', target: 'deeper' },
    ],
  );
});

async function refusal(t: import('ava').ExecutionContext, source: string): Promise<string> {
  const error = await t.throwsAsync(walkSource(source), { instanceOf: SourceError });
  t.is((error as SourceError).exitCode, 3);
  return error!.message;
}

test('an absolute symlink is refused, naming it', async (t) => {
  const top = join(freshDir(), 'data');
  mkdirSync(top);
  writeFileSync(join(top, 'target'), 'x');
  symlinkSync(join(top, 'target'), join(top, 'abs'));
  t.is(
    await refusal(t, top),
    `${join(top, 'abs')}: is a symlink to an absolute path (${JSON.stringify(join(top, 'target'))}): only links inside the tree can go into a torrent`,
  );
});

test('a symlink leaving the tree is refused, naming it', async (t) => {
  const dir = freshDir();
  const top = join(dir, 'data');
  mkdirSync(join(top, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'outside'), 'x');
  symlinkSync('../../outside', join(top, 'sub', 'out'));
  t.is(await refusal(t, top), `${join(top, 'sub', 'out')}: is a symlink pointing outside the tree ("../../outside")`);
});

test('a symlink to the top folder itself is refused (a torrent cannot express it)', async (t) => {
  const top = join(freshDir(), 'data');
  mkdirSync(join(top, 'sub'), { recursive: true });
  symlinkSync('..', join(top, 'sub', 'up'));
  t.regex(await refusal(t, top), /sub\/up: is a symlink to the top folder \(".."\)/);
});

test('a FIFO is refused, naming it', async (t) => {
  const top = join(freshDir(), 'data');
  mkdirSync(top);
  execFileSync('mkfifo', [join(top, 'pipe')]);
  t.is(
    await refusal(t, top),
    `${join(top, 'pipe')}: is a FIFO: only files, folders and symlinks can go into a torrent`,
  );
});

test('a socket is refused, naming it', async (t) => {
  const top = join(freshDir(), 'data');
  mkdirSync(top);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(top, 'sock'), resolve));
  try {
    t.is(
      await refusal(t, top),
      `${join(top, 'sock')}: is a socket: only files, folders and symlinks can go into a torrent`,
    );
  } finally {
    server.close();
  }
});

test('a device given as the source is refused, naming it', async (t) => {
  t.is(await refusal(t, '/dev/null'), '/dev/null: is a character device, not a file or a folder');
});

test('a name with a control character is refused, naming it', async (t) => {
  const top = join(freshDir(), 'data');
  mkdirSync(top);
  writeFileSync(join(top, 'bad\nname'), 'x');
  t.is(
    await refusal(t, top),
    `${join(top, '"bad\\nname"')}: cannot go into a torrent: a name with a control character ("bad\\nname")`,
  );
});

test('a name that is not UTF-8 is refused, naming the folder it is in', async (t) => {
  const top = join(freshDir(), 'data');
  mkdirSync(top);
  writeFileSync(Buffer.concat([Buffer.from(`${top}/bad`), Buffer.from([0xff])]), 'x');
  t.regex(await refusal(t, top), new RegExp(`^${top}/bad.*: the name is not valid UTF-8$`));
});

test('a missing source is refused, naming it', async (t) => {
  const missing = join(freshDir(), 'nothing-here');
  t.is(await refusal(t, missing), `${missing}: cannot read: no such file`);
});

const asRoot = process.getuid?.() === 0;
const unlessRoot = asRoot ? test.skip : test;

unlessRoot('an unreadable folder is refused, naming it and why (skipped as root, who reads all)', async (t) => {
  const top = join(freshDir(), 'data');
  mkdirSync(join(top, 'locked'), { recursive: true });
  chmodSync(join(top, 'locked'), 0);
  try {
    t.is(await refusal(t, top), `${join(top, 'locked')}: cannot read the folder: permission denied`);
  } finally {
    chmodSync(join(top, 'locked'), 0o755);
  }
});

unlessRoot('an unreadable file is refused, naming it and why (skipped as root, who reads all)', async (t) => {
  const top = join(freshDir(), 'data');
  mkdirSync(top);
  writeFileSync(join(top, 'secret'), 'x');
  chmodSync(join(top, 'secret'), 0);
  t.is(await refusal(t, top), `${join(top, 'secret')}: cannot read: permission denied`);
});
