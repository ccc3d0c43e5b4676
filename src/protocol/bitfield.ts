/** A set of segment numbers as bits, most significant bit first (as BitTorrent's bitfield). */
export class Bitfield {
  readonly size: number;
  readonly bytes: Uint8Array;

  constructor(size: number, bytes?: Uint8Array) {
    this.size = size;
    this.bytes = new Uint8Array(Math.ceil(size / 8));
    if (bytes) this.bytes.set(bytes.subarray(0, this.bytes.length));
    this.#clearPadding();
  }

  static full(size: number): Bitfield {
    const bitfield = new Bitfield(size);
    bitfield.bytes.fill(0xff);
    bitfield.#clearPadding();
    return bitfield;
  }

  has(index: number): boolean {
    return (this.bytes[index >>> 3]! & (0x80 >>> (index & 7))) !== 0;
  }

  set(index: number): void {
    this.bytes[index >>> 3]! |= 0x80 >>> (index & 7);
  }

  clear(index: number): void {
    this.bytes[index >>> 3]! &= ~(0x80 >>> (index & 7));
  }

  // Bits past `size` stay zero, so byte-wise comparisons and counts are exact.
  #clearPadding(): void {
    const extra = this.bytes.length * 8 - this.size;
    if (extra > 0) this.bytes[this.bytes.length - 1]! &= (0xff << extra) & 0xff;
  }
}
