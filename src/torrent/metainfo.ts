/**
 * A Manifest as a BitTorrent v2 `.torrent` (BEP 52; BEP 47's attributes for executables and
 * symlinks). Folders are implied by the paths of what they hold: an empty folder cannot be
 * expressed in a torrent and is left out.
 */
import { createHash } from 'node:crypto';

import { encode, keyOf, text, type BDict, type BValue } from './bencode.js';
import type { FileEntry, Manifest } from './manifest.js';
import { resolveLinkTarget } from './walk.js';

export interface MetainfoOptions {
  /** The `created by` field, e.g. 'mpitorrent 0.1.0'. */
  createdBy: string;
  /** Seconds since the epoch (default: now). */
  creationDate?: number;
}

export interface Metainfo {
  /** The whole `.torrent` file. */
  bytes: Uint8Array;
  /** The bencoded info dictionary, as it appears in `bytes`. */
  info: Uint8Array;
  /** SHA-256 of `info`: the v2 info-hash (32 bytes). */
  infoHash: Uint8Array;
}

/** BEP 52's v2 info-hash: SHA-256 of the bencoded info dictionary. */
export function infoHashV2(info: Uint8Array): Uint8Array {
  return createHash('sha256').update(info).digest();
}

/** BEP 47's 'x', as libtorrent sets it: the owner may execute the file. */
export function isExecutable(entry: FileEntry): boolean {
  return entry.mode === undefined ? entry.executable === true : (entry.mode & 0o100) !== 0;
}

/** The info dictionary of `manifest`. */
function infoDictionary(manifest: Manifest): BDict {
  const tree: BDict = new Map();
  for (const entry of manifest.entries) {
    if (entry.kind === 'folder') continue;
    const components = entry.path.split('/');
    let folder = tree;
    for (const component of components.slice(0, -1)) {
      const key = keyOf(component);
      let child = folder.get(key) as BDict | undefined;
      if (child === undefined) folder.set(key, (child = new Map()));
      folder = child;
    }
    const leaf: BDict = new Map();
    if (entry.kind === 'file') {
      leaf.set('length', entry.length);
      if (entry.piecesRoot !== null) leaf.set(keyOf('pieces root'), entry.piecesRoot);
      if (isExecutable(entry)) leaf.set('attr', text('x'));
    } else {
      const target = resolveLinkTarget(entry.path, entry.target);
      if (target === undefined || target === '') throw new Error(`symlink ${entry.path} points outside the tree`);
      leaf.set('attr', text('l'));
      leaf.set(keyOf('symlink path'), target.split('/').map(text));
    }
    folder.set(keyOf(components[components.length - 1]!), new Map([['', leaf]]));
  }
  return new Map<string, BValue>([
    [keyOf('file tree'), tree],
    [keyOf('meta version'), 2],
    ['name', text(manifest.name)],
    [keyOf('piece length'), manifest.pieceLength],
  ]);
}

/** The info dictionary of `manifest`, bencoded: what the info-hash is computed over. */
export function encodeInfo(manifest: Manifest): Uint8Array {
  return encode(infoDictionary(manifest));
}

/** The `.torrent` of `manifest`. */
export function buildMetainfo(manifest: Manifest, options: MetainfoOptions): Metainfo {
  const info = infoDictionary(manifest);
  const layers: BDict = new Map();
  for (const [rootHex, layer] of manifest.pieceLayers) layers.set(keyOf(Buffer.from(rootHex, 'hex')), layer);
  const bytes = encode(
    new Map<string, BValue>([
      [keyOf('created by'), text(options.createdBy)],
      [keyOf('creation date'), options.creationDate ?? Math.floor(Date.now() / 1000)],
      ['info', info],
      [keyOf('piece layers'), layers],
    ]),
  );
  // The encoding is canonical: the info dictionary is these same bytes inside the file.
  const infoBytes = encode(info);
  return { bytes, info: infoBytes, infoHash: infoHashV2(infoBytes) };
}
