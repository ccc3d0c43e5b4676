/**
 * Rank 0's view of a stage job as it runs: bytes each writing node holds (from the tracker's
 * updates), the rate, the ETA and the slowest node; drawn as one rewritten line on a terminal
 * ('bar'), a line every few seconds otherwise ('lines'), or not at all. Also keeps a few samples
 * a second per node for the statistics.
 */
import { writeFully } from '../io/write-fully.js';
import { formatBytes } from '../io/byte-size.js';

const LINE_EVERY_MS = 3000;
const BAR_EVERY_MS = 200;
const SAMPLE_EVERY_MS = 250;

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}

export class StageProgress {
  readonly held = new Map<number, number>();
  readonly doneAt = new Map<number, number>();
  readonly samples = new Map<number, [number, number][]>();
  readonly #totalBytes: number;
  readonly #mode: 'bar' | 'lines' | 'none';
  readonly #startMs: number;
  readonly #lastSample = new Map<number, number>();
  #lastDraw = -Infinity;
  #heldAtStart = 0;

  /** `heldAtStart`: bytes each writer holds when the swarm starts; times in ms on one clock. */
  constructor(
    totalBytes: number,
    heldAtStart: ReadonlyMap<number, number>,
    mode: 'bar' | 'lines' | 'none',
    startMs: number,
  ) {
    this.#totalBytes = totalBytes;
    this.#mode = mode;
    this.#startMs = startMs;
    for (const [rank, bytes] of heldAtStart) {
      this.held.set(rank, bytes);
      this.samples.set(rank, []);
      this.#heldAtStart += bytes;
    }
  }

  add(rank: number, bytes: number, now: number): void {
    const held = (this.held.get(rank) ?? 0) + bytes;
    this.held.set(rank, held);
    const last = this.#lastSample.get(rank) ?? -Infinity;
    if (now - last >= SAMPLE_EVERY_MS) {
      this.#lastSample.set(rank, now);
      this.samples.get(rank)?.push([this.#seconds(now), held]);
    }
  }

  finished(rank: number, now: number): void {
    this.doneAt.set(rank, this.#seconds(now));
    this.samples.get(rank)?.push([this.#seconds(now), this.held.get(rank) ?? 0]);
  }

  /** Draws when due. */
  tick(now: number): void {
    if (this.#mode === 'none') return;
    const every = this.#mode === 'bar' ? BAR_EVERY_MS : LINE_EVERY_MS;
    if (now - this.#lastDraw < every) return;
    this.#lastDraw = now;
    const text = this.line(now);
    if (this.#mode === 'bar') {
      writeFully(2, `\r${text}\x1b[K`);
    } else {
      writeFully(2, `${text}\n`);
    }
  }

  /** Draws the final state (a batch log ends with where the job got to), ending the bar's line. */
  close(now: number): void {
    if (this.#mode === 'none') return;
    const text = this.line(now);
    writeFully(2, this.#mode === 'bar' ? `\r${text}\x1b[K\n` : `${text}\n`);
  }

  line(now: number): string {
    const nodes = this.held.size;
    const goal = this.#totalBytes * nodes;
    let done = 0;
    let slowest: [number, number] | undefined;
    for (const [rank, held] of this.held) {
      done += held;
      if (slowest === undefined || held < slowest[1]) slowest = [rank, held];
    }
    const elapsed = Math.max(this.#seconds(now), 1e-3);
    const rate = (done - this.#heldAtStart) / elapsed;
    const eta = rate > 0 ? (goal - done) / rate : Infinity;
    const fraction = goal === 0 ? 1 : done / goal;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = this.#mode === 'bar' ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    const last = [...this.doneAt].reduce<[number, number] | undefined>(
      (latest, entry) => (latest === undefined || entry[1] > latest[1] ? entry : latest),
      undefined,
    );
    let slow = '';
    if (last !== undefined && this.doneAt.size === nodes) slow = `; slowest: rank ${last[0]} (done at ${last[1]} s)`;
    else if (slowest !== undefined && this.#totalBytes > 0)
      slow = `; slowest: rank ${slowest[0]} (${Math.floor((100 * slowest[1]) / this.#totalBytes)}%)`;
    return (
      `stage: ${bar}${formatBytes(done)} of ${formatBytes(goal)} (${nodes} nodes, ${Math.floor(100 * fraction)}%), ` +
      `${formatBytes(rate)}/s, ETA ${formatSeconds(eta)}${slow}`
    );
  }

  #seconds(now: number): number {
    return Math.round(now - this.#startMs) / 1000;
  }
}
