/**
 * Binary building blocks of every message: little-endian integers, length-prefixed UTF-8
 * strings and byte strings. The reader checks every length against what is left, so a
 * malformed message fails with a ProtocolError, never a crash or a huge allocation.
 */
import { ProtocolError } from './protocol-error.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class WireWriter {
  #bytes: Uint8Array;
  #view: DataView;
  #length = 0;

  /** `allocate`: where the first `capacity` bytes come from (a fresh, zeroed array if absent). */
  constructor(capacity = 64, allocate?: (bytes: number) => Uint8Array) {
    this.#bytes = allocate?.(capacity) ?? new Uint8Array(capacity);
    // A given buffer may be a slice of a larger one (Node's pool).
    this.#view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength);
  }

  // Grows the buffer if needed: callers must take #bytes/#view only after calling it.
  #reserve(extra: number): number {
    const at = this.#length;
    const needed = at + extra;
    if (needed > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.#bytes.length * 2));
      grown.set(this.#bytes.subarray(0, at));
      this.#bytes = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#length = needed;
    return at;
  }

  u8(value: number): this {
    const at = this.#reserve(1);
    this.#view.setUint8(at, value);
    return this;
  }

  u32(value: number): this {
    const at = this.#reserve(4);
    this.#view.setUint32(at, value, true);
    return this;
  }

  /** u32 byte length, then the bytes. */
  bytes(value: Uint8Array): this {
    this.u32(value.length);
    const at = this.#reserve(value.length);
    this.#bytes.set(value, at);
    return this;
  }

  /**
   * u32 byte length, then room for that many bytes: returns a view of the room, to be filled
   * in place (a payload read straight into the outgoing message). The view stays valid only if
   * the writer never grows after this: give the constructor the exact size.
   */
  bytesSlot(length: number): Uint8Array {
    this.u32(length);
    const at = this.#reserve(length);
    return this.#bytes.subarray(at, at + length);
  }

  /** u32 byte length, then UTF-8. */
  string(value: string): this {
    return this.bytes(encoder.encode(value));
  }

  /**
   * u32 count, u32 width, then the strings back to back: ASCII strings of one length, such as a
   * file's segment hashes. One native encode for the lot, where a `str` each would cost two
   * calls a string in code that mostly runs once.
   */
  asciiStrings(values: readonly string[]): this {
    const width = values[0]?.length ?? 0;
    for (const value of values) {
      if (value.length !== width)
        throw new RangeError(`asciiStrings: strings of ${width} and ${value.length} characters`);
    }
    if (width === 0 && values.length > 0) throw new RangeError('asciiStrings: empty strings');
    const joined = values.join('');
    this.u32(values.length).u32(width);
    const at = this.#reserve(joined.length);
    const { read, written } = encoder.encodeInto(joined, this.#bytes.subarray(at, at + joined.length));
    if (read !== joined.length || written !== joined.length) throw new RangeError('asciiStrings: not ASCII');
    return this;
  }

  /** u32 count, then each as u32. */
  u32List(values: ArrayLike<number>): this {
    this.u32(values.length);
    const at = this.#reserve(4 * values.length);
    for (let i = 0; i < values.length; i++) this.#view.setUint32(at + 4 * i, values[i]!, true);
    return this;
  }

  /** u32 count, then each item written by `write`. */
  list<T>(items: readonly T[], write: (item: T) => void): this {
    this.u32(items.length);
    for (const item of items) write(item);
    return this;
  }

  finish(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }
}

export class WireReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #take(size: number, what: string): number {
    if (size > this.#bytes.length - this.#at) {
      throw new ProtocolError(
        `message truncated: ${what} needs ${size} bytes at offset ${this.#at}, ` +
          `${this.#bytes.length - this.#at} left`,
      );
    }
    const at = this.#at;
    this.#at += size;
    return at;
  }

  u8(what: string): number {
    return this.#view.getUint8(this.#take(1, what));
  }

  u32(what: string): number {
    return this.#view.getUint32(this.#take(4, what), true);
  }

  /** A view into the message, no copy (a piece verified and written straight from it). */
  bytesView(what: string): Uint8Array {
    const length = this.u32(`${what} length`);
    const at = this.#take(length, what);
    return this.#bytes.subarray(at, at + length);
  }

  /** A copy, so it outlives the receive buffer. */
  bytes(what: string): Uint8Array {
    const length = this.u32(`${what} length`);
    const at = this.#take(length, what);
    return this.#bytes.slice(at, at + length);
  }

  string(what: string): string {
    const length = this.u32(`${what} length`);
    const at = this.#take(length, what);
    try {
      return decoder.decode(this.#bytes.subarray(at, at + length));
    } catch {
      throw new ProtocolError(`${what} is not valid UTF-8`);
    }
  }

  /** What WireWriter.asciiStrings wrote. */
  asciiStrings(what: string): string[] {
    const count = this.u32(`${what} count`);
    const width = this.u32(`${what} width`);
    if (width === 0 && count > 0) throw new ProtocolError(`${count} ${what} of width 0`);
    const size = count * width;
    if (size > this.#bytes.length - this.#at) {
      throw new ProtocolError(
        `message truncated: ${count} ${what} of ${width} bytes cannot fit in ` +
          `${this.#bytes.length - this.#at} bytes`,
      );
    }
    const at = this.#take(size, what);
    let text: string;
    try {
      text = decoder.decode(this.#bytes.subarray(at, at + size));
    } catch {
      throw new ProtocolError(`${what} are not valid UTF-8`);
    }
    // Any character beyond ASCII takes more bytes than UTF-16 units.
    if (text.length !== size) throw new ProtocolError(`${what} are not ASCII`);
    const values = new Array<string>(count);
    for (let i = 0; i < count; i++) values[i] = text.slice(i * width, (i + 1) * width);
    return values;
  }

  u32List(what: string): number[] {
    const count = this.#count(4, what);
    const at = this.#take(4 * count, what);
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = this.#view.getUint32(at + 4 * i, true);
    return values;
  }

  /** A u32 count, then `count` items; each item needs at least `minItemBytes`. */
  list<T>(what: string, minItemBytes: number, read: () => T): T[] {
    const count = this.#count(minItemBytes, what);
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = read();
    return items;
  }

  // A count that cannot fit in what is left is malformed: refuse before allocating.
  #count(minItemBytes: number, what: string): number {
    const count = this.u32(`${what} count`);
    if (count * minItemBytes > this.#bytes.length - this.#at) {
      throw new ProtocolError(
        `message truncated: ${count} ${what} cannot fit in ` + `${this.#bytes.length - this.#at} bytes`,
      );
    }
    return count;
  }

  /** Every byte must have been read. */
  end(what: string): void {
    if (this.#at !== this.#bytes.length) {
      const extra = this.#bytes.length - this.#at;
      throw new ProtocolError(`${extra} unexpected byte${extra === 1 ? '' : 's'} after a ${what} message`);
    }
  }
}
