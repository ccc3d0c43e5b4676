import test from 'ava';

import { SegmentStore } from '../../src/peer/store.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

test('holds what was written, per file and segment, and nothing else', (t) => {
  const store = SegmentStore.create([
    { id: 3, segmentCount: 4, slotSize: 8 },
    { id: 7, segmentCount: 0, slotSize: 8 },
  ]);
  t.is(store.segmentCount(3), 4);
  t.is(store.segmentCount(7), 0);
  t.is(store.segmentCount(1), undefined);
  store.write(3, 2, bytes(1, 2, 3));
  store.write(3, 0, bytes());
  t.true(store.has(3, 2));
  t.true(store.has(3, 0), 'an empty payload is still held');
  t.false(store.has(3, 1));
  t.false(store.has(3, 4), 'past the end');
  t.false(store.has(9, 0), 'another file');
  t.false(store.has(7, 0));
  t.deepEqual(store.read(3, 2), bytes(1, 2, 3));
  t.deepEqual(store.read(3, 0), bytes());
});

test('a payload longer than its slot is refused, and an unknown file is an error', (t) => {
  const store = SegmentStore.create([{ id: 0, segmentCount: 2, slotSize: 4 }]);
  t.throws(() => store.write(0, 1, new Uint8Array(5)), {
    instanceOf: RangeError,
    message: /segment 1 of file 0 is 5 bytes, more than its 4-byte slot/,
  });
  t.false(store.has(0, 1));
  t.throws(() => store.write(5, 0, new Uint8Array(1)), {
    instanceOf: RangeError,
    message: 'file 5 is not in this store',
  });
  store.write(0, 1, bytes(9, 9, 9, 9));
  store.write(0, 0, bytes(1));
  t.deepEqual(store.read(0, 1), bytes(9, 9, 9, 9), 'neighbouring slots do not overlap');
});

test('another store over the same layout sees the same segments (shared memory)', (t) => {
  const store = SegmentStore.create([{ id: 1, segmentCount: 3, slotSize: 32 }]);
  const other = new SegmentStore(store.layout);
  t.false(other.has(1, 2));
  store.write(1, 2, bytes(4, 5));
  t.true(other.has(1, 2));
  t.deepEqual(other.read(1, 2), bytes(4, 5));
  t.true(store.layout[0]!.data instanceof SharedArrayBuffer);
});
