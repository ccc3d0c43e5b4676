/**
 * Who does what in a stage job, decided by rank 0 from every rank's node and destination:
 * ranks with the same node and the same expanded DEST form a group whose lowest rank writes
 * (the others stay idle and never write); K writers seed, each reading a share of SOURCE: one
 * per node on the lowest nodes, then (fewer nodes than K) other destinations of those nodes.
 */
import { resolve } from 'node:path';

export interface RankPlace {
  rank: number;
  /** Its processor name, for {host} and for people. */
  host: string;
  /** Which node it is on (MPI_Comm_split_type SHARED): ranks with the same value share memory and disks. */
  node: string;
  /** The expanded, absolute DEST. */
  dest: string;
}

export interface Plan {
  /** Ranks that write a copy and take part in the swarm, ascending. */
  writers: number[];
  /** Writers that read SOURCE, in share order (their shares follow this order). */
  seeders: number[];
  /** Per rank: the writer of its group (itself for a writer). */
  writerOf: number[];
}

/** DEST for one rank: {rank} and {host} replaced. */
export function expandDest(template: string, rank: number, host: string): string {
  return resolve(template.replaceAll('{rank}', String(rank)).replaceAll('{host}', host));
}

export function makePlan(places: readonly RankPlace[], seeders: number): Plan {
  const sorted = [...places].sort((a, b) => a.rank - b.rank);
  const writerOf: number[] = [];
  const groups = new Map<string, number>();
  const writers: number[] = [];
  for (const place of sorted) {
    const key = `${place.node}\0${place.dest}`;
    let writer = groups.get(key);
    if (writer === undefined) {
      writer = place.rank;
      groups.set(key, writer);
      writers.push(writer);
    }
    writerOf[place.rank] = writer;
  }
  // Seeders on distinct nodes first (the lowest writer of each, lowest nodes first); with fewer
  // nodes than asked for, other writers (other destinations of a node) make up the number.
  const seeding: number[] = [];
  const nodesSeen = new Set<string>();
  for (const writer of writers) {
    const node = sorted.find((place) => place.rank === writer)!.node;
    if (nodesSeen.has(node) || seeding.length >= seeders) continue;
    nodesSeen.add(node);
    seeding.push(writer);
  }
  for (const writer of writers) {
    if (seeding.length >= seeders) break;
    if (!seeding.includes(writer)) seeding.push(writer);
  }
  seeding.sort((a, b) => a - b);
  return { writers, seeders: seeding, writerOf };
}

/** Why `dest` may not receive a copy of `source` (one inside the other, or the same), or undefined. */
export function overlapReason(source: string, dest: string): string | undefined {
  const a = resolve(source);
  const b = resolve(dest);
  if (a === b) return 'is SOURCE itself';
  if (b.startsWith(a + '/')) return 'is inside SOURCE';
  if (a.startsWith(b + '/')) return 'holds SOURCE';
  return undefined;
}
