/**
 * The answers each holder still owes this peer, per (file, segment) key (a retry can make two
 * owed for one key), and since when each holder has been silent while owing.
 */
export class OwedAnswers {
  readonly #bySource = new Map<number, Map<number, number>>();
  /** Per source owing anything: the last time it answered, or was first asked. */
  readonly #waitingSince = new Map<number, number>();
  total = 0;

  add(source: number, keys: readonly number[], now: number): void {
    let owed = this.#bySource.get(source);
    if (owed === undefined) {
      owed = new Map();
      this.#bySource.set(source, owed);
    }
    for (const key of keys) owed.set(key, (owed.get(key) ?? 0) + 1);
    this.total += keys.length;
    if (!this.#waitingSince.has(source)) this.#waitingSince.set(source, now);
  }

  /** Takes the answers `source` owed for `keys`; if one was not owed, returns it and takes none. */
  take(source: number, keys: readonly number[], now: number): number | undefined {
    const owed = this.#bySource.get(source) ?? new Map<number, number>();
    const left = new Map<number, number>();
    for (const key of keys) {
      const count = left.get(key) ?? owed.get(key) ?? 0;
      if (count === 0) return key;
      left.set(key, count - 1);
    }
    for (const [key, count] of left) {
      if (count === 0) owed.delete(key);
      else owed.set(key, count);
    }
    this.total -= keys.length;
    if (owed.size === 0) this.#waitingSince.delete(source);
    else this.#waitingSince.set(source, now);
    return undefined;
  }

  /** Holders that owe answers and have said nothing since `before`. */
  silentSince(before: number): number[] {
    return [...this.#waitingSince].filter(([, since]) => since <= before).map(([source]) => source);
  }

  /** When the next holder would count as silent for `limitMs` (Infinity: none owes anything). */
  nextSilence(limitMs: number): number {
    let next = Infinity;
    for (const since of this.#waitingSince.values()) next = Math.min(next, since + limitMs);
    return next;
  }

  /** Stops waiting for `source`. */
  forgive(source: number): void {
    const owed = this.#bySource.get(source);
    if (owed === undefined) return;
    for (const count of owed.values()) this.total -= count;
    this.#bySource.delete(source);
    this.#waitingSince.delete(source);
  }
}
