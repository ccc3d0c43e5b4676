/**
 * The tracker's knowledge, kept apart from message handling: every file, who holds which of
 * its segments, who completed it when, and whom not to trust. Swarms are sent as changes
 * since what each peer was last told, so a refresh costs what is new, not the whole file.
 */
import { Bitfield } from '../protocol/bitfield.js';
import { HolderChange, type HolderUpdate } from '../protocol/messages.js';

export interface Owner {
  rank: number;
  path: string;
  line: number;
}

interface Holder {
  bitfield: Bitfield;
  complete: boolean;
  /** Segments in the order the tracker learned of them; the tail is what others do not know. */
  learned: number[];
}

/** What one peer has been told about one holder of one file. */
interface Told {
  learnedUpTo: number;
  complete: boolean;
  removed: boolean;
}

export class TrackedFile {
  readonly id: number;
  readonly name: string;
  readonly hashes: readonly string[];
  readonly owners: Owner[] = [];
  readonly holders = new Map<number, Holder>();
  /** Seconds since the start at which each peer completed the file. */
  readonly completedAt = new Map<number, number>();
  /** Bad-data reports per sender. */
  readonly strikes = new Map<number, number>();
  /** Senders no longer offered as holders of this file. */
  readonly distrusted = new Set<number>();
  readonly #told = new Map<number, Map<number, Told>>();

  constructor(id: number, name: string, hashes: readonly string[]) {
    this.id = id;
    this.name = name;
    this.hashes = hashes;
  }

  get segmentCount(): number {
    return this.hashes.length;
  }

  addOwner(owner: Owner): void {
    this.owners.push(owner);
    const bitfield = Bitfield.full(this.segmentCount);
    this.holders.set(owner.rank, { bitfield, complete: true, learned: [] });
  }

  /** `rank` now also holds `segments` (already checked to be in range). */
  addSegments(rank: number, segments: readonly number[]): void {
    let holder = this.holders.get(rank);
    if (holder === undefined) {
      holder = { bitfield: new Bitfield(this.segmentCount), complete: false, learned: [] };
      this.holders.set(rank, holder);
    }
    for (const segment of segments) {
      if (holder.bitfield.has(segment)) continue;
      holder.bitfield.set(segment);
      holder.learned.push(segment);
    }
  }

  complete(rank: number, seconds: number): void {
    const holder = this.holders.get(rank);
    if (holder) holder.complete = true;
    this.completedAt.set(rank, seconds);
  }

  /** Counts a bad-data report; returns true when `sender` has just become distrusted. */
  strike(sender: number, limit: number): boolean {
    const strikes = (this.strikes.get(sender) ?? 0) + 1;
    this.strikes.set(sender, strikes);
    if (strikes < limit || this.distrusted.has(sender)) return false;
    this.distrusted.add(sender);
    return true;
  }

  /** What `requester` does not know yet about the holders, in the most compact form each. */
  changesFor(requester: number): HolderUpdate[] {
    let told = this.#told.get(requester);
    if (told === undefined) {
      told = new Map();
      this.#told.set(requester, told);
    }
    const updates: HolderUpdate[] = [];
    for (const [rank, holder] of this.holders) {
      if (rank === requester) continue;
      const seen = told.get(rank);
      if (this.distrusted.has(rank)) {
        if (seen !== undefined && !seen.removed) updates.push({ rank, change: HolderChange.Removed });
        told.set(rank, { learnedUpTo: holder.learned.length, complete: holder.complete, removed: true });
        continue;
      }
      const update = this.#change(rank, holder, seen);
      if (update !== undefined) updates.push(update);
      told.set(rank, { learnedUpTo: holder.learned.length, complete: holder.complete, removed: false });
    }
    return updates;
  }

  #change(rank: number, holder: Holder, seen: Told | undefined): HolderUpdate | undefined {
    if (holder.complete) {
      return seen?.complete ? undefined : { rank, change: HolderChange.All };
    }
    const known = seen?.learnedUpTo ?? 0;
    const fresh = holder.learned.length - known;
    if (fresh === 0) return undefined;
    // Four bytes a new segment, or the whole bitfield: whichever is smaller.
    if (fresh * 4 >= holder.bitfield.bytes.length) {
      return { rank, change: HolderChange.Bitfield, bitfield: holder.bitfield.bytes.slice() };
    }
    return { rank, change: HolderChange.Added, added: holder.learned.slice(known) };
  }
}
