/**
 * The plain data that describes a destination on disk, passed whole between threads. Files are
 * opened by each thread as needed (a bounded set of descriptors: a dataset may hold 100 000 files).
 */
import type { PieceGeometry } from './geometry.js';

export interface StoredFileEntry {
  /** The file's name in the dataset, for messages. */
  name: string;
  /** Absolute paths: where the file ends, and the hidden name it has until it is verified. */
  finalPath: string;
  partialPath: string;
  length: number;
  mode?: number;
  mtimeMs?: number;
  /** True when the partial file was just created: nothing in it to check. */
  fresh: boolean;
}

export interface StoredFolder {
  path: string;
  mode?: number;
  mtimeMs?: number;
}

export interface StoredTree {
  /** The expanded DEST. */
  root: string;
  files: StoredFileEntry[];
  /** Parents before children. */
  folders: StoredFolder[];
  geometry: PieceGeometry;
  /** One byte a piece: 1 once verified on disk (Atomics). */
  have: SharedArrayBuffer;
  /** One Int32 a file: its pieces not yet on disk; the file is renamed when it reaches 0. */
  remaining: SharedArrayBuffer;
}
