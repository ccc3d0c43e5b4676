/** A Manifest made from a source file or folder: walked, then hashed on worker threads. */
import type { Entry, Manifest } from './manifest.js';
import { hashFiles, type HashOptions } from './hash-pool.js';
import { choosePieceLength } from './piece-size.js';
import { walkSource } from './walk.js';

export interface BuildOptions extends HashOptions {
  /** A power of two of at least 16 KiB (default: chosen from the data's size). */
  pieceLength?: number;
}

/** Walks and hashes `source`; throws SourceError for a source that cannot be a torrent. */
export async function buildManifest(source: string, options: BuildOptions = {}): Promise<Manifest> {
  const tree = await walkSource(source);
  const files = tree.entries.flatMap((entry) => (entry.kind === 'file' ? [entry] : []));
  const totalBytes = files.reduce((sum, file) => sum + file.length, 0);
  const pieceLength = options.pieceLength ?? choosePieceLength(totalBytes);
  const toHash = files.map((file) => ({ path: tree.singleFile ? '' : file.path, length: file.length }));
  const hashed = await hashFiles(tree.root, toHash, pieceLength, options);
  const pieceLayers = new Map<string, Uint8Array>();
  let next = 0;
  const entries: Entry[] = tree.entries.map((entry) => {
    if (entry.kind !== 'file') return entry;
    const { piecesRoot, pieceLayer } = hashed[next++]!;
    if (piecesRoot !== null && pieceLayer !== null)
      pieceLayers.set(Buffer.from(piecesRoot).toString('hex'), pieceLayer);
    return { ...entry, piecesRoot };
  });
  return { name: tree.name, singleFile: tree.singleFile, pieceLength, entries, pieceLayers };
}

/** The bytes in a manifest's files. */
export function totalBytes(manifest: Manifest): number {
  return manifest.entries.reduce((sum, entry) => sum + (entry.kind === 'file' ? entry.length : 0), 0);
}
