#!/usr/bin/env node
// npm run bench:cluster (root): on a cluster in a box (test/cluster/up.sh: N nodes as network
// namespaces, every NIC capped with tbf), one data set from rank 0's node to every node, one rank
// per node, over TCP, side by side:
//   p2p       rank 0 to one other node: what a capped link carries (must reach the cap, else this
//             machine and not the network is the bound);
//   star      rank 0 sends to each node in turn (the naive copy);
//   bcast     MPI_Bcast with Open MPI's own choice;
//   tuned     MPI_Bcast with a forced algorithm and segment size (coll_tuned_*): a grid at the
//             first size (or --tuned=ALG:SEGMENT), its best one at the others;
//   stage     mpitorrent stage of one file (rank 0: tracker and node 1's writer, the seeder), to
//             a tmpfs (/dev/shm) so that the box's one disk is not what is measured: each piece
//             size of --pieces at the first size, the best one at the others, and with 2 seeders;
// and the lower bound T* = size / rate + floor(log2 N) pieces / rate (the source's NIC sends each
// byte once; a piece reaches twice as many holders per step; pieces of --piece, default 1 MiB).
// The MPI rows (bench/cluster-bcast.c) keep the data in memory; stage reads SOURCE and writes
// every copy (tmpfs) and checks each piece's hash, and its time runs from the job's start on
// rank 0 (reading and hashing SOURCE included) to the last node's report.
//
//   npm run bench:cluster -- [--nodes=8] [--rate=200mbit] [--sizes=256M,1G] [--piece=1M]
//     [--tuned=3:4M] [--pieces=default,1M,4M] [--windows=4M,64M] [--full-up-to=SIZE] [--also-at=100mbit] [--repeat=1]
//
// --stage-args="...": more options for every stage job (e.g. "--request-timeout 60000").
// --stage-only: p2p and the stage rows, no star or MPI_Bcast.
// --main=PATH: the dist/main.js the stage rows run (default this checkout's).
// --windows: stage's --window-bytes to try (best piece size, first size; default: stage's own).
// --also-at: other rates, at the first size only: p2p, the best tuned MPI_Bcast and stage (best
// piece size); star and default MPI_Bcast are left out there (at the first rate they take N - 1
// times T*); so are they above --full-up-to (both take about (N - 1) x T* there too). Results: tables on stdout and bench/results/cluster.json.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import {
  buildC,
  checkBuilt,
  detectMpi,
  fail,
  fixed,
  loadAverage,
  machine,
  markdownTable,
  measuredRun,
  median,
  option,
  root,
  table,
  waitForQuiet,
} from './lib.mjs';

if (process.getuid?.() !== 0) fail('needs root (network namespaces, tc): run it as root');
const nodes = Number(option('nodes') ?? 8);
const mainRate = option('rate') ?? '200mbit';
const otherRates = (option('also-at') ?? '').split(',').filter(Boolean);
const repeat = Number(option('repeat') ?? 1);
const parseSize = (text) => {
  const match = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(text);
  if (!match) fail(`not a size: ${text} (e.g. 256M, 1G)`);
  return Math.round(Number(match[1]) * 1024 ** ' KMG'.indexOf(match[2].toUpperCase() || ' '));
};
const sizes = (option('sizes') ?? '256M,1G').split(',').map(parseSize);
const piece = parseSize(option('piece') ?? '1M');
const fullUpTo = option('full-up-to') === undefined ? Infinity : parseSize(option('full-up-to'));
const pieceChoices = (option('pieces') ?? 'default,1M,4M').split(',');
const windowChoices = (option('windows') ?? '').split(',').filter(Boolean);
const stageArgs = (option('stage-args') ?? '').split(' ').filter(Boolean);
// --main: another checkout's build for the stage rows (e.g. a branch's worktree, A/B).
const mainJs = path.resolve(option('main') ?? path.join(root, 'dist', 'main.js'));
const stageOnly = process.argv.includes('--stage-only');
const bitsPerSecond = (rate) => {
  const match = /^(\d+)([kmg])bit$/.exec(rate);
  if (!match) fail(`a rate must look like 100mbit or 1gbit, not ${rate}`);
  return Number(match[1]) * { k: 1e3, m: 1e6, g: 1e9 }[match[2]];
};

const mpi = detectMpi();
if (!mpi.openMpi) fail('the cluster in a box drives Open MPI (plm_rsh_agent)');
checkBuilt();
const binary = buildC(mpi, 'cluster-bcast');
const clusterDir = path.join(root, 'test', 'cluster');
const work = '/dev/shm/mpitorrent-bench-cluster';

