/**
 * A modification time in milliseconds as the seconds utimes takes: a number keeps the part below
 * a millisecond, which a Date would cut, so a copy's time is its source's to the microsecond.
 */
export function secondsOf(ms: number): number {
  return ms / 1000;
}
