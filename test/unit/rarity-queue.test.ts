import test from 'ava';

import { RarityQueue } from '../../src/peer/rarity-queue.js';
import { randomIndex, seededRandom } from '../../src/protocol/random.js';

/** The obvious implementation: a map from segment to its number of holders. */
class NaiveQueue {
  readonly holders = new Map<number, number>();

  rarestSet(): Set<number> {
    const fewest = Math.min(...this.holders.values());
    return new Set([...this.holders].filter(([, count]) => count === fewest).map(([segment]) => segment));
  }
}

test('an empty queue has nothing rarest', (t) => {
  const queue = new RarityQueue(10);
  t.is(queue.size, 0);
  t.is(queue.rarest(seededRandom(1)), -1);
  t.false(queue.has(3));
  t.is(new RarityQueue(0).rarest(seededRandom(1)), -1);
});

test('picks the segment with the fewest holders', (t) => {
  const queue = new RarityQueue(6);
  queue.insert(0, 5);
  queue.insert(1, 3);
  queue.insert(2, 4);
  queue.insert(3, 2);
  queue.insert(4, 9);
  for (let seed = 1; seed <= 20; seed++) t.is(queue.rarest(seededRandom(seed)), 3);
  queue.remove(3);
  t.is(queue.rarest(seededRandom(1)), 1);
  queue.move(4, 1);
  t.is(queue.rarest(seededRandom(1)), 4);
  t.is(queue.size, 4);
});

test('rarest does not take the segment out', (t) => {
  const queue = new RarityQueue(3);
  queue.insert(2, 1);
  t.is(queue.rarest(seededRandom(1)), 2);
  t.is(queue.rarest(seededRandom(2)), 2);
  t.true(queue.has(2));
  t.is(queue.size, 1);
});

test('random among equals: the same seed gives the same picks, and every equal is picked', (t) => {
  const queue = new RarityQueue(100);
  const equals = [3, 17, 42, 56, 99];
  for (let segment = 0; segment < 100; segment++) queue.insert(segment, equals.includes(segment) ? 2 : 3);
  const picks = (seed: number): number[] => {
    const random = seededRandom(seed);
    return Array.from({ length: 200 }, () => queue.rarest(random));
  };
  t.deepEqual(picks(5), picks(5));
  t.notDeepEqual(picks(5), picks(6));
  const seen = new Set(picks(5));
  t.deepEqual(
    [...seen].sort((a, b) => a - b),
    equals,
  );
  // Roughly even: each of 5 equals gets 40 of 200 picks on average.
  for (const segment of equals) {
    const count = picks(5).filter((pick) => pick === segment).length;
    t.true(count >= 15 && count <= 70, `segment ${segment} picked ${count} times`);
  }
});

test('move to the same bucket, and move or remove of an absent segment, change nothing', (t) => {
  const queue = new RarityQueue(4);
  queue.insert(1, 2);
  queue.move(1, 2);
  queue.move(0, 1);
  queue.remove(3);
  t.is(queue.size, 1);
  t.false(queue.has(0));
  t.false(queue.has(3));
  t.is(queue.rarest(seededRandom(1)), 1);
});

for (const seed of [1, 2, 3, 4, 5]) {
  test(`matches a naive model over many random operations (seed ${seed})`, (t) => {
    const random = seededRandom(seed);
    const segments = 64;
    const queue = new RarityQueue(segments);
    const model = new NaiveQueue();
    for (let step = 0; step < 5000; step++) {
      const segment = randomIndex(random, segments);
      const holders = 1 + randomIndex(random, 12);
      const operation = random();
      if (operation < 0.4) {
        if (!model.holders.has(segment)) {
          queue.insert(segment, holders);
          model.holders.set(segment, holders);
        }
      } else if (operation < 0.7) {
        queue.remove(segment);
        model.holders.delete(segment);
      } else {
        queue.move(segment, holders);
        if (model.holders.has(segment)) model.holders.set(segment, holders);
      }
      t.is(queue.size, model.holders.size);
      t.is(queue.has(segment), model.holders.has(segment));
      if (model.holders.size === 0) {
        t.is(queue.rarest(random), -1);
      } else {
        const pick = queue.rarest(random);
        t.true(model.rarestSet().has(pick), `step ${step}: picked ${pick}, not one of the rarest`);
      }
    }
    for (let segment = 0; segment < segments; segment++) t.is(queue.has(segment), model.holders.has(segment));
    // Emptying it through every remaining segment leaves nothing behind.
    for (const segment of [...model.holders.keys()]) queue.remove(segment);
    t.is(queue.size, 0);
    t.is(queue.rarest(random), -1);
  });
}