// up.sh refuses to start over a cluster that is up (a test's, say); once ours is up, it goes
// down however this ends, and the tmpfs folder goes too.
let clusterUp = false;
let currentRate;
function clusterAt(rate) {
  currentRate = rate;
  if (clusterUp) spawnSync(path.join(clusterDir, 'down.sh'), { stdio: 'inherit' });
  clusterUp = false;
  const up = spawnSync(path.join(clusterDir, 'up.sh'), [String(nodes), rate], { stdio: 'inherit' });
  if (up.status !== 0) fail('up.sh failed');
  clusterUp = true;
}
process.on('exit', () => {
  if (clusterUp) spawnSync(path.join(clusterDir, 'down.sh'), { stdio: 'inherit' });
  rmSync(work, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));

const mpirunArgs = (np) => [
  '-np',
  String(np),
  '--oversubscribe',
  '--map-by',
  'node',
  '--bind-to',
  'none',
  '--mca',
  'btl',
  'tcp,self',
  '--mca',
  'mpi_yield_when_idle',
  '1',
];

/**
 * One measured job; fails the benchmark when it fails, except a job that had not ended after
 * `timeoutMs` when `mayHang`: then result.hung (its processes killed by down.sh and up.sh again).
 */
function measuredJob(label, args, { timeoutMs = 900_000, mayHang = false } = {}) {
  waitForQuiet({ limitCores: 0.3, maxWaitMs: 10_000 });
  const result = measuredRun(path.join(clusterDir, 'mpirun.sh'), args, { env: mpi.env, timeoutMs });
  if (result.timedOut && mayHang) {
    process.stderr.write(
      `${label}: had not ended after ${timeoutMs / 1000} s: killed\n${result.stderr.slice(-2000)}\n`,
    );
    clusterAt(currentRate);
    return { ...result, hung: true };
  }
  if (!result.ok) fail(`${label} failed (${result.reason}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** The C program: seconds as rank 0 measured them (MPI_Wtime between two barriers). */
function cJob(np, mode, bytes, mca = []) {
  const result = measuredJob(`${mode} ${mca.join(' ')}`, [...mpirunArgs(np), ...mca, binary, mode, String(bytes)]);
  const seconds = Number(/^seconds (\S+)$/m.exec(result.stdout)?.[1]);
  if (!Number.isFinite(seconds)) fail(`${mode}: no "seconds" line:\n${result.stdout}`);
  return { seconds, wallS: result.wallS, cpuS: result.cpuS, foreignCores: result.foreignCores };
}

/** A source file of random bytes in the tmpfs, made once per size. */
function sourceFile(bytes) {
  const file = path.join(work, `source-${bytes}.bin`);
  try {
    if (statSync(file).size === bytes) return file;
  } catch {
    // not made yet
  }
  mkdirSync(work, { recursive: true });
  const fd = openSync(file, 'w');
  for (let done = 0; done < bytes; done += 64 << 20) writeFileSync(fd, randomBytes(Math.min(64 << 20, bytes - done)));
  closeSync(fd);
  return file;
}

/** Whether two files hold the same bytes (compared in 64 MiB blocks). */
function sameBytes(a, b) {
  try {
    if (statSync(a).size !== statSync(b).size) return false;
  } catch {
    return false; // missing
  }
  const [fa, fb] = [openSync(a, 'r'), openSync(b, 'r')];
  const [ba, bb] = [Buffer.alloc(64 << 20), Buffer.alloc(64 << 20)];
  try {
    for (;;) {
      const na = readSync(fa, ba, 0, ba.length, null);
      const nb = readSync(fb, bb, 0, bb.length, null);
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

/**
 * mpitorrent stage of one file to {host} folders in the tmpfs; every copy compared with the
 * source afterwards (outside the time). seconds: the job's own (stats.seconds).
 */
function stageJob(bytes, { pieceSize, seeders = 1, windowBytes, timeoutMs }) {
  const source = sourceFile(bytes);
  const dest = path.join(work, 'copies');
  rmSync(dest, { recursive: true, force: true });
  const statsFile = path.join(work, 'stats.json');
  const options = ['--progress', 'none', '--quiet', '--stats', statsFile, '--seeders', String(seeders), ...stageArgs];
  if (pieceSize !== 'default') options.push('--piece-size', pieceSize);
  if (windowBytes !== undefined) options.push('--window-bytes', windowBytes);
  const label = `stage piece ${pieceSize}, ${seeders} seeder${seeders > 1 ? 's' : ''}${windowBytes ? `, window ${windowBytes}` : ''}`;
  const result = measuredJob(
    label,
    [...mpirunArgs(nodes), 'node', mainJs, 'stage', source, path.join(dest, '{host}', 'data.bin'), ...options],
    { timeoutMs, mayHang: true },
  );
  if (result.hung) {
    const complete = Array.from({ length: nodes }, (_, i) =>
      sameBytes(source, path.join(dest, `node${i + 1}`, 'data.bin')),
    );
    rmSync(dest, { recursive: true, force: true });
    return {
      seconds: NaN,
      wallS: result.wallS,
      cpuS: result.cpuS,
      foreignCores: result.foreignCores,
      hung: { afterSeconds: timeoutMs / 1000, copiesComplete: complete.filter(Boolean).length },
    };
  }
  const stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  for (let node = 1; node <= nodes; node++) {
    if (!sameBytes(source, path.join(dest, `node${node}`, 'data.bin')))
      fail(`${label}: node${node}'s copy differs from the source`);
  }
  rmSync(dest, { recursive: true, force: true });
  const done = stats.perNode.map((node) => node.doneAt);
  return {
    seconds: stats.seconds,
    wallS: result.wallS,
    cpuS: result.cpuS,
    foreignCores: result.foreignCores,
    stage: {
      pieceLength: stats.pieceLength,
      pieces: stats.pieces,
      seeders: stats.seeders,
      setupSeconds: stats.setupSeconds,
      firstDoneAt: Math.min(...done),
      lastDoneAt: Math.max(...done),
      writers: stats.nodes,
      uploadedBy: Object.fromEntries(stats.perNode.map((node) => [node.rank, node.piecesUploaded])),
    },
  };
}

/** The median of `repeat` runs (by seconds). */
function measure(job) {
  const runs = Array.from({ length: repeat }, job);
  const seconds = median(runs.map((one) => one.seconds));
  return { ...(runs.find((one) => one.seconds === seconds) ?? runs[0]), seconds, runs: runs.map((one) => one.seconds) };
}

const tuned = (algorithm, segment) => [
  '--mca',
  'coll_tuned_use_dynamic_rules',
  '1',
  '--mca',
  'coll_tuned_bcast_algorithm',
  String(algorithm),
  '--mca',
  'coll_tuned_bcast_algorithm_segmentsize',
  String(segment),
];
const ALGORITHMS = {
  2: 'chain',
  3: 'pipeline',
  4: 'split binary tree',
  5: 'binary tree',
  6: 'binomial tree',
  7: 'knomial tree',
  8: 'scatter+allgather',
  9: 'scatter+ring allgather',
};
const GRID = [
  [2, 1 << 20],
  [3, 128 << 10],
  [3, 1 << 20],
  [3, 4 << 20],
  [4, 1 << 20],
  [6, 1 << 20],
  [7, 1 << 20],
  [8, 0],
  [9, 0],
];
const mib = (bytes) => `${bytes / 2 ** 20} MiB`;
const tunedName = ({ algorithm, segment }) =>
  `MPI_Bcast alg ${algorithm} (${ALGORITHMS[algorithm]}), segments ${segment ? mib(segment) : 'none'}`;

let best =
  option('tuned') === undefined
    ? undefined
    : (() => {
        const [algorithm, segment] = option('tuned').split(':');
        if (!ALGORITHMS[algorithm] || segment === undefined)
          fail(`--tuned must be ALG:SEGMENT, e.g. 3:4M, not ${option('tuned')}`);
        return { algorithm: Number(algorithm), segment: parseSize(segment) };
      })();
let bestPiece;
const results = [];
const loadBefore = loadAverage();

/** Writes what was measured so far (after each table: a run cut short keeps its tables). */
function save() {
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(
    path.join(root, 'bench', 'results', 'cluster.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: machine(),
        mpi: mpi.version,
        loadAverage: { before: loadBefore, after: loadAverage() },
        results,
      },
      null,
      2,
    )}\n`,
  );
}

function runAt(rate, size, { full }) {
  const nominal = bitsPerSecond(rate);
  const stageTimeoutMs = Math.round(Math.max(60, (12 * size * 8) / nominal) * 1000); // 12 x T*: far beyond the star
  const rows = [];
  const entry = { size, nodes, rate, piece, repeat, nominalBitsPerSecond: nominal, rows };
  results.push(entry);
  const add = (variant, kind, measured) => {
    rows.push({ variant, kind, ...measured });
    save();
  };
  const p2p = measure(() => cJob(2, 'p2p', size));
  add('p2p (one link, np 2)', 'p2p', p2p);
  if (full && size <= fullUpTo && !stageOnly) {
    add(
      'star (rank 0 sends to each node in turn)',
      'star',
      measure(() => cJob(nodes, 'star', size)),
    );
    add(
      "MPI_Bcast, Open MPI's choice",
      'bcast',
      measure(() => cJob(nodes, 'bcast', size)),
    );
  }
  if (stageOnly) {
    // p2p only: the MPI rows come from another run
  } else if (best === undefined) {
    const grid = GRID.map(([algorithm, segment]) => ({
      algorithm,
      segment,
      ...measure(() => cJob(nodes, 'bcast', size, tuned(algorithm, segment))),
    }));
    for (const point of grid) add(tunedName(point), 'tuned', point);
    best = grid.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  } else {
    add(
      `${tunedName(best)} (best tuned)`,
      'tuned',
      measure(() => cJob(nodes, 'bcast', size, tuned(best.algorithm, best.segment))),
    );
  }
  if (bestPiece === undefined) {
    const tried = pieceChoices.map((pieceSize) => ({
      pieceSize,
      ...measure(() => stageJob(size, { pieceSize, timeoutMs: stageTimeoutMs })),
    }));
    for (const one of tried)
      add(
        `mpitorrent stage, pieces ${one.pieceSize === 'default' ? `default (${mib(one.stage.pieceLength)})` : one.pieceSize}`,
        'stage',
        one,
      );
    bestPiece = tried.reduce((a, b) => (!(a.seconds <= b.seconds) ? b : a)).pieceSize;
  } else {
    add(
      `mpitorrent stage, pieces ${bestPiece} (best)`,
      'stage',
      measure(() => stageJob(size, { pieceSize: bestPiece, timeoutMs: stageTimeoutMs })),
    );
  }
  if (full && size === sizes[0]) {
    for (const windowBytes of windowChoices) {
      add(
        `mpitorrent stage, pieces ${bestPiece}, window ${windowBytes}`,
        'stage',
        measure(() => stageJob(size, { pieceSize: bestPiece, windowBytes, timeoutMs: stageTimeoutMs })),
      );
    }
  }
  if (full)
    add(
      `mpitorrent stage, pieces ${bestPiece}, 2 seeders`,
      'stage',
      measure(() => stageJob(size, { pieceSize: bestPiece, seeders: 2, timeoutMs: stageTimeoutMs })),
    );
  const lineRate = (size * 8) / p2p.seconds;
  const floor = Math.floor(Math.log2(nodes));
  const lowerBound = (bits) => ((size + floor * piece) * 8) / bits;
  Object.assign(entry, {
    lineRateBitsPerSecond: lineRate,
    tStar: lowerBound(nominal),
    tStarAtLineRate: lowerBound(lineRate),
  });
  save();
  console.log(
    `\n${mib(size)} to ${nodes} nodes, links ${rate} (one link carried ${fixed(lineRate / 1e6, 0)} Mbit/s); ` +
      `T* = ${fixed(entry.tStar, 2)} s at ${rate} (${fixed(entry.tStarAtLineRate, 2)} s at the measured line rate), piece ${mib(piece)}`,
  );
  // The ranks run under Open MPI's daemons, which no process here waits for: their CPU shows
  // up as "others". So the column is the whole machine's (2 cores) during the job.
  const header = ['variant', 'seconds', 'x T*', 'Mbit/s per node', 'machine busy, cores'];
  const cells = rows.map((row) => [
    row.variant,
    fixed(row.seconds, 2),
    fixed(row.seconds / entry.tStar, 2),
    fixed((size * 8) / row.seconds / 1e6, 0),
    fixed(row.foreignCores + row.cpuS / row.wallS, 2),
  ]);
  console.log(table(header, cells));
  console.log(`\n${markdownTable(header, cells)}`);
  for (const row of rows.filter((one) => one.hung)) {
    console.log(
      `  ${row.variant}: had not ended after ${row.hung.afterSeconds} s (killed); copies complete then: ${row.hung.copiesComplete} of ${nodes}`,
    );
  }
  for (const row of rows.filter((one) => one.stage)) {
    const s = row.stage;
    console.log(
      `  ${row.variant}: setup ${fixed(s.setupSeconds, 2)} s, nodes done ${fixed(s.firstDoneAt, 2)}..${fixed(s.lastDoneAt, 2)} s, ` +
        `${s.pieces} pieces, uploads by rank ${JSON.stringify(s.uploadedBy)}`,
    );
  }
}

clusterAt(mainRate);
for (const size of sizes) runAt(mainRate, size, { full: true });
for (const rate of otherRates) {
  clusterAt(rate);
  runAt(rate, sizes[0], { full: false });
}
const file = path.join(root, 'bench', 'results', 'cluster.json');
console.log(
  `\nload average ${loadBefore.join(' ')} before, ${loadAverage().join(' ')} after; written to ${path.relative(root, file)}`,
);
