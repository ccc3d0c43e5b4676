/**
 * Reads a BitTorrent v2 `.torrent` (BEP 52) into a Manifest and checks everything a stage job
 * relies on: the structure, the names (nothing may escape the destination), and that each
 * file's piece layer hashes to its pieces root. Any problem is one TorrentError naming the file.
 */
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';

import { describeFsError } from '../io/fs-reason.js';
import { BencodeError, decode, keyBytes, keyOf, type BDict, type BValue } from './bencode.js';
import type { Entry, FileEntry, Manifest } from './manifest.js';
import { HASH_SIZE, piecesRootOf } from './merkle.js';
import { infoHashV2 } from './metainfo.js';
import { hasControlCharacter, nameProblem, utf8OrUndefined } from './names.js';
import { isPowerOfTwo, MAX_PIECE_LENGTH, MIN_PIECE_LENGTH } from './piece-size.js';
import { TorrentError } from './torrent-error.js';
import { resolveLinkTarget } from './walk.js';

export interface ParsedTorrent {
  manifest: Manifest;
  /** SHA-256 of the info dictionary's bytes as they are in the file (32 bytes). */
  infoHash: Uint8Array;
}

/** Reads and checks the `.torrent` at `path`. */
export async function readTorrent(path: string): Promise<ParsedTorrent> {
  const bytes = await readFile(path).catch((error: unknown) => {
    throw new TorrentError(path, `cannot read: ${describeFsError(error)}`, { cause: error });
  });
  return parseTorrent(bytes, path);
}

/** A problem found in the metainfo; parseTorrent turns it into a TorrentError. */
class Bad extends Error {}

/** Checks `bytes` as a v2 `.torrent`; `path` names it in errors. */
export function parseTorrent(bytes: Uint8Array, path: string): ParsedTorrent {
  try {
    return parseOrThrow(bytes);
  } catch (error) {
    if (error instanceof BencodeError)
      throw new TorrentError(path, `not a torrent file: malformed bencode (${error.message})`, { cause: error });
    if (error instanceof Bad) throw new TorrentError(path, error.message);
    throw error;
  }
}

function parseOrThrow(bytes: Uint8Array): ParsedTorrent {
  const { value: top, spans } = decode(bytes);
  const topDict = asDict(top, 'the file');
  const info = asDict(topDict.get('info'), "'info'");
  const version = info.get(keyOf('meta version'));
  if (version === undefined)
    throw new Bad("no 'meta version' in 'info': not a BitTorrent v2 torrent (v1 is not supported)");
  if (version !== 2)
    throw new Bad(`'meta version' is ${describe(version)}, not 2: only BitTorrent v2 torrents are supported`);
  const pieceLength = info.get(keyOf('piece length'));
  if (typeof pieceLength !== 'number' || !isPowerOfTwo(pieceLength) || pieceLength < MIN_PIECE_LENGTH) {
    throw new Bad(`'piece length' is ${describe(pieceLength)}, not a power of two of at least ${MIN_PIECE_LENGTH}`);
  }
  // A piece is held in memory whole: a larger one would be a way to exhaust it.
  if (pieceLength > MAX_PIECE_LENGTH)
    throw new Bad(`'piece length' is ${pieceLength}, more than the ${MAX_PIECE_LENGTH} bytes supported`);
  const name = asName(info.get('name'), "'name'");
  const tree = asDict(info.get(keyOf('file tree')), "'file tree'");
  const entries: Entry[] = [];
  const topKeys = [...tree.keys()];
  const singleFile = topKeys.length === 1 && isFileNode(asDict(tree.get(topKeys[0]!), `'file tree' entry`));
  readTree(tree, '', entries, 0);
  const layers = topDict.get(keyOf('piece layers'));
  const layerDict = layers === undefined ? new Map<string, BValue>() : asDict(layers, "'piece layers'");
  const pieceLayers = new Map<string, Uint8Array>();
  for (const entry of entries) {
    if (entry.kind !== 'file' || entry.length <= pieceLength) continue;
    pieceLayers.set(Buffer.from(entry.piecesRoot!).toString('hex'), checkedLayer(entry, layerDict, pieceLength));
  }
  const span = spans.get(info)!;
  // As libtorrent reads it: a tree of one file is a single-file torrent, saved under the
  // file's own name (a folder holding one file and nothing else cannot be told apart).
  return {
    manifest: { name: singleFile ? entries[0]!.path : name, singleFile, pieceLength, entries, pieceLayers },
    infoHash: infoHashV2(bytes.subarray(span.start, span.end)),
  };
}

