#!/usr/bin/env node
// npm run bench:cluster (root): on a cluster in a box (test/cluster/up.sh: N nodes as network
// namespaces, every NIC capped with tbf), one buffer from rank 0 to every node, one rank per
// node, over TCP, side by side:
//   p2p       rank 0 to one other node: what a capped link carries (must reach the cap, else this
//             machine and not the network is the bound);
//   star      rank 0 sends to each node in turn (the naive copy);
//   bcast     MPI_Bcast with Open MPI's own choice;
//   tuned     MPI_Bcast with a forced algorithm and segment size (coll_tuned_*): a grid at the
//             first size, its best one at the others;
// and the lower bound T* = size / rate + floor(log2 N) pieces / rate (the source's NIC sends each
// byte once; a piece reaches twice as many holders per step). mpitorrent stage joins the table
// once the stage command exists (TODO: stage branch).
//
//   npm run bench:cluster -- [--nodes=8] [--rate=1gbit] [--sizes=256M,1G] [--piece=1M] [--repeat=1]
//
// bench/cluster-bcast.c does the MPI side (memory only: the nodes of a box share one disk).
// Results: a table on stdout and bench/results/cluster-<rate>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { buildC, detectMpi, fail, fixed, loadAverage, markdownTable, median, option, root, table } from './lib.mjs';

if (process.getuid?.() !== 0) fail('needs root (network namespaces, tc): run it as root');
const nodes = Number(option('nodes') ?? 8);
const rate = option('rate') ?? '1gbit';
const repeat = Number(option('repeat') ?? 1);
const parseSize = (text) => {
  const match = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(text);
  if (!match) fail(`not a size: ${text} (e.g. 256M, 1G)`);
  return Math.round(Number(match[1]) * 1024 ** ' KMG'.indexOf(match[2].toUpperCase() || ' '));
};
const sizes = (option('sizes') ?? '256M,1G').split(',').map(parseSize);
const piece = parseSize(option('piece') ?? '1M');
const rateMatch = /^(\d+)([kmg])bit$/.exec(rate);
if (!rateMatch) fail(`--rate must look like 100mbit or 1gbit, not ${rate}`);
const nominalBitsPerSecond = Number(rateMatch[1]) * { k: 1e3, m: 1e6, g: 1e9 }[rateMatch[2]];

const mpi = detectMpi();
if (!mpi.openMpi) fail('the cluster in a box drives Open MPI (plm_rsh_agent)');
const binary = buildC(mpi, 'cluster-bcast');
const clusterDir = path.join(root, 'test', 'cluster');

// up.sh refuses to start over a cluster that is up (a test's, say); once ours is up, it goes
// down however this ends.
const up = spawnSync(path.join(clusterDir, 'up.sh'), [String(nodes), rate], { stdio: 'inherit' });
if (up.status !== 0) fail('up.sh failed');
process.on('exit', () => spawnSync(path.join(clusterDir, 'down.sh'), { stdio: 'inherit' }));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));

/** One job: seconds as rank 0 measured them. */
function job(np, mode, bytes, mca = []) {
  const args = ['-np', String(np), '--oversubscribe', '--map-by', 'node', '--bind-to', 'none',
    '--mca', 'btl', 'tcp,self', '--mca', 'mpi_yield_when_idle', '1', ...mca, binary, mode, String(bytes)];
  const result = spawnSync(path.join(clusterDir, 'mpirun.sh'), args, { env: mpi.env, encoding: 'utf8', timeout: 600_000 });
  const seconds = Number(/^seconds (\S+)$/m.exec(result.stdout ?? '')?.[1]);
  if (result.status !== 0 || !Number.isFinite(seconds)) {
    fail(`${mode} ${mca.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return seconds;
}
const measure = (np, mode, bytes, mca) => median(Array.from({ length: repeat }, () => job(np, mode, bytes, mca)));
const tuned = (algorithm, segment) => ['--mca', 'coll_tuned_use_dynamic_rules', '1', '--mca', 'coll_tuned_bcast_algorithm',
  String(algorithm), '--mca', 'coll_tuned_bcast_algorithm_segmentsize', String(segment)];
const ALGORITHMS = { 2: 'chain', 3: 'pipeline', 4: 'split binary tree', 5: 'binary tree', 6: 'binomial tree', 7: 'knomial tree', 8: 'scatter+allgather', 9: 'scatter+ring allgather' };
const GRID = [[2, 1 << 20], [3, 128 << 10], [3, 1 << 20], [3, 4 << 20], [4, 1 << 20], [6, 1 << 20], [7, 1 << 20], [8, 0], [9, 0]];

const mib = (bytes) => `${bytes / 2 ** 20} MiB`;
const results = [];
const loadBefore = loadAverage();
let best;
for (const size of sizes) {
  const p2p = measure(2, 'p2p', size);
  const lineRate = size * 8 / p2p;  // bit/s one link carried
  const floor = Math.floor(Math.log2(nodes));
  const lowerBound = (bitsPerSecond) => (size + floor * piece) * 8 / bitsPerSecond;
  const tStar = lowerBound(nominalBitsPerSecond);
  const rows = [{ variant: 'p2p (one link, np 2)', seconds: p2p }];
  rows.push({ variant: 'star (rank 0 sends to each node in turn)', seconds: measure(nodes, 'star', size) });
  rows.push({ variant: 'MPI_Bcast, Open MPI\'s choice', seconds: measure(nodes, 'bcast', size) });
  if (best === undefined) {
    const grid = GRID.map(([algorithm, segment]) => ({ algorithm, segment, seconds: measure(nodes, 'bcast', size, tuned(algorithm, segment)) }));
    for (const point of grid) {
      rows.push({ variant: `MPI_Bcast alg ${point.algorithm} (${ALGORITHMS[point.algorithm]}), segments ${point.segment ? mib(point.segment) : 'none'}`, seconds: point.seconds });
    }
    best = grid.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  } else {
    rows.push({ variant: `MPI_Bcast alg ${best.algorithm} (${ALGORITHMS[best.algorithm]}), segments ${best.segment ? mib(best.segment) : 'none'} (best at ${mib(sizes[0])})`,
      seconds: measure(nodes, 'bcast', size, tuned(best.algorithm, best.segment)) });
  }
  rows.push({ variant: 'mpitorrent stage', seconds: NaN });  // TODO: once the stage command lands
  const entry = {
    size, nodes, rate, piece, repeat, nominalBitsPerSecond, lineRateBitsPerSecond: lineRate,
    tStar, tStarAtLineRate: lowerBound(lineRate), rows,
  };
  results.push(entry);
  console.log(`\n${mib(size)} to ${nodes} nodes, links ${rate} (one link carried ${fixed(lineRate / 1e6, 0)} Mbit/s); ` +
    `T* = ${fixed(tStar, 2)} s at ${rate} (${fixed(entry.tStarAtLineRate, 2)} s at the measured line rate), piece ${mib(piece)}`);
  const header = ['variant', 'seconds', 'x T*', 'Mbit/s per node'];
  const cells = rows.map((row) => [row.variant, fixed(row.seconds, 2), fixed(row.seconds / tStar, 2), fixed(size * 8 / row.seconds / 1e6, 0)]);
  console.log(table(header, cells));
  console.log(`\n${markdownTable(header, cells)}`);
}
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
const file = path.join(root, 'bench', 'results', `cluster-${rate}.json`);
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), mpi: mpi.version, loadAverage: { before: loadBefore, after: loadAverage() }, results }, null, 2)}\n`);
console.log(`\nload average ${loadBefore.join(' ')} before, ${loadAverage().join(' ')} after; written to ${path.relative(root, file)}`);
