/** A segment's number for people: inputs count from 1, the protocol from 0. */
export function segmentLabel(segment: number): number {
  return segment + 1;
}
