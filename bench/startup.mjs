#!/usr/bin/env node
// Where a rank's start-up goes (`npm run bench:startup`): per rank and thread, wall and CPU of
// each step from the process's start to its exit, for the Node floor and mpitorrent side by side.
//
// Each variant runs as `mpirun node --require bench/startup-marks.cjs <program>`; the preload
// records, in every thread, the thread's first line, each start-up mark of the program
// (dist/main.js marks its steps through src/launch/startup-mark.ts: a no-op without the preload), the
// addon's dlopen, MPI_Init_thread, MPI_Finalize and the exit, with this thread's CPU time
// (/proc/thread-self/schedstat) and the process's (process.cpuUsage()). Plain runs of the same
// jobs, without the preload, interleaved, give the whole mpirun's wall and CPU.
//
// Options: --scenario=startup<np>|seed10|... (default startup7: nobody wants anything),
//          --runs=N (default 5), --unbundled (adds dist/ as tsc alone builds it, without the
//          bundles, built into bench/build/dist-tsc: the before/after of the bundling),
//          --variant="LABEL=[node flags] path/to/main.js" (another build, or node flags; repeatable).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  addonFile,
  args,
  benchDir,
  buildDir,
  checkBuilt,
  detectMpi,
  fail,
  fixed,
  flag,
  loadAverage,
  machine,
  median,
  option,
  root,
  run,
  runJob,
  table,
  undisturbed,
} from './lib.mjs';
import {
  expectedOutputs,
  freshCopy,
  generatePreset,
  peerCount,
  verifyOutputs,
  writeStartupOnly,
} from './scenarios.mjs';

