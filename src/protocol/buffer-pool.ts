/**
 * Buffers of large messages kept for the next message of the same size. A fresh buffer of a
 * piece (128 KiB and up) costs a page fault per 4 KiB and its zeroing every time it is filled,
 * and lives until the garbage collector frees it: in a stage job that was ~15% of all CPU
 * (docs/decisions/019-reused-piece-buffers.md). Small messages are left to Node's own pool.
 */

/** Messages below this size are not worth keeping. */
export const REUSE_FROM_BYTES = 64 * 1024;

export class BufferPool {
  readonly #limitBytes: number;
  /** Idle buffers by exact size, most recently given back last. */
  readonly #idle = new Map<number, Uint8Array[]>();
  /** Every buffer this pool handed out and may take back. */
  readonly #ours = new WeakSet<ArrayBufferLike>();
  /** Buffers idle now, so that one given back twice is kept once. */
  readonly #idleSet = new WeakSet<ArrayBufferLike>();
  #idleBytes = 0;

  /** `limitBytes`: idle bytes kept at most; 0 keeps none (every take is fresh). */
  constructor(limitBytes: number) {
    this.#limitBytes = limitBytes;
  }

  get idleBytes(): number {
    return this.#idleBytes;
  }

  /** A buffer of exactly `bytes` bytes, contents undefined: an idle one when there is one. */
  take(bytes: number): Uint8Array {
    if (bytes < REUSE_FROM_BYTES || this.#limitBytes === 0) return Buffer.allocUnsafe(bytes);
    const reused = this.#idle.get(bytes)?.pop();
    if (reused !== undefined) {
      this.#idleBytes -= bytes;
      this.#idleSet.delete(reused.buffer);
      return reused;
    }
    // Its own memory, not a slice of Node's shared pool, so that it can be handed back whole.
    const fresh = Buffer.allocUnsafeSlow(bytes);
    this.#ours.add(fresh.buffer);
    return fresh;
  }

  /**
   * Takes back a buffer from take() that nobody uses any more; anything else is ignored, so a
   * caller may give back whatever it is done with.
   */
  give(buffer: Uint8Array): void {
    const memory = buffer.buffer;
    if (!this.#ours.has(memory) || this.#idleSet.has(memory)) return;
    if (buffer.byteOffset !== 0 || buffer.byteLength !== memory.byteLength) return;
    if (this.#idleBytes + buffer.byteLength > this.#limitBytes) this.#evict(buffer.byteLength);
    if (this.#idleBytes + buffer.byteLength > this.#limitBytes) return;
    const same = this.#idle.get(buffer.byteLength);
    if (same === undefined) this.#idle.set(buffer.byteLength, [buffer]);
    else same.push(buffer);
    this.#idleSet.add(memory);
    this.#idleBytes += buffer.byteLength;
  }

  // Sizes seen longest ago go first: a job's messages change size only at its last pieces.
  #evict(room: number): void {
    for (const [size, buffers] of this.#idle) {
      while (buffers.length > 0 && this.#idleBytes + room > this.#limitBytes) {
        this.#idleSet.delete(buffers.shift()!.buffer);
        this.#idleBytes -= size;
      }
      if (buffers.length === 0) this.#idle.delete(size);
      if (this.#idleBytes + room <= this.#limitBytes) return;
    }
  }
}
