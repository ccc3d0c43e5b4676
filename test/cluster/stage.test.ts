/**
 * `stage` on the cluster in a box: 4 nodes (namespaces with their own host names), links capped
 * at 1 Gbit/s, ranks placed round-robin, TCP only. The nodes share this machine's file system,
 * so DEST holds {host}: one destination per node, shared by the ranks of that node.
 *
 * Writes are counted outside mpitorrent: each rank runs under `sh -c`, which after the rank has
 * exited saves its /proc/<pid>/io (a waited-for child's I/O is added to its parent's), so
 * `write_bytes` is what that rank's process dirtied on disk, whatever the stage statistics say.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { StageStats } from '../../src/stage/stats.js';
import { describeRun, runMpi } from '../helpers/mpirun.js';
import { makeFolderDataset, treeDifferences } from '../helpers/stage-data.js';
import { tempDirs } from '../helpers/temp-dirs.js';
import { parseJobMap, SPREAD_OVER_TCP, useCluster } from './harness.js';

const NODES = 4;
const clusterTest = useCluster({ nodes: NODES, rate: '1gbit' });
const freshDir = tempDirs('cluster-stage');
const HOSTS = Array.from({ length: NODES }, (_, i) => `node${i + 1}`);
const BIG = 8 << 20;

/** Node of each rank under round-robin placement: rank r on node (r mod 4) + 1. */
const nodeOfRank = (rank: number): string => `node${(rank % NODES) + 1}`;

interface StageRun {
  dir: string;
  stats: StageStats;
  /** Bytes each rank's process wrote to disk (write_bytes of /proc/<pid>/io), by rank. */
  writtenBytes: number[];
  placed: Map<number, string>;
}

/** Stages an 8 MiB folder to <dir>/{host} with np ranks; fails the test unless the job succeeds. */
async function stageToHosts(np: number): Promise<StageRun> {
  const dir = freshDir();
  makeFolderDataset(join(dir, 'src'), { bigBytes: BIG });
  const stage = [
    'node',
    'dist/main.js',
    'stage',
    join(dir, 'src'),
    join(dir, 'copies/{host}'),
    '--piece-size',
    '256K',
    '--progress',
    'none',
    '--stats',
    join(dir, 'stats.json'),
  ];
  const quoted = stage.map((word) => `'${word}'`).join(' ');
  const script = `${quoted}; status=$?; grep '^write_bytes:' /proc/$$/io > '${dir}/io-'$OMPI_COMM_WORLD_RANK; exit $status`;
  const result = await runMpi(np, ['sh', '-c', script], { env: SPREAD_OVER_TCP, timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(describeRun(result));
  const writtenBytes = Array.from({ length: np }, (_, rank) =>
    Number(/^write_bytes:\s*(\d+)/.exec(readFileSync(join(dir, `io-${rank}`), 'utf8'))?.[1]),
  );
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as StageStats;
  return { dir, stats, writtenBytes, placed: parseJobMap(result.stdout) };
}

function checkCopies(t: Parameters<Parameters<typeof clusterTest>[1]>[0], run: StageRun): void {
  t.deepEqual(readdirSync(join(run.dir, 'copies')).sort(), HOSTS, 'one destination per node');
  for (const host of HOSTS) t.deepEqual(treeDifferences(join(run.dir, 'src'), join(run.dir, 'copies', host)), [], host);
  t.is(run.stats.badPieces, 0);
  t.deepEqual([...run.stats.hosts].sort(), HOSTS);
}

clusterTest(
  "stage with one rank per node: every node's destination is a byte-exact copy, written by that node's rank",
  async (t) => {
    const run = await stageToHosts(NODES);
    checkCopies(t, run);
    for (let rank = 0; rank < NODES; rank++) t.is(run.placed.get(rank), nodeOfRank(rank));
    t.deepEqual(
      run.stats.perNode.map((node) => [node.rank, node.host]),
      HOSTS.map((host, rank) => [rank, host]),
    );
    // The seeder read SOURCE once; every other node got each piece through the swarm, over TCP.
    t.deepEqual(
      run.stats.perNode.map((node) => node.bytesReadFromSource),
      [run.stats.bytes, 0, 0, 0],
    );
    for (const node of run.stats.perNode.slice(1)) t.is(node.piecesFetched, run.stats.pieces, `rank ${node.rank}`);
    for (const [rank, bytes] of run.writtenBytes.entries()) t.true(bytes >= BIG, `rank ${rank} wrote ${bytes} bytes`);
  },
);

clusterTest(
  'stage with two ranks per node sharing a {host} destination: exactly one writer per node, the other rank writes none of the data',
  async (t) => {
    const np = 2 * NODES;
    const run = await stageToHosts(np);
    checkCopies(t, run);
    for (let rank = 0; rank < np; rank++) t.is(run.placed.get(rank), nodeOfRank(rank));
    t.is(run.stats.ranks, np);
    t.is(run.stats.nodes, NODES, 'writers');
    // The lowest rank of each node writes (ranks 0-3); ranks 4-7 share their destinations.
    t.deepEqual(
      run.stats.perNode.map((node) => [node.rank, node.host]),
      HOSTS.map((host, rank) => [rank, host]),
    );
    for (const node of run.stats.perNode)
      t.is(node.piecesAtStart + node.piecesFetched, run.stats.pieces, `rank ${node.rank} holds each piece once`);
    t.log(`bytes written to disk per rank: ${run.writtenBytes.join(' ')}`);
    // Counted on disk: each writer dirtied at least the data set, each idle rank less than a tenth of it.
    for (let rank = 0; rank < np; rank++) {
      const bytes = run.writtenBytes[rank]!;
      if (rank < NODES) t.true(bytes >= BIG, `writer rank ${rank} wrote ${bytes} bytes`);
      else t.true(bytes < BIG / 10, `idle rank ${rank} (on ${nodeOfRank(rank)}) wrote ${bytes} bytes`);
    }
    // And no piece went to or came from an idle rank.
    const movers = new Set(
      run.stats.perNode.flatMap((node) =>
        [...Object.keys(node.piecesFetchedFrom), ...Object.keys(node.piecesUploadedTo)].map(Number),
      ),
    );
    t.true(
      [...movers].every((rank) => rank < NODES),
      `ranks that moved pieces: ${[...movers].join(' ')}`,
    );
  },
);
