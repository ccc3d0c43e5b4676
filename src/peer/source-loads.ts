/** Which holder to ask for a segment: the one most likely to answer well and soon. */
import { randomIndex, type Random } from '../protocol/random.js';
import type { FileDownload } from './file-download.js';

/** What this peer knows of a holder: how busy it keeps it and how it behaved. */
export interface SourceLoad {
  inFlight: number;
  received: number;
  timeouts: number;
}

export class SourceLoads {
  readonly #loads = new Map<number, SourceLoad>();

  of(rank: number): SourceLoad {
    let load = this.#loads.get(rank);
    if (load === undefined) {
      load = { inFlight: 0, received: 0, timeouts: 0 };
      this.#loads.set(rank, load);
    }
    return load;
  }

  /**
   * A usable holder of `segment`: holders that timed out last, then those that sent bad data
   * of this file, then the fewest requests in flight, then the fewest served so far; random
   * among equals, so peers spread their load instead of all asking the first seed. Ranks in
   * `avoid` only when no other holder has it.
   */
  choose(file: FileDownload, segment: number, random: Random, avoid?: readonly number[]): number {
    let best = -1;
    let bestLoad: SourceLoad | undefined;
    let bestStrikes = 0;
    let bestAvoided = true;
    let ties = 0;
    for (const [rank, bits] of file.holders) {
      if (file.excluded.has(rank) || !bits.has(segment)) continue;
      const load = this.of(rank);
      const strikes = file.strikes.get(rank) ?? 0;
      const avoided = avoid?.includes(rank) ?? false;
      const order =
        bestLoad === undefined
          ? -1
          : Number(avoided) - Number(bestAvoided) || compareLoads(load, strikes, bestLoad, bestStrikes);
      if (order < 0) {
        best = rank;
        bestLoad = load;
        bestStrikes = strikes;
        bestAvoided = avoided;
        ties = 1;
      } else if (order === 0 && randomIndex(random, ++ties) === 0) {
        best = rank;
      }
    }
    if (best < 0) throw new Error(`segment ${segment} of ${file.name} is queued but has no usable holder`);
    return best;
  }
}

/** Negative when holder a is the better choice: fewer timeouts, strikes, requests in flight, served. */
function compareLoads(a: SourceLoad, aStrikes: number, b: SourceLoad, bStrikes: number): number {
  return a.timeouts - b.timeouts || aStrikes - bStrikes || a.inFlight - b.inFlight || a.received - b.received;
}
