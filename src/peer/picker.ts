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
   * among equals, so peers spread their load instead of all asking the first seed.
   */
  choose(file: FileDownload, segment: number, random: Random): number {
    let best = -1;
    let bestScore: number[] = [];
    let ties = 0;
    for (const [rank, bits] of file.holders) {
      if (file.excluded.has(rank) || !bits.has(segment)) continue;
      const load = this.of(rank);
      const score = [load.timeouts, file.strikes.get(rank) ?? 0, load.inFlight, load.received];
      const order = best < 0 ? -1 : compareScores(score, bestScore);
      if (order < 0) {
        best = rank;
        bestScore = score;
        ties = 1;
      } else if (order === 0 && randomIndex(random, ++ties) === 0) {
        best = rank;
      }
    }
    if (best < 0) throw new Error(`segment ${segment} of ${file.name} is queued but has no usable holder`);
    return best;
  }
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
