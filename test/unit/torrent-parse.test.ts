/**
 * A `.torrent` made by create reads back as the same manifest and info-hash; a `.torrent` with
 * anything wrong is refused with one error naming the file and what is wrong (exit status 3).
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { decode, encode, keyOf, text, type BDict, type BValue } from '../../src/torrent/bencode.js';
import { buildManifest } from '../../src/torrent/build.js';
import type { Manifest } from '../../src/torrent/manifest.js';
import { buildMetainfo } from '../../src/torrent/metainfo.js';
import { parseTorrent, readTorrent } from '../../src/torrent/parse.js';
import { piecesOf } from '../../src/torrent/pieces.js';
import { TorrentError } from '../../src/torrent/torrent-error.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const freshDir = tempDirs('torrent-parse');
const PIECE = 32 * 1024;

/** A folder of every shape, its manifest and its .torrent's bytes. */
async function sample(): Promise<{ manifest: Manifest; bytes: Uint8Array; infoHash: Uint8Array }> {
  const top = join(freshDir(), 'data');
  mkdirSync(join(top, 'sub', 'deep'), { recursive: true });
  mkdirSync(join(top, 'empty-folder'));
  writeFileSync(join(top, 'big.bin'), randomBytes(3 * PIECE + 100));
  writeFileSync(join(top, 'sub', 'one.bin'), randomBytes(PIECE));
  writeFileSync(join(top, 'sub', 'deep', 'small.bin'), randomBytes(10));
  writeFileSync(join(top, 'empty'), '');
  writeFileSync(join(top, 'run.sh'), 'echo hi\n');
  chmodSync(join(top, 'run.sh'), 0o755);
  symlinkSync('../big.bin', join(top, 'sub', 'link'));
  const manifest = await buildManifest(top, { pieceLength: PIECE, threads: 2 });
  const { bytes, infoHash } = buildMetainfo(manifest, { createdBy: 'test', creationDate: 1 });
  return { manifest, bytes, infoHash };
}

test('create then parse gives back the manifest (less what a torrent cannot hold) and the info-hash', async (t) => {
  const { manifest, bytes, infoHash } = await sample();
  const parsed = parseTorrent(bytes, 'x.torrent');
  t.deepEqual(Buffer.from(parsed.infoHash), Buffer.from(infoHash));
  // A torrent keeps no empty folder, no mode but 'x', no mtime.
  const expected = manifest.entries
    .filter((entry) => entry.path !== 'empty-folder')
    .map((entry) => {
      if (entry.kind === 'symlink') return entry;
      if (entry.kind === 'folder') return { kind: entry.kind, path: entry.path };
      const { mode, mtimeMs: _mtime, ...rest } = entry;
      return (mode! & 0o100) !== 0 ? { ...rest, executable: true } : rest;
    });
  t.deepEqual(parsed.manifest.entries, expected);
  t.like(parsed.manifest, { name: 'data', singleFile: false, pieceLength: PIECE });
  t.deepEqual(parsed.manifest.pieceLayers, manifest.pieceLayers);
  const byPath = (of: Manifest) => piecesOf(of).map((piece) => ({ ...piece, entry: of.entries[piece.entry]!.path }));
  t.deepEqual(byPath(parsed.manifest), byPath(manifest));
});

test('a single-file torrent reads back as one file named after it', async (t) => {
  const file = join(freshDir(), 'alone.bin');
  writeFileSync(file, randomBytes(2 * PIECE + 1));
  const manifest = await buildManifest(file, { pieceLength: PIECE });
  const parsed = parseTorrent(buildMetainfo(manifest, { createdBy: 'test' }).bytes, 'x.torrent');
  t.like(parsed.manifest, { name: 'alone.bin', singleFile: true });
  t.deepEqual(
    parsed.manifest.entries.map((entry) => entry.path),
    ['alone.bin'],
  );
});

test('readTorrent names a missing file', async (t) => {
  const missing = join(freshDir(), 'none.torrent');
  await t.throwsAsync(readTorrent(missing), {
    instanceOf: TorrentError,
    message: `${missing}: cannot read: no such file`,
  });
});

type Mutation = (top: BDict, info: BDict, tree: BDict) => void;

const get = (dict: BDict, key: string) => dict.get(keyOf(key)) as BDict;
const fileOf = (tree: BDict, ...path: string[]) =>
  get(
    path.reduce((folder, name) => get(folder, name), tree),
    '',
  );
const rename = (dict: BDict, from: string, to: string) => {
  dict.set(keyOf(to), dict.get(keyOf(from))!);
  dict.delete(keyOf(from));
};
const firstLayerKey = (top: BDict) => [...get(top, 'piece layers').keys()][0]!;

