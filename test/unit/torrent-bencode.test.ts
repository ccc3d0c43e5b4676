/** Bencode as BEP 3 writes it, strict on reading; binary keys survive (BEP 52's piece layers). */
import test from 'ava';
import { randomBytes } from 'node:crypto';

import { BencodeError, decode, encode, keyBytes, keyOf, text, type BValue } from '../../src/torrent/bencode.js';

const bytes = (value: string) => Buffer.from(value, 'latin1');
const latin1 = (value: Uint8Array) => Buffer.from(value).toString('latin1');

test('values encode as BEP 3 spells them', (t) => {
  t.is(latin1(encode(42)), 'i42e');
  t.is(latin1(encode(-3)), 'i-3e');
  t.is(latin1(encode(0)), 'i0e');
  t.is(latin1(encode(text('spam'))), '4:spam');
  t.is(latin1(encode([text('a'), 1])), 'l1:ai1ee');
  t.is(
    latin1(
      encode(
        new Map<string, BValue>([
          ['cow', text('moo')],
          ['spam', text('eggs')],
        ]),
      ),
    ),
    'd3:cow3:moo4:spam4:eggse',
  );
});

test('dictionary keys are written in bytewise order, whatever the insertion order or the text', (t) => {
  // UTF-16 order would put U+FF5E before U+1F600 (a surrogate pair); bytewise, EF < F0 as well,
  // but 'B' (0x42) before 'a', and 'a' before 'a-c' before 'é' (C3 A9).
  const names = ['é', '\u{1F600}', 'a-c', 'B', 'a', '\uFF5E'];
  const dict = new Map<string, BValue>(names.map((name) => [keyOf(name), 1]));
  const decoded = decode(encode(dict)).value as Map<string, BValue>;
  const order = [...decoded.keys()].map((key) => Buffer.from(keyBytes(key)).toString('utf8'));
  t.deepEqual(order, ['B', 'a', 'a-c', 'é', '\uFF5E', '\u{1F600}']);
});

test('binary keys and values survive a round trip byte for byte', (t) => {
  const key = randomBytes(32);
  const value = randomBytes(100);
  const decoded = decode(encode(new Map([[keyOf(key), value]]))).value as Map<string, BValue>;
  t.deepEqual(Buffer.from(keyBytes([...decoded.keys()][0]!)), key);
  t.deepEqual(Buffer.from(decoded.get(keyOf(key)) as Uint8Array), value);
});

test("decoding gives each dictionary's byte range", (t) => {
  const data = bytes('d4:infod1:ai1eee');
  const { value, spans } = decode(data);
  const info = (value as Map<string, BValue>).get('info') as Map<string, BValue>;
  t.deepEqual(spans.get(info), { start: 7, end: 15 });
  t.is(latin1(data.subarray(7, 15)), 'd1:ai1ee');
});

const MALFORMED: [string, string, RegExp][] = [
  ['empty input', '', /unexpected end of data at byte 0/],
  ['a truncated string', '5:ab', /runs past the end/],
  ['an integer with a leading zero', 'i03e', /bad integer "03"/],
  ['minus zero', 'i-0e', /bad integer "-0"/],
  ['an unterminated integer', 'i12', /unterminated integer/],
  ['an unterminated list', 'li1e', /unexpected end of data/],
  ['an unterminated dictionary', 'd1:ai1e', /unterminated dictionary/],
  ['a key that is not a string', 'di1ei2ee', /dictionary key is not a string/],
  ['a duplicate key', 'd1:ai1e1:ai2ee', /duplicate key "a"/],
  ['trailing data', 'i1ei2e', /trailing data after the value at byte 3/],
  ['an unknown type byte', 'x', /unexpected byte 0x78/],
  ['a length with a leading zero', '01:a', /bad string length "01"/],
  ['an integer beyond 2^53', 'i9007199254740993e', /too large/],
];

for (const [what, input, message] of MALFORMED) {
  test(`decoding rejects ${what}`, (t) => {
    const error = t.throws(() => decode(bytes(input)), { instanceOf: BencodeError });
    t.regex(error!.message, message);
  });
}

test('decoding rejects nesting deeper than 200 levels rather than overflowing the stack', (t) => {
  t.throws(() => decode(bytes('l'.repeat(100_000) + 'e'.repeat(100_000))), {
    instanceOf: BencodeError,
    message: /nested too deep/,
  });
});