function checkedLayer(entry: FileEntry, layers: BDict, pieceLength: number): Uint8Array {
  const layer = layers.get(keyOf(entry.piecesRoot!));
  if (layer === undefined)
    throw new Bad(`'piece layers' has no layer for ${entry.path} (${entry.length} bytes, more than one piece)`);
  if (!(layer instanceof Uint8Array)) throw new Bad(`the piece layer of ${entry.path} is not a byte string`);
  const pieces = Math.ceil(entry.length / pieceLength);
  if (layer.length !== pieces * HASH_SIZE) {
    throw new Bad(
      `the piece layer of ${entry.path} has ${layer.length} bytes, but its ${entry.length} bytes make ${pieces} pieces (${pieces * HASH_SIZE} bytes)`,
    );
  }
  if (!Buffer.from(piecesRootOf(layer, pieceLength)).equals(entry.piecesRoot!)) {
    throw new Bad(`the piece layer of ${entry.path} does not hash to its 'pieces root'`);
  }
  return layer;
}

const MAX_DEPTH = 100;

function isFileNode(node: BDict): boolean {
  return node.has('');
}

function readTree(folder: BDict, path: string, entries: Entry[], depth: number): void {
  if (depth > MAX_DEPTH) throw new Bad(`'file tree' is nested more than ${MAX_DEPTH} folders deep`);
  if (folder.size === 0) throw new Bad(`'file tree' ${path === '' ? 'is empty' : `folder ${path} is empty`}`);
  for (const [key, value] of folder) {
    const name = asName(keyBytes(key), `a name in 'file tree'${path === '' ? '' : ` under ${path}`}`);
    const childPath = path === '' ? name : `${path}/${name}`;
    const node = asDict(value, `'file tree' entry ${childPath}`);
    if (isFileNode(node)) {
      if (node.size !== 1) throw new Bad(`'file tree' entry ${childPath} is both a file and a folder`);
      entries.push(fileOrLink(asDict(node.get(''), `the file dictionary of ${childPath}`), childPath));
    } else {
      entries.push({ kind: 'folder', path: childPath });
      readTree(node, childPath, entries, depth + 1);
    }
  }
}

function fileOrLink(file: BDict, path: string): Entry {
  const attr = file.get('attr');
  const flags = attr instanceof Uint8Array ? Buffer.from(attr).toString('latin1') : '';
  if (flags.includes('p')) throw new Bad(`${path} is a padding file, which v2 torrents do not have`);
  if (flags.includes('l')) {
    const list = file.get(keyOf('symlink path'));
    if (!Array.isArray(list) || list.length === 0) throw new Bad(`symlink ${path} has no 'symlink path'`);
    const components = list.map((component) => {
      const text = component instanceof Uint8Array ? utf8OrUndefined(component) : undefined;
      if (text === undefined || text === '' || text.includes('/') || hasControlCharacter(text)) {
        throw new Bad(`symlink ${path} has a bad 'symlink path' component (${describe(component)})`);
      }
      return text;
    });
    // BEP 47: the target is relative to the torrent's top folder.
    const fromTop = resolveLinkTarget('', components.join('/'));
    if (fromTop === undefined || fromTop === '')
      throw new Bad(`symlink ${path} points outside the tree (${components.join('/')})`);
    return { kind: 'symlink', path, target: posix.relative(posix.dirname(path), fromTop) };
  }
  const length = file.get('length');
  if (typeof length !== 'number' || length < 0)
    throw new Bad(`${path} has 'length' ${describe(length)}, not a byte count`);
  const root = file.get(keyOf('pieces root'));
  let piecesRoot: Uint8Array | null = null;
  if (length > 0) {
    if (!(root instanceof Uint8Array) || root.length !== HASH_SIZE)
      throw new Bad(`${path} has no 32-byte 'pieces root'`);
    piecesRoot = root;
  }
  const entry: FileEntry = { kind: 'file', path, length, piecesRoot };
  if (flags.includes('x')) entry.executable = true;
  return entry;
}

function asDict(value: BValue | undefined, what: string): BDict {
  if (!(value instanceof Map))
    throw new Bad(`${what} is ${value === undefined ? 'missing' : describe(value)}, not a dictionary`);
  return value;
}

function asName(value: BValue | undefined, what: string): string {
  if (!(value instanceof Uint8Array))
    throw new Bad(`${what} is ${value === undefined ? 'missing' : describe(value)}, not a string`);
  const name = utf8OrUndefined(value);
  if (name === undefined) throw new Bad(`${what} is not valid UTF-8`);
  const problem = nameProblem(name);
  if (problem !== undefined) throw new Bad(`${what} is ${problem}`);
  return name;
}

function describe(value: BValue | undefined): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number') return String(value);
  if (value instanceof Uint8Array)
    return value.length <= 40
      ? JSON.stringify(Buffer.from(value).toString('latin1'))
      : `a string of ${value.length} bytes`;
  if (Array.isArray(value)) return 'a list';
  return 'a dictionary';
}
