/**
 * What a stage job moves and a `.torrent` describes, in BitTorrent v2 (BEP 52) terms: a tree of
 * entries, each regular file cut into pieces of `pieceLength` bytes that never span two files.
 * Shared by src/torrent (build, parse) and src/storage (disk), so both speak of the same thing.
 */

/** A path inside the dataset: components joined with '/', never '', '.', '..' or absolute. */
export type RelativePath = string;

export interface FileEntry {
  kind: 'file';
  path: RelativePath;
  length: number;
  /** Root of the file's merkle tree (32 bytes); null for an empty file. */
  piecesRoot: Uint8Array | null;
  /** Permission bits (mode & 0o7777); undefined when unknown (a `.torrent` has only 'x'). */
  mode?: number;
  /** Modification time in ms since the epoch; undefined when unknown. */
  mtimeMs?: number;
  /** Whether it is executable when `mode` is unknown (a `.torrent`'s BEP 47 attribute 'x'). */
  executable?: boolean;
}

export interface SymlinkEntry {
  kind: 'symlink';
  path: RelativePath;
  /** The link's target as stored, relative, never leaving the tree. */
  target: string;
}

export interface FolderEntry {
  kind: 'folder';
  path: RelativePath;
  mode?: number;
  mtimeMs?: number;
}

export type Entry = FileEntry | SymlinkEntry | FolderEntry;

export interface Manifest {
  /** The top folder's (or the single file's) name. */
  name: string;
  /** True when the dataset is one file, not a folder. */
  singleFile: boolean;
  /** A power of two, at least BLOCK_SIZE. */
  pieceLength: number;
  /** Sorted by path, as BEP 52's file tree orders them; folders included (empty ones too). */
  entries: Entry[];
  /**
   * Each file longer than one piece: its piece hashes (32 bytes each, concatenated), keyed by
   * the hex of its pieces root, as BEP 52's `piece layers`.
   */
  pieceLayers: Map<string, Uint8Array>;
}

/** One piece of the dataset, numbered across all files in entry order. */
export interface Piece {
  index: number;
  /** Index into `Manifest.entries` (always a file). */
  entry: number;
  offset: number;
  length: number;
  /** What the piece's merkle root must be (32 bytes). */
  hash: Uint8Array;
  /** Leaves of the piece's merkle tree (a power of two): see merkle.ts's pieceRoot. */
  leaves: number;
}
