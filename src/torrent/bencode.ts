/**
 * Bencode (BEP 3) for v2 metainfo. Not the npm `bencode` package: it turns dictionary keys into
 * text (or hex when they are not UTF-8), so the 32-byte binary keys of BEP 52's `piece layers`
 * do not survive a round trip; it sorts binary keys by their string form when encoding
 * (webtorrent/node-bencode issue #88, open since 2020); and it gives no byte range of a value,
 * which the info-hash is computed over. This codec is strict and small instead.
 *
 * Values: integers as numbers (safe integers only), byte strings as Uint8Array, lists as
 * arrays, dictionaries as Maps whose keys are the key bytes as a 'latin1' string (one char per
 * byte), so that JS string order is bytewise order and any key survives.
 */

export type BValue = number | Uint8Array | BValue[] | BDict;
export type BDict = Map<string, BValue>;

export class BencodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BencodeError';
  }
}

/** A dictionary key from its bytes, or from text (encoded as UTF-8). */
export function keyOf(bytes: Uint8Array | string): string {
  return Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('latin1');
}

/** A dictionary key's bytes. */
export function keyBytes(key: string): Uint8Array {
  return Buffer.from(key, 'latin1');
}

/** Text as a byte string value (UTF-8). */
export function text(value: string): Uint8Array {
  return Buffer.from(value, 'utf8');
}

/** Encodes `value`; dictionary keys are written in bytewise order, as BEP 3 requires. */
export function encode(value: BValue): Uint8Array {
  const parts: Uint8Array[] = [];
  encodeInto(value, parts);
  return Buffer.concat(parts);
}

function encodeInto(value: BValue, parts: Uint8Array[]): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`bencode integers must be safe integers, not ${value}`);
    parts.push(Buffer.from(`i${value}e`, 'latin1'));
  } else if (value instanceof Uint8Array) {
    parts.push(Buffer.from(`${value.length}:`, 'latin1'), value);
  } else if (Array.isArray(value)) {
    parts.push(Buffer.from('l', 'latin1'));
    for (const item of value) encodeInto(item, parts);
    parts.push(Buffer.from('e', 'latin1'));
  } else {
    parts.push(Buffer.from('d', 'latin1'));
    for (const key of [...value.keys()].sort()) {
      encodeInto(keyBytes(key), parts);
      encodeInto(value.get(key)!, parts);
    }
    parts.push(Buffer.from('e', 'latin1'));
  }
}

export interface Decoded {
  value: BValue;
  /** Where each decoded dictionary's bytes start and end (end exclusive) in the input. */
  spans: WeakMap<BDict, { start: number; end: number }>;
}

const MAX_DEPTH = 200;

/** Decodes one value that must fill `data` exactly; throws BencodeError naming the byte. */
export function decode(data: Uint8Array): Decoded {
  const spans = new WeakMap<BDict, { start: number; end: number }>();
  let at = 0;
  const fail = (what: string): never => {
    throw new BencodeError(`${what} at byte ${at}`);
  };

  const digitsUntil = (stop: number): string => {
    const start = at;
    while (at < data.length && data[at] !== stop) at++;
    if (at >= data.length) fail(`unterminated ${stop === 0x65 ? 'integer' : 'string length'}`);
    return Buffer.from(data.subarray(start, at)).toString('latin1');
  };

  const byteString = (): Uint8Array => {
    const digits = digitsUntil(0x3a); // ':'
    if (!/^(0|[1-9]\d*)$/.test(digits)) fail(`bad string length "${digits}"`);
    const length = Number(digits);
    at++;
    if (!Number.isSafeInteger(length) || at + length > data.length) fail(`string of ${digits} bytes runs past the end`);
    // A plain Uint8Array view (not a Buffer, even when the input is one): what encode takes.
    const bytes = new Uint8Array(data.buffer, data.byteOffset + at, length);
    at += length;
    return bytes;
  };

  const next = (depth: number): BValue => {
    if (depth > MAX_DEPTH) fail('nested too deep');
    if (at >= data.length) fail('unexpected end of data');
    const first = data[at]!;
    if (first === 0x69) {
      // 'i'
      at++;
      const digits = digitsUntil(0x65);
      if (!/^(0|-?[1-9]\d*)$/.test(digits)) fail(`bad integer "${digits}"`);
      const value = Number(digits);
      if (!Number.isSafeInteger(value)) fail(`integer ${digits} is too large`);
      at++;
      return value;
    }
    if (first === 0x6c) {
      // 'l'
      at++;
      const list: BValue[] = [];
      while (data[at] !== 0x65) list.push(next(depth + 1));
      at++;
      return list;
    }
    if (first === 0x64) {
      // 'd'
      const start = at;
      at++;
      const dict: BDict = new Map();
      while (data[at] !== 0x65) {
        if (at >= data.length) fail('unterminated dictionary');
        if (data[at]! < 0x30 || data[at]! > 0x39) fail('dictionary key is not a string');
        const key = keyOf(byteString());
        if (dict.has(key)) fail(`duplicate key "${key}"`);
        dict.set(key, next(depth + 1));
      }
      at++;
      spans.set(dict, { start, end: at });
      return dict;
    }
    if (first >= 0x30 && first <= 0x39) return byteString();
    return fail(`unexpected byte 0x${first.toString(16).padStart(2, '0')}`);
  };

  const value = next(0);
  if (at !== data.length) fail('trailing data after the value');
  return { value, spans };
}
