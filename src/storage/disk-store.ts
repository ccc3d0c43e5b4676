/**
 * Pieces on disk: written at their offsets into hidden partial files, read back at offsets for
 * uploads (the page cache is the cache), a have-flag per piece in shared memory for both worker
 * threads. A file gets its final name, mode and modification time once its last piece is on
 * disk; folders get theirs at the end. Every piece is verified before it is written.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  futimesSync,
  openSync,
  readSync,
  renameSync,
  chmodSync,
  utimesSync,
  writeSync,
} from 'node:fs';

import { secondsOf } from './file-time.js';
import { DestinationError } from './destination-error.js';
import type { StoredTree } from './tree.js';

/** Descriptors one thread keeps open at most (least recently used closed first). */
const OPEN_FILES = 128;

export class DiskStore {
  readonly tree: StoredTree;
  /** This thread's open files: file index -> fd, least recently used first. */
  readonly #open = new Map<number, number>();
  readonly #have: Uint8Array;
  readonly #remaining: Int32Array;
  /** Bytes written by this thread, for the statistics. */
  bytesWritten = 0;

  constructor(tree: StoredTree) {
    this.tree = tree;
    this.#have = new Uint8Array(tree.have);
    this.#remaining = new Int32Array(tree.remaining);
  }

  get pieceCount(): number {
    return this.tree.geometry.length.length;
  }

  /** The piece's length in bytes (`fileId`: the swarm's, ignored). */
  lengthOf(_fileId: number, piece: number): number {
    return this.tree.geometry.length[piece]!;
  }

  /** `fileId` is the swarm's (one file for the whole dataset): only the piece counts. */
  has(_fileId: number, piece: number): boolean {
    return piece >= 0 && piece < this.pieceCount && Atomics.load(this.#have, piece) === 1;
  }

  /** Pieces held, counted now. */
  heldCount(): number {
    let count = 0;
    for (let piece = 0; piece < this.pieceCount; piece++) count += Atomics.load(this.#have, piece);
    return count;
  }

  /** A piece's bytes from disk, in a fresh buffer. */
  read(_fileId: number, piece: number): Uint8Array {
    const target = new Uint8Array(this.lengthOf(0, piece));
    this.readInto(0, piece, target);
    return target;
  }

  /** Reads a piece straight into `target` (its length), e.g. an outgoing message's payload. */
  readInto(_fileId: number, piece: number, target: Uint8Array): void {
    const { geometry, files } = this.tree;
    const file = files[geometry.file[piece]!]!;
    const position = geometry.offset[piece]!;
    let done = 0;
    while (done < target.length) {
      let got: number;
      try {
        got = readSync(this.#fd(geometry.file[piece]!), target, done, target.length - done, position + done);
      } catch (error) {
        throw DestinationError.from(file.partialPath, error);
      }
      if (got === 0)
        throw new DestinationError(file.partialPath, `ended before piece ${piece} (truncated by someone else?)`);
      done += got;
    }
  }

  /** Writes a verified piece at its offset and flags it held; completes its file when last. */
  write(_fileId: number, piece: number, data: Uint8Array): void {
    if (this.has(0, piece)) return;
    const { geometry, files } = this.tree;
    if (data.length !== geometry.length[piece]) {
      throw new RangeError(`piece ${piece} is ${geometry.length[piece]} bytes, not ${data.length}`);
    }
    const file = files[geometry.file[piece]!]!;
    const position = geometry.offset[piece]!;
    let done = 0;
    try {
      const fd = this.#fd(geometry.file[piece]!);
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
    } catch (error) {
      throw DestinationError.from(file.partialPath, error);
    }
    this.bytesWritten += data.length;
    this.markHeld(piece);
  }

  /**
   * Flags a verified piece that was written to its partial file from elsewhere (a seeding
   * worker), counting its bytes as written; returns its length.
   */
  markWritten(piece: number): number {
    const length = this.tree.geometry.length[piece]!;
    this.bytesWritten += length;
    this.markHeld(piece);
    return length;
  }

  /** Flags a piece already on disk and verified; renames its file when it was the last. */
  markHeld(piece: number): void {
    if (Atomics.compareExchange(this.#have, piece, 0, 1) !== 0) return;
    const fileIndex = this.tree.geometry.file[piece]!;
    if (Atomics.sub(this.#remaining, fileIndex, 1) === 1) this.#complete(fileIndex);
  }

  /** True when every piece is on disk. */
  get complete(): boolean {
    return this.#remaining.every((left) => left === 0);
  }

  // Mode and time are set through the fd before the rename, so the final name never shows a
  // file that is still changing.
  #complete(fileIndex: number): void {
    const file = this.tree.files[fileIndex]!;
    try {
      const fd = this.#fd(fileIndex);
      if (file.mode !== undefined) fchmodSync(fd, file.mode);
      if (file.mtimeMs !== undefined) futimesSync(fd, new Date(), secondsOf(file.mtimeMs));
      renameSync(file.partialPath, file.finalPath);
    } catch (error) {
      throw DestinationError.from(file.finalPath, error);
    }
  }

  /** Once every file is complete: folders get their modes and times, children first. */
  finish(): void {
    for (const folder of [...this.tree.folders].reverse()) {
      try {
        if (folder.mode !== undefined) chmodSync(folder.path, folder.mode);
        if (folder.mtimeMs !== undefined) utimesSync(folder.path, new Date(), secondsOf(folder.mtimeMs));
      } catch (error) {
        throw DestinationError.from(folder.path, error);
      }
    }
  }

  /** Closes this thread's files. */
  close(): void {
    for (const fd of this.#open.values()) closeSync(fd);
    this.#open.clear();
  }

  /**
   * This thread's descriptor of a file, opened on first use: under its partial name, or, once
   * another thread has renamed it complete, its final one.
   */
  #fd(fileIndex: number): number {
    const cached = this.#open.get(fileIndex);
    if (cached !== undefined) {
      this.#open.delete(fileIndex);
      this.#open.set(fileIndex, cached);
      return cached;
    }
    const file = this.tree.files[fileIndex]!;
    let fd: number;
    try {
      fd = openSync(file.partialPath, constants.O_RDWR);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
      fd = openSync(file.finalPath, constants.O_RDONLY);
    }
    if (this.#open.size >= OPEN_FILES) {
      const [oldest, oldFd] = this.#open.entries().next().value!;
      this.#open.delete(oldest);
      closeSync(oldFd);
    }
    this.#open.set(fileIndex, fd);
    return fd;
  }
}
