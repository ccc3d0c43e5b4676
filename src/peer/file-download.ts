/**
 * One wanted file on its way: which segments are missing, asked for or held, who holds what
 * (from the tracker's swarms), and which missing segments can be asked for now (the rarity
 * queue) or have no usable holder (stalled).
 */
import { Bitfield } from '../protocol/bitfield.js';
import { HolderChange, type HolderUpdate } from '../protocol/messages.js';
import { ProtocolError } from '../protocol/protocol-error.js';
import { RarityQueue } from './rarity-queue.js';

export const SegmentState = {
  Missing: 0,
  Requested: 1,
  Held: 2,
} as const;

export class FileDownload {
  readonly id: number;
  readonly name: string;
  readonly segmentCount: number;
  hashes: readonly string[] | null = null;
  readonly state: Uint8Array;
  /** Missing segments with at least one usable holder. */
  readonly queue: RarityQueue;
  /** Missing segments no usable holder has. */
  readonly stalled = new Set<number>();
  /** Verified segments the tracker has not been told of yet. */
  unreported: number[] = [];
  held = 0;
  written = false;
  /** A swarm of this file asked for and not yet received. */
  swarmPending = false;
  /** The tracker's first swarm of this file has come: until then no segment can be stalled. */
  swarmReceived = false;
  /** Holders not to ask for this file any more (the tracker removed them, or bad data). */
  readonly excluded = new Set<number>();
  /** Bad payloads received per sender. */
  readonly strikes = new Map<number, number>();
  readonly holders = new Map<number, Bitfield>();
  readonly #usableHolders: Uint16Array;
  /** Usable holders of each segment that are not seeds (stage: ranks that read SOURCE). */
  readonly #usablePeers: Uint16Array;
  readonly #seeds: ReadonlySet<number>;

  constructor(id: number, name: string, segmentCount: number, seeds: ReadonlySet<number> = new Set()) {
    this.id = id;
    this.name = name;
    this.segmentCount = segmentCount;
    this.state = new Uint8Array(segmentCount);
    this.queue = new RarityQueue(segmentCount);
    this.#usableHolders = new Uint16Array(segmentCount);
    this.#usablePeers = new Uint16Array(segmentCount);
    this.#seeds = seeds;
    for (let segment = 0; segment < segmentCount; segment++) this.stalled.add(segment);
  }

  get complete(): boolean {
    return this.held === this.segmentCount;
  }

  /** Whether only seeds can send `segment` now (no other peer has it yet). */
  onlySeedsHold(segment: number): boolean {
    return this.#usablePeers[segment] === 0;
  }

  /** Takes in what changed in the swarm. */
  applySwarm(updates: readonly HolderUpdate[], self: number): void {
    for (const update of updates) {
      if (update.rank === self) throw new ProtocolError('a swarm lists the receiver as a holder');
      switch (update.change) {
        case HolderChange.All:
          this.#setHolder(update.rank, Bitfield.full(this.segmentCount));
          break;
        case HolderChange.Bitfield:
          if (update.bitfield!.length !== Math.ceil(this.segmentCount / 8)) {
            throw new ProtocolError(`a bitfield of ${update.bitfield!.length} bytes for ${this.segmentCount} segments`);
          }
          this.#setHolder(update.rank, new Bitfield(this.segmentCount, update.bitfield));
          break;
        case HolderChange.Added: {
          const bits = new Bitfield(this.segmentCount, this.holders.get(update.rank)?.bytes);
          for (const segment of update.added!) {
            if (segment >= this.segmentCount)
              throw new ProtocolError(`segment ${segment} of ${this.name} does not exist`);
            bits.set(segment);
          }
          this.#setHolder(update.rank, bits);
          break;
        }
        case HolderChange.Removed:
          this.exclude(update.rank);
          break;
      }
    }
  }

  /** Stops using `rank` as a source of this file. */
  exclude(rank: number): void {
    if (this.excluded.has(rank)) return;
    const bits = this.holders.get(rank);
    this.excluded.add(rank);
    if (bits) this.#countHolder(rank, bits, -1);
  }

  /** `rank` said it does not have `segment` after all. */
  forget(rank: number, segment: number): void {
    const bits = this.holders.get(rank);
    if (bits === undefined || !bits.has(segment)) return;
    bits.clear(segment);
    if (!this.excluded.has(rank)) this.#changeUsable(rank, segment, -1);
  }

  /** A segment leaves the queue to be asked for. */
  markRequested(segment: number): void {
    this.queue.remove(segment);
    this.state[segment] = SegmentState.Requested;
  }

  /** A segment is missing again (no answer, refused, or bad): back in line. */
  markMissing(segment: number): void {
    if (this.state[segment] === SegmentState.Held) return;
    this.state[segment] = SegmentState.Missing;
    this.#enqueue(segment);
  }

  /** Held before the download starts (the tracker knows it already: not reported). */
  markHeldAtStart(segment: number): void {
    if (this.state[segment] === SegmentState.Held) return;
    this.queue.remove(segment);
    this.stalled.delete(segment);
    this.state[segment] = SegmentState.Held;
    this.held++;
  }

  markHeld(segment: number): void {
    this.queue.remove(segment);
    this.stalled.delete(segment);
    this.state[segment] = SegmentState.Held;
    this.held++;
    this.unreported.push(segment);
  }

  #setHolder(rank: number, bits: Bitfield): void {
    const old = this.holders.get(rank);
    this.holders.set(rank, bits);
    if (this.excluded.has(rank)) return;
    if (old === undefined) {
      this.#countHolder(rank, bits, +1);
      return;
    }
    // Only the bytes that changed cost anything.
    for (let byte = 0; byte < bits.bytes.length; byte++) {
      const changed = bits.bytes[byte]! ^ old.bytes[byte]!;
      if (changed === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((changed & (0x80 >>> bit)) !== 0)
          this.#changeUsable(rank, byte * 8 + bit, bits.has(byte * 8 + bit) ? +1 : -1);
      }
    }
  }

  #countHolder(rank: number, bits: Bitfield, delta: number): void {
    for (let byte = 0; byte < bits.bytes.length; byte++) {
      const value = bits.bytes[byte]!;
      if (value === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((value & (0x80 >>> bit)) !== 0) this.#changeUsable(rank, byte * 8 + bit, delta);
      }
    }
  }

  #changeUsable(rank: number, segment: number, delta: number): void {
    if (!this.#seeds.has(rank)) this.#usablePeers[segment]! += delta;
    const holders = this.#usableHolders[segment]! + delta;
    this.#usableHolders[segment] = holders;
    if (this.state[segment] !== SegmentState.Missing) return;
    if (holders === 0) {
      this.queue.remove(segment);
      this.stalled.add(segment);
    } else if (this.queue.has(segment)) {
      this.queue.move(segment, holders);
    } else {
      this.stalled.delete(segment);
      this.queue.insert(segment, holders);
    }
  }

  #enqueue(segment: number): void {
    const holders = this.#usableHolders[segment]!;
    if (holders === 0) {
      this.stalled.add(segment);
    } else if (!this.queue.has(segment)) {
      this.queue.insert(segment, holders);
    }
  }
}
