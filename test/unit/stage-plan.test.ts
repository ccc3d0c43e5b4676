import test from 'ava';

import { expandDest, makePlan, overlapReason } from '../../src/stage/plan.js';

test('{rank} and {host} expand per rank into an absolute path', (t) => {
  t.is(expandDest('/tmp/d-{rank}/{host}/x', 3, 'n1'), '/tmp/d-3/n1/x');
  t.true(expandDest('rel/{rank}', 1, 'h').startsWith('/'));
});

test('ranks of one node with one destination have one writer, the lowest', (t) => {
  const plan = makePlan(
    [
      { rank: 0, host: 'a', node: 'a', dest: '/d' },
      { rank: 1, host: 'a', node: 'a', dest: '/d' },
      { rank: 2, host: 'b', node: 'b', dest: '/d' },
      { rank: 3, host: 'b', node: 'b', dest: '/d' },
      { rank: 4, host: 'a', node: 'a', dest: '/e' },
    ],
    1,
  );
  t.deepEqual(plan.writers, [0, 2, 4]);
  t.deepEqual(plan.writerOf, [0, 0, 2, 2, 4]);
  t.deepEqual(plan.seeders, [0]);
});

test('seeders come from distinct nodes first, then from other destinations', (t) => {
  const places = [
    { rank: 0, host: 'a', node: 'a', dest: '/d0' },
    { rank: 1, host: 'a', node: 'a', dest: '/d1' },
    { rank: 2, host: 'b', node: 'b', dest: '/d2' },
    { rank: 3, host: 'c', node: 'c', dest: '/d3' },
  ];
  t.deepEqual(makePlan(places, 2).seeders, [0, 2]);
  t.deepEqual(makePlan(places, 3).seeders, [0, 2, 3]);
  t.deepEqual(makePlan(places, 4).seeders, [0, 1, 2, 3]);
  t.deepEqual(makePlan(places, 9).seeders, [0, 1, 2, 3]);
});

test('DEST may not be SOURCE, nor inside it, nor hold it', (t) => {
  t.is(overlapReason('/data/set', '/data/set'), 'is SOURCE itself');
  t.is(overlapReason('/data/set', '/data/set/copy'), 'is inside SOURCE');
  t.is(overlapReason('/data/set', '/data'), 'holds SOURCE');
  t.is(overlapReason('/data/set', '/data/set2'), undefined);
  t.is(overlapReason('/data/set', '/tmp/copy'), undefined);
});
