/** Checks a rank used in a file name: a non-negative integer, so the name is well formed. */
export function checkRank(rank: number): number {
  if (!Number.isSafeInteger(rank) || rank < 0) {
    throw new RangeError(`Expected a non-negative integer for rank but received ${String(rank)}`);
  }
  return rank;
}
