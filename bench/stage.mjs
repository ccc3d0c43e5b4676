#!/usr/bin/env node
// The staging benchmark (`npm run bench:stage`): the same SOURCE copied to one destination per
// rank on this machine (DEST/{rank}, on a tmpfs) by
//   (a) bench/bcast-files.c: dbcast extended to folders (rank 0 reads, MPI_Bcast, all write);
//   (b) the same followed by a SHA-256 check of every copy at every rank (--verify);
//   (c) every rank running `cp -r SOURCE DEST/<rank>` at once;
//   (d) `mpitorrent stage SOURCE DEST/{rank}`, and (e) the same with a `.torrent` made before by
//       `mpitorrent create` (both only once dist/main.js has these commands);
// side by side in one run, at np 4, 8 and 16, on one 1 GiB file, 1000 files of 1 MiB and 20 000
// files of 4 KiB (random bytes, bench/stage-data.mjs). Every copy is checked byte for byte after
// every job (a wrong result never counts as fast). Prints a Markdown table and writes
// bench/results/stage.json (after each dataset and np, so that a cut run keeps what it measured).
// Options: --quick (128 MiB, 100 x 1 MiB, 2000 x 4 KiB; 2 runs), --np=4,8,16, --runs=N (default
// 3), --only=DATASET,... , --methods=bcast,bcast-verify,cp,stage,stage-torrent,node-floor, --chunk=BYTES
// (bcast-files' chunk, default 4 MiB), --seeders=K (passed to stage), --drop-caches (sync and
// drop the page cache before every job: root only), --dest-root=DIR (default
// /dev/shm/mpitorrent-bench-stage), --data-root=DIR (default bench/build/stage-data),
// --main=PATH (the dist/main.js to run for d and e: default this checkout's), --timeout=S (per
// job, default 900), --attempts=N (a job disturbed by other processes is run
// again, up to N times in all: default 2), --max-wait=S (how long each job waits for other processes
// to use under 0.5 cores, default 20), --results=FILE (default results/stage.json; --quick:
// results/stage-quick.json).
// What the numbers mean: bench/README.md, section "Staging".
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  benchDir,
  buildC,
  buildDir,
  checkBuilt,
  detectMpi,
  fail,
  fixed,
  flag,
  loadAverage,
  machine,
  markdownTable,
  measuredRun,
  option,
  root,
  run,
  runJob,
  spread,
  undisturbed,
} from './lib.mjs';
import { DATASETS, checkCopies, listTree, prepareDataset, warmUp } from './stage-data.mjs';

