import test from 'ava';

import { Bitfield } from '../../src/protocol/bitfield.js';
import { seededRandom, randomIndex } from '../../src/protocol/random.js';

const members = (bitfield: Bitfield): number[] =>
  Array.from({ length: bitfield.size }, (_, i) => i).filter((i) => bitfield.has(i));

test('a new bitfield is empty and takes ceil(size / 8) bytes', (t) => {
  for (const size of [0, 1, 7, 8, 9, 16, 17, 1000]) {
    const bitfield = new Bitfield(size);
    t.is(bitfield.size, size);
    t.is(bitfield.bytes.length, Math.ceil(size / 8));
    t.deepEqual(members(bitfield), []);
  }
});

test('bit i is segment i, most significant bit first, as in BitTorrent', (t) => {
  const bitfield = new Bitfield(16);
  bitfield.set(0);
  bitfield.set(7);
  bitfield.set(9);
  t.deepEqual([...bitfield.bytes], [0b1000_0001, 0b0100_0000]);
  t.deepEqual(members(new Bitfield(12, Uint8Array.of(0b0010_0000, 0b0001_0000))), [2, 11]);
});

test('full sets every segment and no padding bit', (t) => {
  for (const size of [0, 1, 5, 8, 13, 64, 81]) {
    const full = Bitfield.full(size);
    t.deepEqual(
      members(full),
      Array.from({ length: size }, (_, i) => i),
      `size ${size}`,
    );
    const padding = full.bytes.length * 8 - size;
    if (padding > 0) t.is(full.bytes.at(-1)! & ((1 << padding) - 1), 0, `size ${size}`);
  }
  t.deepEqual([...Bitfield.full(13).bytes], [0xff, 0b1111_1000]);
});

test('bytes given to the constructor are copied, trimmed to size, and their padding cleared', (t) => {
  const source = Uint8Array.of(0xff, 0xff, 0xff);
  const bitfield = new Bitfield(10, source);
  t.deepEqual([...bitfield.bytes], [0xff, 0b1100_0000]);
  bitfield.clear(0);
  t.is(source[0], 0xff, 'the source is not changed');
  t.deepEqual([...new Bitfield(20, Uint8Array.of(0x80)).bytes], [0x80, 0, 0], 'short input: the rest is empty');
});

test('set and clear touch only their own bit', (t) => {
  const random = seededRandom(11);
  const size = 77;
  const bitfield = new Bitfield(size);
  const model = new Set<number>();
  for (let step = 0; step < 2000; step++) {
    const index = randomIndex(random, size);
    if (random() < 0.6) {
      bitfield.set(index);
      model.add(index);
    } else {
      bitfield.clear(index);
      model.delete(index);
    }
    t.is(bitfield.has(index), model.has(index));
  }
  t.deepEqual(
    members(bitfield),
    [...model].sort((a, b) => a - b),
  );
  t.is(bitfield.bytes.at(-1)! & 0b0000_0111, 0, 'padding stays clear');
});

test('has is false past the end', (t) => {
  const full = Bitfield.full(9);
  t.false(full.has(9));
  t.false(full.has(16));
  t.false(full.has(1000));
});
