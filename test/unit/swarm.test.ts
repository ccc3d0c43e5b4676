import test from 'ava';

import { parseInput, type PeerInput } from '../../src/io/input.js';
import { runSwarm } from '../helpers/memory-swarm.js';

function hashes(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (prefix + i.toString(16)).padStart(32, '0').slice(-32));
}

function input(path: string, owned: Record<string, string[]>, wanted: string[]): PeerInput {
  const lines = [String(Object.keys(owned).length)];
  for (const [name, list] of Object.entries(owned)) lines.push(`${name} ${list.length}`, ...list);
  lines.push(String(wanted.length), ...wanted);
  return parseInput(lines.join('\n'), path);
}

test('one seed, three leechers: every leecher writes every file, in order', (t) => {
  const file1 = hashes('a', 100);
  const file2 = hashes('b', 37);
  const run = runSwarm([
    input('in1.txt', { file1, file2 }, []),
    input('in2.txt', {}, ['file1', 'file2']),
    input('in3.txt', {}, ['file2', 'file1']),
    input('in4.txt', {}, ['file1']),
  ], { seed: 7 });
  t.deepEqual(run.outputs.get('client2_file1'), file1);
  t.deepEqual(run.outputs.get('client2_file2'), file2);
  t.deepEqual(run.outputs.get('client3_file1'), file1);
  t.deepEqual(run.outputs.get('client3_file2'), file2);
  t.deepEqual(run.outputs.get('client4_file1'), file1);
  t.is(run.outputs.size, 5);
  t.deepEqual(run.network.undelivered(), new Map());
  t.deepEqual(run.network.rejections, []);
});
