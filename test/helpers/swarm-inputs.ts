/**
 * Swarm scenarios for memory-network tests: inputs built through the real parser, and the
 * checks every finished run must pass (exact outputs, nothing left in flight, every role done).
 */
import type { ExecutionContext } from 'ava';

import { parseInput, type PeerInput } from '../../src/io/input.js';
import { seededRandom } from '../../src/protocol/random.js';
import type { SwarmRun } from './memory-swarm.js';

/** `count` distinct 32-hex-character hashes, the same for the same `name`. */
export function hashes(name: string, count: number): string[] {
  let seed = 0;
  for (const char of name) seed = (Math.imul(seed, 31) + char.charCodeAt(0)) >>> 0;
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    let text = '';
    while (text.length < 24) text += Math.floor(random() * 16).toString(16);
    // The index makes each hash distinct; some are upper case, which must be kept as written.
    const hash = text + i.toString(16).padStart(8, '0');
    return i % 7 === 3 ? hash.toUpperCase() : hash;
  });
}

/** An in<R>.txt as the course writes them, parsed by the real parser. */
export function input(rank: number, owned: Record<string, readonly string[]>, wanted: readonly string[]): PeerInput {
  const lines = [String(Object.keys(owned).length)];
  for (const [name, list] of Object.entries(owned)) lines.push(`${name} ${list.length}`, ...list);
  lines.push(String(wanted.length), ...wanted);
  return parseInput(lines.join('\n'), `in${rank}.txt`);
}

/** Every "client<R>_<file>" the inputs ask for, with the hashes it must hold. */
export function expectedOutputs(inputs: readonly PeerInput[]): Map<string, readonly string[]> {
  const files = new Map<string, readonly string[]>();
  for (const peer of inputs) for (const owned of peer.owned) files.set(owned.name, owned.hashes);
  const outputs = new Map<string, readonly string[]>();
  inputs.forEach((peer, i) => {
    for (const wanted of peer.wanted) outputs.set(`client${i + 1}_${wanted.name}`, files.get(wanted.name)!);
  });
  return outputs;
}

/** What every finished run must show, whatever the seed. */
export function assertCleanRun(t: ExecutionContext, run: SwarmRun, inputs: readonly PeerInput[], label = ''): void {
  const expected = expectedOutputs(inputs);
  t.deepEqual([...run.outputs.keys()].sort(), [...expected.keys()].sort(), `${label}: the outputs written`);
  for (const [name, list] of expected) t.deepEqual(run.outputs.get(name), list, `${label}: ${name}`);
  t.deepEqual(run.network.undelivered(), new Map(), `${label}: messages never received`);
  t.deepEqual(run.network.rejections, [], `${label}: rejected messages`);
  t.true(run.tracker.done, `${label}: the tracker ended`);
  t.is(run.downloads.size, inputs.length, `${label}: every peer started`);
  for (const [rank, download] of run.downloads) t.true(download.done, `${label}: rank ${rank}'s download ended`);
  for (const [rank, upload] of run.uploads) t.true(upload.done, `${label}: rank ${rank}'s upload ended`);
}

/** The shapes of the course's four official tests, with made-up hashes. */
export const COURSE_LIKE: Record<string, () => PeerInput[]> = {
  'three peers, three files': () => {
    const [file1, file2, file3] = [hashes('c1f1', 100), hashes('c1f2', 45), hashes('c1f3', 75)];
    return [
      input(1, { file1, file2 }, ['file3']),
      input(2, { file3 }, ['file1']),
      input(3, {}, ['file1', 'file2', 'file3']),
    ];
  },
  'five peers, seven files, shared owners': () => {
    const f = (n: number, count: number): string[] => hashes(`c2f${n}`, count);
    return [
      input(1, { file1: f(1, 80), file2: f(2, 60) }, ['file7']),
      input(2, { file3: f(3, 75), file4: f(4, 40) }, ['file6']),
      input(3, { file5: f(5, 50), file6: f(6, 30) }, ['file4']),
      input(4, { file1: f(1, 80), file7: f(7, 20) }, ['file2']),
      input(5, { file2: f(2, 60), file3: f(3, 75) }, ['file1', 'file4', 'file5']),
    ];
  },
  'two seeds, two leechers on different files': () => {
    const [file1, file2] = [hashes('c3f1', 80), hashes('c3f2', 75)];
    return [
      input(1, { file1 }, ['file2']),
      input(2, { file2 }, ['file1']),
      input(3, {}, ['file1']),
      input(4, {}, ['file2']),
    ];
  },
  'two owners, four leechers of one file': () => {
    const file1 = hashes('c4f1', 80);
    return [
      input(1, { file1 }, []),
      input(2, { file1 }, []),
      ...[3, 4, 5, 6].map((rank) => input(rank, {}, ['file1'])),
    ];
  },
};

/** A bigger swarm: 12 peers, 6 files of up to 300 segments, owners and wants spread around. */
export function bigScenario(): PeerInput[] {
  const sizes = [300, 1, 128, 97, 250, 64];
  const files = sizes.map((size, i) => [`big${i}`, hashes(`big${i}`, size)] as const);
  return Array.from({ length: 12 }, (_, i) => {
    const rank = i + 1;
    const owned: Record<string, readonly string[]> = {};
    const wanted: string[] = [];
    files.forEach(([name, list], f) => {
      if ((rank + f) % 5 === 0 || rank === f + 1) owned[name] = list;
      else if ((rank * 3 + f) % 4 !== 0) wanted.push(name);
    });
    return input(rank, owned, wanted);
  });
}
