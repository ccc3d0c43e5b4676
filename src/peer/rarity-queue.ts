/**
 * Missing segments bucketed by how many usable holders have them, so the rarest one (random
 * among equals) is found in O(holders), and moves between buckets cost O(1).
 */
import { randomIndex, type Random } from '../protocol/random.js';

export class RarityQueue {
  readonly #buckets: number[][] = [];
  readonly #bucketOf: Int32Array;
  readonly #position: Int32Array;
  #size = 0;

  constructor(segmentCount: number) {
    this.#bucketOf = new Int32Array(segmentCount).fill(-1);
    this.#position = new Int32Array(segmentCount);
  }

  get size(): number {
    return this.#size;
  }

  has(segment: number): boolean {
    return this.#bucketOf[segment] !== -1;
  }

  /** Adds a segment with `holders` (>= 1) usable holders. */
  insert(segment: number, holders: number): void {
    while (this.#buckets.length <= holders) this.#buckets.push([]);
    const bucket = this.#buckets[holders]!;
    this.#bucketOf[segment] = holders;
    this.#position[segment] = bucket.length;
    bucket.push(segment);
    this.#size++;
  }

  remove(segment: number): void {
    const holders = this.#bucketOf[segment]!;
    if (holders === -1) return;
    const bucket = this.#buckets[holders]!;
    const last = bucket.pop()!;
    if (last !== segment) {
      const at = this.#position[segment]!;
      bucket[at] = last;
      this.#position[last] = at;
    }
    this.#bucketOf[segment] = -1;
    this.#size--;
  }

  /** Re-buckets a queued segment whose number of usable holders changed. */
  move(segment: number, holders: number): void {
    if (this.#bucketOf[segment] === -1 || this.#bucketOf[segment] === holders) return;
    this.remove(segment);
    this.insert(segment, holders);
  }

  /**
   * Up to `limit` queued segments that `accept` takes, rarest first, looking at no more than
   * `budget` segments (so a holder with few of the missing segments costs little to ask).
   */
  collect(accept: (segment: number) => boolean, limit: number, budget: number): number[] {
    const found: number[] = [];
    let looked = 0;
    for (const bucket of this.#buckets) {
      for (const segment of bucket) {
        if (found.length >= limit || looked++ >= budget) return found;
        if (accept(segment)) found.push(segment);
      }
    }
    return found;
  }

  /**
   * A segment `accept` takes, with the fewest holders, random among equals; looks at no more
   * than `budget` segments; -1 when none is found.
   */
  rarestAccepted(accept: (segment: number) => boolean, random: Random, budget: number): number {
    let looked = 0;
    for (const bucket of this.#buckets) {
      let chosen = -1;
      let accepted = 0;
      // Reservoir sampling: each accepted segment of the bucket equally likely.
      for (const segment of bucket) {
        if (looked++ >= budget) return chosen;
        if (accept(segment) && randomIndex(random, ++accepted) === 0) chosen = segment;
      }
      if (chosen !== -1) return chosen;
    }
    return -1;
  }

  /** A segment with the fewest holders, random among equals; -1 when empty. */
  rarest(random: Random): number {
    for (const bucket of this.#buckets) {
      if (bucket.length > 0) return bucket[randomIndex(random, bucket.length)]!;
    }
    return -1;
  }
}
