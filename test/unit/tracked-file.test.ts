import test from 'ava';

import { Bitfield } from '../../src/protocol/bitfield.js';
import { HolderChange, type HolderUpdate } from '../../src/protocol/messages.js';
import { TrackedFile } from '../../src/tracker/tracked-file.js';

const hashes = (count: number): string[] => Array.from({ length: count }, (_, i) => i.toString(16).padStart(32, '0'));

function file(segments: number, owners: number[] = [1]): TrackedFile {
  const tracked = new TrackedFile(0, 'file1', hashes(segments));
  for (const rank of owners) tracked.addOwner({ rank, path: `in${rank}.txt`, line: 2 });
  return tracked;
}

function bitfieldOf(size: number, segments: number[]): Uint8Array {
  const bitfield = new Bitfield(size);
  for (const segment of segments) bitfield.set(segment);
  return bitfield.bytes;
}

const byRank = (updates: HolderUpdate[]): Map<number, HolderUpdate> =>
  new Map(updates.map((update) => [update.rank, update]));

test('first view: owners are All, partial holders Bitfield or Added; the requester never sees itself', (t) => {
  const tracked = file(80, [1, 2]);
  tracked.addSegments(3, [5]);
  tracked.addSegments(
    4,
    Array.from({ length: 40 }, (_, i) => i * 2),
  );
  tracked.addSegments(5, [1, 2, 3]);
  const updates = byRank(tracked.changesFor(5));
  t.deepEqual([...updates.keys()].sort(), [1, 2, 3, 4]);
  t.deepEqual(updates.get(1), { rank: 1, change: HolderChange.All });
  t.deepEqual(updates.get(2), { rank: 2, change: HolderChange.All });
  t.deepEqual(updates.get(3), { rank: 3, change: HolderChange.Added, added: [5] });
  t.deepEqual(updates.get(4), {
    rank: 4,
    change: HolderChange.Bitfield,
    bitfield: bitfieldOf(
      80,
      Array.from({ length: 40 }, (_, i) => i * 2),
    ),
  });
  t.false(tracked.changesFor(1).some((update) => update.rank === 1));
});

test('later views carry only what changed', (t) => {
  const tracked = file(800);
  tracked.addSegments(2, [10, 20]);
  t.is(tracked.changesFor(3).length, 2);
  t.deepEqual(tracked.changesFor(3), [], 'nothing new');
  tracked.addSegments(2, [30, 10]);
  t.deepEqual(
    tracked.changesFor(3),
    [{ rank: 2, change: HolderChange.Added, added: [30] }],
    'only the new segment, once',
  );
  t.deepEqual(tracked.changesFor(3), []);
  tracked.addSegments(4, [7]);
  t.deepEqual(tracked.changesFor(3), [{ rank: 4, change: HolderChange.Added, added: [7] }], 'a new holder');
  tracked.addSegments(
    2,
    Array.from({ length: 800 }, (_, i) => i),
  );
  tracked.complete(2, 1.5);
  t.deepEqual(tracked.changesFor(3), [{ rank: 2, change: HolderChange.All }], 'a holder that completed becomes All');
  t.deepEqual(tracked.changesFor(3), []);
  t.is(tracked.completedAt.get(2), 1.5);
});

test('each requester has its own view', (t) => {
  const tracked = file(100);
  tracked.changesFor(3);
  tracked.addSegments(2, [1]);
  t.deepEqual(tracked.changesFor(3), [{ rank: 2, change: HolderChange.Added, added: [1] }]);
  tracked.addSegments(2, [2]);
  t.deepEqual(byRank(tracked.changesFor(4)).get(2), { rank: 2, change: HolderChange.Added, added: [1, 2] });
  t.deepEqual(tracked.changesFor(3), [{ rank: 2, change: HolderChange.Added, added: [2] }]);
});

test('Added while four bytes a segment is smaller than the bitfield, else Bitfield', (t) => {
  // 80 segments: a 10-byte bitfield. Two new segments (8 bytes) are Added; three (12) a Bitfield.
  const tracked = file(80);
  tracked.addSegments(2, [0, 1]);
  t.is(byRank(tracked.changesFor(3)).get(2)?.change, HolderChange.Added);
  tracked.addSegments(2, [2, 3, 4]);
  t.deepEqual(byRank(tracked.changesFor(3)).get(2), {
    rank: 2,
    change: HolderChange.Bitfield,
    bitfield: bitfieldOf(80, [0, 1, 2, 3, 4]),
  });
  tracked.addSegments(2, [5, 6]);
  t.deepEqual(byRank(tracked.changesFor(3)).get(2), { rank: 2, change: HolderChange.Added, added: [5, 6] });
  // The choice is made on what is new to this requester, not on the holder's total.
  t.deepEqual(byRank(tracked.changesFor(4)).get(2)?.change, HolderChange.Bitfield);
});

test('a bitfield sent is a copy: later changes do not alter a message already built', (t) => {
  const tracked = file(16);
  tracked.addSegments(2, [0, 1, 2, 3]);
  const sent = byRank(tracked.changesFor(3)).get(2)!;
  t.is(sent.change, HolderChange.Bitfield);
  tracked.addSegments(2, [15]);
  t.deepEqual(sent.bitfield, bitfieldOf(16, [0, 1, 2, 3]));
});

test('a distrusted holder is Removed once for those who knew it, and never shown to the rest', (t) => {
  const tracked = file(50, [1, 2]);
  tracked.changesFor(3);
  t.false(tracked.strike(2, 3));
  t.false(tracked.strike(2, 3));
  t.true(tracked.strike(2, 3), 'the third strike distrusts');
  t.false(tracked.strike(2, 3), 'only once');
  t.is(tracked.strikes.get(2), 4);
  t.deepEqual([...tracked.distrusted], [2]);
  t.deepEqual(tracked.changesFor(3), [{ rank: 2, change: HolderChange.Removed }]);
  t.deepEqual(tracked.changesFor(3), []);
  t.deepEqual(tracked.changesFor(4), [{ rank: 1, change: HolderChange.All }], 'a newcomer never hears of it');
  tracked.addSegments(2, [1]);
  t.deepEqual(tracked.changesFor(3), [], 'nor of its later segments');
});

test('a partial holder distrusted before anyone saw it is never shown', (t) => {
  const tracked = file(50);
  tracked.addSegments(4, [1, 2]);
  tracked.strike(4, 1);
  t.deepEqual(tracked.changesFor(3), [{ rank: 1, change: HolderChange.All }]);
});

test('a file with no segments: owners are All, and a completed peer too', (t) => {
  const tracked = file(0);
  tracked.addSegments(2, []);
  tracked.complete(2, 0);
  t.deepEqual(
    byRank(tracked.changesFor(3)),
    new Map([
      [1, { rank: 1, change: HolderChange.All }],
      [2, { rank: 2, change: HolderChange.All }],
    ]),
  );
});