const runs = Number(option('runs') ?? 5);
const scenarioName = option('scenario') ?? 'startup7';
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, not ${option('runs')}`);

const preload = path.join(benchDir, 'startup-marks.cjs');
// Runs with --variant (node flags, other builds) keep their own file, which git ignores.
const resultsFile = path.join(
  benchDir,
  'results',
  `startup-${scenarioName}${args.some((arg) => arg.startsWith('--variant=')) ? '-variants.tmp' : '.json'}`,
);

const mpi = detectMpi();
checkBuilt();

// ---------------------------------------------------------------------------------------------
// The scenario and the variants

const folder = path.join(buildDir, 'scenarios', scenarioName);
const startupOnly = /^startup(\d+)$/.exec(scenarioName);
if (startupOnly) writeStartupOnly(folder, Number(startupOnly[1]) - 1);
else if (['seed10', 'seed14', 'mixed15', 'course', 'nasty'].includes(scenarioName))
  generatePreset(scenarioName, folder);
else fail(`unknown --scenario ${scenarioName} (startup<np>, seed10, seed14, mixed15, course, nasty)`);
const np = peerCount(folder) + 1;
const expected = expectedOutputs(folder);

const variants = [
  { label: 'Node floor', main: path.join(benchDir, 'floor.mjs'), floor: true },
  { label: 'mpitorrent', main: path.join(root, 'dist', 'main.js') },
];
if (flag('unbundled')) {
  const outDir = path.join(buildDir, 'dist-tsc');
  rmSync(outDir, { recursive: true, force: true });
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = run(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', outDir, '--declaration', 'false']);
  if (!build.ok) fail(`tsc --outDir ${outDir} failed (${build.reason}):\n${build.stdout}${build.stderr}`);
  variants.push({ label: 'tsc only', main: path.join(outDir, 'main.js') });
}
for (const arg of args.filter((a) => a.startsWith('--variant='))) {
  const [label, command] = arg.slice('--variant='.length).split(/=(.*)/s);
  const words = command?.trim().split(/\s+/) ?? [];
  if (!label || words.length === 0) fail(`--variant=LABEL=[node flags] path/to/main.js, not ${arg}`);
  variants.push({ label, main: path.resolve(words.at(-1)), nodeArgs: words.slice(0, -1) });
}
// Builds outside dist/ find the addon through MPITORRENT_ADDON.
const env = { ...mpi.env, MPITORRENT_ADDON: addonFile };

// ---------------------------------------------------------------------------------------------
// Running

function oneRun(variant, instrumented) {
  const work = freshCopy(folder);
  const marksDir = instrumented ? mkdtempSync(path.join(os.tmpdir(), 'mpitorrent-marks-')) : undefined;
  try {
    const nodeArgs = [...(variant.nodeArgs ?? []), ...(instrumented ? ['--require', preload] : [])];
    const program = [process.execPath, ...nodeArgs, variant.main];
    const spawnedAt = performance.timeOrigin + performance.now();
    const result = runJob(mpi, np, program, {
      cwd: work,
      env: instrumented ? { ...env, MPITORRENT_STARTUP_MARKS: marksDir } : env,
    });
    const problems = result.ok ? [] : [`${result.reason}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`];
    if (result.ok && !variant.floor) problems.push(...verifyOutputs(work, expected));
    const threads = instrumented
      ? readdirSync(marksDir).map((name) => JSON.parse(readFileSync(path.join(marksDir, name), 'utf8')))
      : [];
    if (instrumented && result.ok && new Set(threads.map((thread) => thread.rank)).size !== np) {
      problems.push(`marks from ${new Set(threads.map((thread) => thread.rank)).size} ranks, not ${np}`);
    }
    return { wallS: result.wallS, cpuS: result.cpuS, foreignCores: result.foreignCores, spawnedAt, threads, problems };
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (marksDir) rmSync(marksDir, { recursive: true, force: true });
  }
}

const startedAt = new Date();
const loadBefore = loadAverage();
process.stderr.write(
  `bench:startup: ${scenarioName} (np ${np}), ${variants.map((v) => v.label).join(', ')}; ` +
    `${runs} rounds (load average ${loadBefore.join(' ')})\n`,
);
for (const variant of variants) variant.runs = [];
let wrong = 0;
for (let round = 0; round < runs; round++) {
  // Every round in a rotated order, so that no variant always runs first.
  const order = [...variants.slice(round % variants.length), ...variants.slice(0, round % variants.length)];
  for (const variant of order) {
    const { marked, plain, attempts } = undisturbed(() => {
      const pair = { marked: oneRun(variant, true), plain: oneRun(variant, false) };
      return {
        ...pair,
        foreignCores: Math.max(pair.marked.foreignCores, pair.plain.foreignCores),
        wrong: pair.marked.problems.length + pair.plain.problems.length > 0,
      };
    });
    const problems = [...marked.problems, ...plain.problems];
    if (problems.length > 0) {
      wrong += 1;
      process.stderr.write(`  ${variant.label} round ${round + 1}: WRONG: ${problems.slice(0, 4).join('; ')}\n`);
      continue;
    }
    variant.runs.push({ marked, plain });
    process.stderr.write(
      `  ${variant.label.padEnd(12)} round ${round + 1}: ${plain.wallS.toFixed(2)} s wall, ` +
        `${plain.cpuS.toFixed(2)} s CPU (instrumented ${marked.wallS.toFixed(2)} s, ${marked.cpuS.toFixed(2)} s; ` +
        `others used ${plain.foreignCores.toFixed(2)} cores${attempts > 1 ? `; least disturbed of ${attempts} attempts` : ''})\n`,
    );
  }
}
const loadAfter = loadAverage();

// ---------------------------------------------------------------------------------------------
// Steps: from each thread's marks

/** Which thread: "main", or the worker's name from its own marks ("download worker", "worker"). */
function threadKind(thread) {
  if (thread.threadId === 0) return 'main';
  const named = thread.marks.map((mark) => /^(\w+ worker):/.exec(mark.name)?.[1]).find(Boolean);
  return named ?? 'worker';
}

/**
 * The steps of one rank: [{key, wallMs, cpuMs}], each from the previous mark of its thread to
 * this one; CPU is the thread's own. Plus the process's totals.
 */
function rankSteps(threads, spawnedAt) {
  const main = threads.find((thread) => thread.threadId === 0);
  const byTime = (a, b) => a.at - b.at;
  const steps = [];
  const mainMarks = [...main.marks].sort(byTime);
  steps.push({ key: 'main | mpirun spawn -> process start', wallMs: main.timeOrigin - spawnedAt, cpuMs: NaN });
  let previous = { at: main.timeOrigin, threadCpuMs: 0 };
  for (const mark of mainMarks) {
    const label = mark.name === 'thread: first line' ? 'process start -> thread: first line' : `-> ${mark.name}`;
    steps.push({
      key: `main | ${label}`,
      wallMs: mark.at - previous.at,
      cpuMs: mark.threadCpuMs - previous.threadCpuMs,
    });
    previous = mark;
  }
  // Workers start with the main thread's mark that precedes 'main: workers constructed'.
  const constructedIndex = mainMarks.findIndex((mark) => mark.name === 'main: workers constructed');
  const constructorCalledAt = constructedIndex > 0 ? mainMarks[constructedIndex - 1].at : NaN;
  let threadsCpuMs = mainMarks.at(-1).threadCpuMs;
  for (const thread of threads.filter((t) => t.threadId !== 0)) {
    const kind = threadKind(thread);
    let before = { at: constructorCalledAt, threadCpuMs: 0 };
    for (const mark of [...thread.marks].sort(byTime)) {
      const label = mark.name === 'thread: first line' ? 'Worker constructor -> thread: first line' : `-> ${mark.name}`;
      steps.push({
        key: `${kind} | ${label}`,
        wallMs: mark.at - before.at,
        cpuMs: mark.threadCpuMs - before.threadCpuMs,
      });
      before = mark;
    }
    threadsCpuMs += before.threadCpuMs;
  }
  const exit = mainMarks.at(-1);
  steps.push({
    key: 'process | lifetime (start to exit)',
    wallMs: exit.at - main.timeOrigin,
    cpuMs: exit.processCpuMs,
  });
  steps.push({
    key: 'process | threads other than ours (V8, libuv, MPI)',
    wallMs: NaN,
    cpuMs: exit.processCpuMs - threadsCpuMs,
  });
  return steps;
}

function summarizeVariant(variant) {
  const roles = { peer: new Map(), tracker: new Map() };
  for (const { marked } of variant.runs) {
    for (const rank of new Set(marked.threads.map((thread) => thread.rank))) {
      const role = rank === 0 ? roles.tracker : roles.peer;
      for (const step of rankSteps(
        marked.threads.filter((thread) => thread.rank === rank),
        marked.spawnedAt,
      )) {
        if (!role.has(step.key)) role.set(step.key, { wallMs: [], cpuMs: [] });
        role.get(step.key).wallMs.push(step.wallMs);
        role.get(step.key).cpuMs.push(step.cpuMs);
      }
    }
  }
  const medians = (map) =>
    [...map].map(([key, values]) => ({ key, wallMs: median(values.wallMs), cpuMs: median(values.cpuMs) }));
  const whole = (kind, field) => median(variant.runs.map((entry) => entry[kind][field]));
  return {
    label: variant.label,
    main: path.relative(root, variant.main),
    nodeArgs: variant.nodeArgs ?? [],
    goodRuns: variant.runs.length,
    peer: medians(roles.peer),
    tracker: medians(roles.tracker),
    job: {
      wallS: whole('plain', 'wallS'),
      cpuS: whole('plain', 'cpuS'),
      cpuPerRankS: whole('plain', 'cpuS') / np,
      instrumentedWallS: whole('marked', 'wallS'),
      instrumentedCpuS: whole('marked', 'cpuS'),
      foreignCores: whole('plain', 'foreignCores'),
    },
  };
}

const summaries = variants.map(summarizeVariant);

/** Row keys of all variants, each in the order of the first variant that has it. */
function rowKeys(role) {
  const keys = [];
  for (const summary of summaries) {
    let insertAt = 0;
    for (const { key } of summary[role]) {
      const found = keys.indexOf(key);
      if (found >= 0) insertAt = found + 1;
      else keys.splice(insertAt++, 0, key);
    }
  }
  return keys;
}

const ms = (value) => fixed(value, 1, '');
for (const role of ['peer', 'tracker']) {
  const header = ['thread | step (from the previous mark)'];
  for (const summary of summaries) header.push(`${summary.label} wall`, 'CPU');
  const rows = rowKeys(role).map((key) => [
    key,
    ...summaries.flatMap((summary) => {
      const step = summary[role].find((s) => s.key === key);
      return step ? [ms(step.wallMs), ms(step.cpuMs)] : ['', ''];
    }),
  ]);
  process.stdout.write(
    `\n${role === 'peer' ? 'A peer (ranks 1..' + (np - 1) + ')' : 'The tracker (rank 0)'}: ` +
      'milliseconds, medians over ranks and runs; CPU is the thread\'s own, "process" rows the whole process\'s\n',
  );
  process.stdout.write(table(header, rows) + '\n');
}
process.stdout.write(`\nWhole mpirun of ${scenarioName} (np ${np}), seconds, medians of ${runs} rounds\n`);
process.stdout.write(
  table(
    ['variant', 'wall', 'CPU', 'CPU/rank', 'instrumented wall', 'CPU', "others' cores"],
    summaries.map((s) => [
      s.label,
      s.job.wallS.toFixed(2),
      s.job.cpuS.toFixed(2),
      s.job.cpuPerRankS.toFixed(3),
      s.job.instrumentedWallS.toFixed(2),
      s.job.instrumentedCpuS.toFixed(2),
      s.job.foreignCores.toFixed(2),
    ]),
  ) + '\n',
);
process.stdout.write(`Load average ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after.\n`);

mkdirSync(path.dirname(resultsFile), { recursive: true });
writeFileSync(
  resultsFile,
  JSON.stringify(
    {
      benchmark: 'startup',
      date: startedAt.toISOString(),
      machine: machine(),
      node: process.version,
      mpi: mpi.version,
      scenario: scenarioName,
      np,
      rounds: runs,
      loadAverage: { before: loadBefore, after: loadAfter },
      variants: summaries,
    },
    null,
    2,
  ) + '\n',
);
process.stdout.write(`wrote ${path.relative(root, resultsFile)}\n`);
if (wrong > 0) {
  process.stderr.write(`bench:startup: ${wrong} runs gave a wrong result or failed: see above\n`);
  process.exit(1);
}