const quick = flag('quick');
const runs = Number(option('runs') ?? (quick ? 2 : 3));
const attempts = Number(option('attempts') ?? 2);
const nps = (option('np') ?? '4,8,16').split(',').map(Number);
const only = option('only')?.split(',');
const chunk = Number(option('chunk') ?? 4 * 2 ** 20);
const seeders = option('seeders');
const dropCaches = flag('drop-caches');
const destRoot = path.resolve(option('dest-root') ?? '/dev/shm/mpitorrent-bench-stage');
const dataRoot = path.resolve(option('data-root') ?? path.join(buildDir, 'stage-data'));
const timeoutMs = Number(option('timeout') ?? 900) * 1000;
const maxWaitMs = Number(option('max-wait') ?? 20) * 1000;
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, not ${option('runs')}`);
if (!Number.isInteger(attempts) || attempts < 1)
  fail(`--attempts must be a positive integer, not ${option('attempts')}`);
if (nps.some((np) => !Number.isInteger(np) || np < 2))
  fail(`--np takes whole numbers of at least 2, not ${option('np')}`);
if (!Number.isInteger(chunk) || chunk < 1 || chunk > 2 ** 30)
  fail(`--chunk takes bytes, 1 to 2^30, not ${option('chunk')}`);
if (seeders !== undefined && !/^[1-9]\d*$/.test(seeders)) fail(`--seeders takes a positive integer, not ${seeders}`);
if (dropCaches && process.getuid?.() !== 0) fail('--drop-caches needs root (it writes /proc/sys/vm/drop_caches)');

const resultsFile = path.resolve(
  option('results') ?? path.join(benchDir, 'results', quick ? 'stage-quick.json' : 'stage.json'),
);
// --main: another checkout's build (e.g. a branch's worktree), its addon as it finds it.
const mainJs = path.resolve(option('main') ?? path.join(root, 'dist', 'main.js'));
const GiB = 2 ** 30;
const MiB = 2 ** 20;
// The issue's targets for stage (d): faster than (b) everywhere; within 2x of (a) on the large
// and 1 MiB files, 3x on 4 KiB files; peak RSS per rank under 300 MiB on the 1 GiB file.
const TARGET_VS_BCAST = { file: 2, '1MiB': 2, '4KiB': 3 };
const TARGET_RSS_MIB = 300;

// ---------------------------------------------------------------------------------------------
// What runs

const mpi = detectMpi();
const bcastFiles = buildC(mpi, 'bcast-files', ['-lcrypto']);

/** Whether `node dist/main.js <command> --help` answers (the command exists in this build). */
function hasCommand(command) {
  if (!existsSync(mainJs)) return false;
  const help = run(process.execPath, [mainJs, command, '--help'], { timeoutMs: 30_000, env: mpi.env });
  return help.ok && new RegExp(`\\b${command}\\b`).test(help.stdout + help.stderr);
}
const stageBuilt = hasCommand('stage');
const createBuilt = stageBuilt && hasCommand('create');
if (stageBuilt && !option('main')) checkBuilt();

// Each rank's peak RSS: GNU time's %M (ru_maxrss of the rank and its children, in KiB), written
// to <dir>/rss.<rank>. `exec` keeps one process per rank, so mpirun signals reach time directly.
const RANK = '${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-${PMIX_RANK:-0}}}';
const withPeakRss = (rssDir, program) => [
  'sh',
  '-c',
  `d=$1; shift; exec /usr/bin/time -f %M -o "$d/rss.${RANK}" "$@"`,
  'peak-rss',
  rssDir,
  ...program,
];

const stageOptions = ['--progress', 'none', ...(seeders ? ['--seeders', seeders] : [])];
const METHODS = [
  {
    key: 'bcast',
    label: '(a) bcast-files',
    program: ({ source }, destParent) => [
      bcastFiles,
      '--chunk',
      String(chunk),
      source,
      path.join(destParent, '{rank}'),
    ],
  },
  {
    key: 'bcast-verify',
    label: '(b) bcast-files --verify',
    program: ({ source }, destParent) => [
      bcastFiles,
      '--chunk',
      String(chunk),
      '--verify',
      source,
      path.join(destParent, '{rank}'),
    ],
  },
  {
    key: 'cp',
    label: '(c) cp -r per rank',
    program: ({ source }, destParent) => ['sh', '-c', `exec cp -r -- "$1" "$2/${RANK}"`, 'cp-rank', source, destParent],
  },
  {
    key: 'stage',
    label: '(d) stage',
    needs: stageBuilt ? undefined : 'stage not built',
    program: ({ source }, destParent, statsFile) => [
      process.execPath,
      mainJs,
      'stage',
      source,
      path.join(destParent, '{rank}'),
      ...stageOptions,
      '--stats',
      statsFile,
    ],
  },
  {
    key: 'stage-torrent',
    label: '(e) stage --torrent',
    needs: !stageBuilt ? 'stage not built' : createBuilt ? undefined : 'create not built',
    program: ({ source, torrent }, destParent, statsFile) => [
      process.execPath,
      mainJs,
      'stage',
      source,
      path.join(destParent, '{rank}'),
      '--torrent',
      torrent,
      ...stageOptions,
      '--stats',
      statsFile,
    ],
  },
  {
    key: 'node-floor',
    label: '(f) Node floor, no data',
    // Not a copy: what any Node MPI program of stage's shape pays (np processes, two workers
    // each, MPI_Init, MPI_Finalize; bench/floor.mjs), so that (d) minus (f) is stage's own work.
    copies: false,
    program: () => [process.execPath, path.join(root, 'bench/floor.mjs'), '--every-rank'],
  },
];
const chosenMethods = option('methods')
  ? METHODS.filter((method) => option('methods').split(',').includes(method.key))
  : METHODS;
if (chosenMethods.length === 0) fail(`--methods: none of ${METHODS.map((method) => method.key).join(', ')}`);
const methods = chosenMethods.filter((method) => !method.needs);
const notes = chosenMethods
  .filter((method) => method.needs)
  .map((method) => `${method.label}: skipped, ${method.needs}`);

const datasets = DATASETS[quick ? 'quick' : 'full'].filter((dataset) => !only || only.includes(dataset.name));
if (datasets.length === 0) fail(`--only: none of ${DATASETS[quick ? 'quick' : 'full'].map((d) => d.name).join(', ')}`);

// ---------------------------------------------------------------------------------------------
// One job

const fsType = run('stat', ['-f', '-c', '%T', path.dirname(destRoot)], { timeoutMs: 5_000 }).stdout.trim();
if (fsType !== 'tmpfs')
  process.stderr.write(`warning: ${path.dirname(destRoot)} is ${fsType || 'of unknown type'}, not tmpfs\n`);

/** Bytes this many copies need, against what the destination and memory have (with 1 GiB spare). */
function roomFor(bytes) {
  mkdirSync(destRoot, { recursive: true });
  const disk = statfsSync(destRoot);
  const free = disk.bavail * disk.bsize;
  const available =
    Number(/MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? Infinity) * 1024;
  const spare = GiB;
  if (free < bytes + spare)
    return `${(bytes / GiB).toFixed(1)} GiB of copies, ${(free / GiB).toFixed(1)} GiB free at ${destRoot}`;
  if (fsType === 'tmpfs' && available < bytes + spare)
    return `${(bytes / GiB).toFixed(1)} GiB of copies, ${(available / GiB).toFixed(1)} GiB of memory available`;
  return undefined;
}

/** bcast-files' line: "copy 1.234 s, verify 0.567 s". */
function reportedSeconds(stdout) {
  const copyS = Number(/copy ([\d.]+) s/.exec(stdout)?.[1] ?? NaN);
  const verifyS = Number(/verify ([\d.]+) s/.exec(stdout)?.[1] ?? NaN);
  return { copyS, verifyS };
}

function readStats(file) {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length < 200_000 ? JSON.parse(text) : { note: `${text.length} characters, left out` };
  } catch {
    return undefined;
  }
}

/** A fresh, empty DEST parent; the job; every copy checked; each rank's peak RSS. */
function measureJob(dataset, np, method) {
  const destParent = path.join(destRoot, method.key);
  rmSync(destParent, { recursive: true, force: true });
  mkdirSync(destParent, { recursive: true });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-stage-'));
  try {
    if (dropCaches) {
      const dropped = run('sh', ['-c', 'sync && echo 3 > /proc/sys/vm/drop_caches'], { timeoutMs: 120_000 });
      if (!dropped.ok) fail(`cannot drop the page cache: ${dropped.stderr.trim() || dropped.reason}`);
    }
    const statsFile = path.join(scratch, 'stats.json');
    const program = withPeakRss(scratch, method.program(dataset, destParent, statsFile));
    const result = runJob(mpi, np, program, { timeoutMs });
    const problems = result.ok
      ? []
      : [`${result.timedOut ? 'timed out' : result.reason}: ${result.stderr.trim().split('\n').slice(-4).join(' | ')}`];
    if (result.ok && method.copies !== false) {
      const dests = Array.from({ length: np }, (_, rank) => path.join(destParent, String(rank)));
      problems.push(...checkCopies(dataset.source, dataset.entries, dests));
    }
    const rssKiB = Array.from({ length: np }, (_, rank) => {
      try {
        return Number(
          readFileSync(path.join(scratch, `rss.${rank}`), 'utf8')
            .trim()
            .split('\n')
            .pop(),
        );
      } catch {
        return NaN;
      }
    });
    return {
      wallS: result.wallS,
      cpuS: result.cpuS,
      foreignCores: result.foreignCores,
      stealCores: result.stealCores,
      peakRssMiB: Math.max(...rssKiB) / 1024,
      rssKiB,
      ...(method.key.startsWith('bcast') ? reportedSeconds(result.stdout) : {}),
      ...(method.key.startsWith('stage') ? { stats: readStats(statsFile) } : {}),
      problems,
      wrong: problems.length > 0,
    };
  } finally {
    rmSync(destParent, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The runs

const startedAt = new Date();
const loadBefore = loadAverage();
const groups = [];
let failures = 0;

/** The target for stage on a dataset (by its file size). */
const sizeClass = (dataset) => (dataset.kind === 'file' ? 'file' : dataset.fileBytes >= MiB ? '1MiB' : '4KiB');

function summarize(group) {
  const rows = {};
  for (const method of methods) {
    const good = group.runs[method.key].filter((job) => !job.wrong);
    const wall = spread(good.map((job) => job.wallS));
    rows[method.key] = {
      label: method.label,
      goodRuns: good.length,
      wrongRuns: group.runs[method.key].length - good.length,
      wallS: wall,
      gbPerS: method.copies === false ? NaN : (group.np * group.bytes) / wall.median / 1e9,
      cpuS: spread(good.map((job) => job.cpuS)),
      peakRssMiB: spread(good.map((job) => job.peakRssMiB)),
      foreignCores: spread(good.map((job) => job.foreignCores)),
      ...(method.key.startsWith('bcast')
        ? { copyS: spread(good.map((job) => job.copyS)), verifyS: spread(good.map((job) => job.verifyS)) }
        : {}),
    };
  }
  const a = rows.bcast?.wallS.median;
  const b = rows['bcast-verify']?.wallS.median;
  for (const row of Object.values(rows)) {
    row.vsBcast = row.wallS.median / a;
    row.vsBcastVerify = row.wallS.median / b;
  }
  for (const key of ['stage', 'stage-torrent']) {
    const row = rows[key];
    if (!row || !Number.isFinite(row.wallS.median)) continue;
    const limit = TARGET_VS_BCAST[sizeClass(group.dataset)];
    const checks = [
      ['faster than (b)', row.vsBcastVerify < 1],
      [`within ${limit}x of (a)`, row.vsBcast <= limit],
      ...(sizeClass(group.dataset) === 'file'
        ? [[`peak RSS < ${TARGET_RSS_MIB} MiB`, row.peakRssMiB.median < TARGET_RSS_MIB]]
        : []),
    ];
    row.target = {
      checks: Object.fromEntries(checks),
      verdict: checks.every(([, met]) => met)
        ? 'met'
        : `missed: ${checks
            .filter(([, met]) => !met)
            .map(([name]) => name)
            .join(', ')}`,
    };
  }
  return rows;
}

const f2 = (value) => fixed(value, 2, '-');
function tableRows() {
  return groups.flatMap((group) =>
    group.skipped
      ? [[group.dataset.name, group.np, 'all', '-', 'skipped', '-', '-', '-', '-', '-', '-', '-', group.skipped]]
      : Object.values(group.summary).map((row) => [
          group.dataset.name,
          group.np,
          row.label,
          `${row.goodRuns}${row.wrongRuns ? ` (${row.wrongRuns} wrong)` : ''}`,
          f2(row.wallS.median),
          row.wallS.n > 1 ? `${f2(row.wallS.min)}..${f2(row.wallS.max)}` : '',
          f2(row.gbPerS),
          f2(row.cpuS.median),
          fixed(row.peakRssMiB.median, 0, '-'),
          f2(row.vsBcast),
          f2(row.vsBcastVerify),
          f2(row.foreignCores.median),
          row.target?.verdict ?? '',
        ]),
  );
}
const HEADER = [
  'dataset',
  'np',
  'method',
  'runs',
  'seconds',
  'range',
  'GB/s written',
  'CPU s',
  'peak RSS/rank MiB',
  'vs (a)',
  'vs (b)',
  "others' cores",
  'target',
];

function writeResults(loadAfter) {
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(
    resultsFile,
    JSON.stringify(
      {
        benchmark: 'stage',
        date: startedAt.toISOString(),
        machine: machine(),
        node: process.version,
        mpi: mpi.version,
        mode: quick ? 'quick' : 'full',
        main: path.relative(root, mainJs) || mainJs,
        runsPerJob: runs,
        attempts,
        chunkBytes: chunk,
        dropCaches,
        destRoot: `${destRoot} (${fsType})`,
        loadAverage: { before: loadBefore, after: loadAfter ?? loadAverage() },
        notes,
        targets: { vsBcast: TARGET_VS_BCAST, fasterThanBcastVerify: true, peakRssMiB: TARGET_RSS_MIB },
        groups: groups.map(({ dataset, ...rest }) => ({
          dataset: dataset.name,
          about: dataset.about,
          ...rest,
          entries: undefined,
        })),
      },
      null,
      2,
    ) + '\n',
  );
}

process.stderr.write(
  `bench:stage: ${datasets.map((d) => d.name).join(', ')} at np ${nps.join(', ')}, ${runs} runs, ` +
    `${methods.map((m) => m.key).join(', ')}; copies in ${destRoot} (${fsType}); page cache ${dropCaches ? 'dropped before every job' : 'kept (SOURCE warm)'}; ` +
    `load average ${loadBefore.join(' ')}; ${mpi.version}\n`,
);
for (const note of notes) process.stderr.write(`  note: ${note}\n`);

for (const dataset of datasets) {
  const started = performance.now();
  Object.assign(dataset, prepareDataset(dataset, dataRoot));
  if (dataset.made)
    process.stderr.write(`  ${dataset.name}: made in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  dataset.entries = listTree(dataset.source);
  if (!dropCaches) warmUp(dataset.source, dataset.entries);
  if (methods.some((method) => method.key === 'stage-torrent')) {
    dataset.torrent = path.join(buildDir, 'stage-torrents', `${dataset.name}.torrent`);
    mkdirSync(path.dirname(dataset.torrent), { recursive: true });
    const created = measuredRun(process.execPath, [mainJs, 'create', dataset.source, '-o', dataset.torrent], {
      timeoutMs,
      env: mpi.env,
    });
    if (!created.ok) fail(`create ${dataset.name}: ${created.reason}: ${created.stderr.trim()}`);
    dataset.createS = created.wallS;
    dataset.createCpuS = created.cpuS;
  }
  for (const np of nps) {
    const group = {
      dataset,
      np,
      bytes: dataset.bytes,
      createS: dataset.createS,
      createCpuS: dataset.createCpuS,
      runs: {},
    };
    groups.push(group);
    const lacking = roomFor(np * dataset.bytes);
    if (lacking) {
      group.skipped = `not enough room: ${lacking}`;
      process.stderr.write(`  ${dataset.name} np ${np}: skipped, ${group.skipped}\n`);
      continue;
    }
    for (const method of methods) group.runs[method.key] = [];
    for (let round = 0; round < runs; round++) {
      // Each method takes each place in turn.
      const order = methods.map((_, index) => methods[(index + round) % methods.length]);
      for (const method of order) {
        const job = undisturbed(() => measureJob(dataset, np, method), { limitCores: 0.5, maxWaitMs, attempts });
        group.runs[method.key].push(job);
        if (job.wrong) {
          failures += 1;
          process.stderr.write(
            `  ${dataset.name} np ${np} ${method.key} round ${round + 1}: WRONG: ${job.problems.join('; ')}\n`,
          );
        } else {
          process.stderr.write(
            `  ${dataset.name} np ${np} ${method.key.padEnd(13)} round ${round + 1}: ${job.wallS.toFixed(2)} s, ` +
              `${job.cpuS.toFixed(2)} s CPU, peak RSS ${job.peakRssMiB.toFixed(0)} MiB/rank (others used ${job.foreignCores.toFixed(2)} cores` +
              `${job.attempts > 1 ? `, least disturbed of ${job.attempts}` : ''})\n`,
          );
        }
      }
    }
    group.summary = summarize(group);
    writeResults();
  }
}
const loadAfter = loadAverage();
rmSync(destRoot, { recursive: true, force: true });

process.stdout.write(`\n${markdownTable(HEADER, tableRows())}\n\n`);
process.stdout.write(
  `seconds: whole mpirun, median of ${runs} runs; GB/s written: np x dataset bytes / seconds; CPU s: ` +
    `user + system of mpirun and every rank; peak RSS: the largest rank's, median over runs; vs (a), vs (b): seconds / ` +
    `those of (a), (b). Load average ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after.\n`,
);
for (const note of notes) process.stdout.write(`note: ${note}\n`);
writeResults(loadAfter);
process.stdout.write(`wrote ${path.relative(root, resultsFile)}\n`);
if (failures > 0) {
  process.stderr.write(`bench:stage: ${failures} jobs failed or gave a wrong copy: see above\n`);
  process.exit(1);
}