const CASES: [string, Mutation | string, RegExp][] = [
  [
    'bytes that are not bencode',
    'd4:info',
    /^x\.torrent: not a torrent file: malformed bencode \(unexpected end of data at byte 7\)$/,
  ],
  ['a list instead of a dictionary', 'le', /^x\.torrent: the file is a list, not a dictionary$/],
  ['no info dictionary', (top) => top.delete('info'), /^x\.torrent: 'info' is missing, not a dictionary$/],
  [
    'no meta version (a v1 torrent)',
    (_, info) => info.delete(keyOf('meta version')),
    /no 'meta version' in 'info': not a BitTorrent v2 torrent/,
  ],
  ['meta version 1', (_, info) => info.set(keyOf('meta version'), 1), /'meta version' is 1, not 2/],
  [
    'a piece length that is not a power of two',
    (_, info) => info.set(keyOf('piece length'), 40000),
    /'piece length' is 40000, not a power of two of at least 16384/,
  ],
  [
    'a piece length below 16 KiB',
    (_, info) => info.set(keyOf('piece length'), 8192),
    /'piece length' is 8192, not a power of two/,
  ],
  [
    'a piece length above 256 MiB',
    (_, info) => info.set(keyOf('piece length'), 2 ** 40),
    /'piece length' is 1099511627776, more than the 268435456 bytes supported/,
  ],
  ['no name', (_, info) => info.delete('name'), /'name' is missing, not a string/],
  ['a name ".."', (_, info) => info.set('name', text('..')), /'name' is the name "\.\."/],
  ['no file tree', (_, info) => info.delete(keyOf('file tree')), /'file tree' is missing, not a dictionary/],
  ['a path component ".."', (_, __, tree) => rename(tree, 'sub', '..'), /a name in 'file tree' is the name "\.\."/],
  [
    'a path component "."',
    (_, __, tree) => rename(get(tree, 'sub'), 'one.bin', '.'),
    /a name in 'file tree' under sub is the name "\."/,
  ],
  ['an empty path component', (_, __, tree) => rename(tree, 'big.bin', ''), /a name in 'file tree' is an empty name/],
  [
    'a path component with "/"',
    (_, __, tree) => rename(tree, 'big.bin', 'a/b'),
    /a name in 'file tree' is a name with "\/"/,
  ],
  [
    'a path component with a control character',
    (_, __, tree) => rename(tree, 'big.bin', 'a\u0007b'),
    /a name in 'file tree' is a name with a control character \("a\\u0007b"\)/,
  ],
  [
    'a file with no length',
    (_, __, tree) => fileOf(tree, 'big.bin').delete('length'),
    /big\.bin has 'length' missing, not a byte count/,
  ],
  [
    'a file with no pieces root',
    (_, __, tree) => fileOf(tree, 'sub', 'deep', 'small.bin').delete(keyOf('pieces root')),
    /sub\/deep\/small\.bin has no 32-byte 'pieces root'/,
  ],
  [
    'a file that is also a folder',
    (_, __, tree) => get(tree, 'sub').set('', new Map([['length', 1]])),
    /'file tree' entry sub is both a file and a folder/,
  ],
  [
    'no piece layer for a file of several pieces',
    (top) => get(top, 'piece layers').clear(),
    /'piece layers' has no layer for big\.bin \(98404 bytes, more than one piece\)/,
  ],
  [
    'a piece layer of the wrong length',
    (top) => {
      const layers = get(top, 'piece layers');
      const key = firstLayerKey(top);
      layers.set(key, (layers.get(key) as Uint8Array).subarray(32));
    },
    /the piece layer of big\.bin has 96 bytes, but its 98404 bytes make 4 pieces \(128 bytes\)/,
  ],
  [
    'a piece layer that does not hash to the pieces root',
    (top) => {
      const layers = get(top, 'piece layers');
      const key = firstLayerKey(top);
      const layer = Buffer.from(layers.get(key) as Uint8Array);
      layer[5] ^= 1;
      layers.set(key, layer);
    },
    /the piece layer of big\.bin does not hash to its 'pieces root'/,
  ],
  [
    'a symlink path leaving the tree',
    (_, __, tree) => fileOf(tree, 'sub', 'link').set(keyOf('symlink path'), [text('..'), text('etc')]),
    /symlink sub\/link points outside the tree \(\.\.\/etc\)/,
  ],
  [
    'an empty symlink path',
    (_, __, tree) => fileOf(tree, 'sub', 'link').set(keyOf('symlink path'), []),
    /symlink sub\/link has no 'symlink path'/,
  ],
  [
    'a symlink path component with "/"',
    (_, __, tree) => fileOf(tree, 'sub', 'link').set(keyOf('symlink path'), [text('/etc')]),
    /symlink sub\/link has a bad 'symlink path' component \("\/etc"\)/,
  ],
];

for (const [what, mutation, message] of CASES) {
  test(`a torrent with ${what} is refused, naming the file and the problem`, async (t) => {
    let bytes: Uint8Array;
    if (typeof mutation === 'string') {
      bytes = Buffer.from(mutation, 'latin1');
    } else {
      const top = decode((await sample()).bytes).value as BDict;
      const info = top.get('info') as BDict;
      mutation(top, info, get(info, 'file tree'));
      bytes = encode(top as BValue);
    }
    const error = t.throws(() => parseTorrent(bytes, 'x.torrent'), { instanceOf: TorrentError });
    t.regex(error!.message, message);
    t.true(error!.message.startsWith('x.torrent: '));
    t.is((error as TorrentError).exitCode, 3);
  });
}
