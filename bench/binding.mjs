#!/usr/bin/env node
// The binding's benchmark, one entry point (`npm run bench:binding`):
//   1. builds bench/pingpong.c with mpicc into bench/build/;
//   2. runs the blocking ping-pong at np 2 in C, in Node (main thread and worker thread) and,
//      when `import mpi4py` works, in mpi4py, interleaved over several rounds;
//   3. runs the waiting strategies (bench/waiting.mjs) at np 2 and oversubscribed at np 7;
//   4. prints the tables with Node/C ratios and the targets, writes bench/results/binding.json.
// Options: --quick (one short round, for a smoke test), --only=pingpong|waiting,
// --from=FILE (print the tables of a results file again; runs nothing).
// What is measured and how: bench/README.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_BACKOFF } from '../dist/mpi/backoff.js'; // plain JS: does not load the addon
import {
  benchDir,
  buildC,
  checkBuilt,
  detectMpi,
  fail,
  firstLine,
  fixed,
  flag,
  loadAverage,
  machine as describeMachine,
  markdownTable,
  measuredRun,
  median,
  mulberry32,
  option,
  root,
  run,
  undisturbed,
} from './lib.mjs';

const quick = flag('quick');
const only = option('only');
// Only a full run replaces the recorded results; others go to a file git ignores.
const resultsFile = path.join(benchDir, 'results', quick || only ? 'binding.partial.tmp' : 'binding.json');

const KiB = 1024;
const MiB = 1024 * KiB;
// Small sizes report the half round trip, large ones the bandwidth (size / half round trip).
// `warmups` repetitions run first and are dropped. The first size gets several: V8 compiles
// the loop a few times (on-stack replacement, deoptimization, again) over ~0.1 s, and its
// compiler threads take CPU from the spinning ranks meanwhile.
const SIZES = [
  { size: 1, iterations: 50000, warmups: 4, metric: 'latency' },
  { size: KiB, iterations: 50000, warmups: 1, metric: 'latency' },
  { size: 64 * KiB, iterations: 5000, warmups: 1, metric: 'latency' },
  { size: MiB, iterations: 300, warmups: 1, metric: 'bandwidth' },
  { size: 16 * MiB, iterations: 12, warmups: 1, metric: 'bandwidth' },
  { size: 64 * MiB, iterations: 4, warmups: 1, metric: 'bandwidth' },
];
// This virtual machine switches, for seconds at a time, between a fast and a slow state (the
// host moving its vCPUs: a 1-byte C ping-pong takes 0.15 or 0.40 µs whatever else runs), and
// large copies get ±12 % faster or slower from one process to the next, all sizes alike.
// Within a process, repetitions agree to a few %. So: few repetitions, many short processes,
// interleaved, and for the large sizes (where that noise matters most) twice as many.
const REPETITIONS = 3;
const ROUNDS = { latency: quick ? 1 : 8, bandwidth: quick ? 1 : 16 };

const WAITING = {
  idleMs: quick ? 500 : 2000,
  roundTrips: quick ? 200 : 1000,
  gapSamples: quick ? 10 : 40,
  gapMs: 5,
  oversubscribedRanks: 7,
};
// <kind>-<sleep cap µs>[-s<polls before the first sleep>]; without -s, the library's default.
const STRATEGIES = quick
  ? ['blocking', 'js-1000', 'poller-1000', 'hybrid-1000']
  : [
      'blocking',
      'js-250',
      'js-1000',
      'js-4000',
      'js-1000-s1000',
      'poller-1000',
      'hybrid-250',
      'hybrid-1000',
      'hybrid-4000',
      'hybrid-1000-s4000',
    ];
// What the library does by default: Communicator.waitMessage's Backoff (a synchronous worker loop).
const DEFAULT_STRATEGY = `js-${DEFAULT_BACKOFF.sleepCapUs}`;

const TARGETS = {
  latencyGapUs: 0.3, // Node within 0.3 µs of C at 1 B
  bandwidthRatio: 0.95, // at least 95 % of C's bandwidth from 1 MiB up
  idleCpuCores: 0.1, // a rank's two waiting workers cost under 10 % of a core
};

// Other work on the machine (another job, a test run) ruins timings on 2 cores: each run waits
// (up to 60 s) until other processes use under 0.15 cores, and a run during which they used
// more is repeated (up to 3 attempts, the least disturbed kept).
const QUIET = { limitCores: 0.15, maxWaitMs: 60000, attempts: 3 };

// ---------------------------------------------------------------------------------------------
// Running things

/** An mpirun job (`launch`: its arguments) on a quiet machine, with the CPU others used meanwhile. */
function runUndisturbed(mpi, launch, { timeoutMs } = {}) {
  return undisturbed(() => {
    const result = measuredRun(mpi.mpirun, launch, { env: mpi.env, timeoutMs });
    return { ...result, wrong: !result.ok };
  }, QUIET);
}

/** The first Python that has mpi4py (Debian's lives in /usr/bin/python3, not in pyenv's). */
function findMpi4py() {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const python of [...new Set(candidates)]) {
    const probe = run(python, ['-c', 'import mpi4py; print(mpi4py.__version__)'], { timeoutMs: 20000 });
    if (probe.ok) return { python, version: probe.stdout.trim() };
  }
  return undefined;
}

function parseJsonLines(text) {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

// ---------------------------------------------------------------------------------------------
// Statistics

const gigabytesPerSecond = (size, halfRoundTripUs) => size / halfRoundTripUs / 1000;

/**
 * Bandwidth of `entry` relative to `baseline` (both summaries of one size: the ratio of their
 * median rounds), with a 90 % bootstrap interval over the rounds (processes), which is where
 * the noise is. The generator is seeded, so a results file always reprints the same intervals.
 */
function bandwidthRatio(entry, baseline) {
  const random = mulberry32(12345);
  const resample = (values) => values.map(() => values[Math.floor(random() * values.length)]);
  const ratios = [];
  for (let i = 0; i < 2000; ++i) {
    ratios.push(median(resample(baseline.roundMediansUs)) / median(resample(entry.roundMediansUs)));
  }
  ratios.sort((a, b) => a - b);
  return {
    ratio: baseline.medianRoundUs / entry.medianRoundUs,
    low: ratios[Math.floor(0.05 * ratios.length)],
    high: ratios[Math.floor(0.95 * ratios.length)],
  };
}

// ---------------------------------------------------------------------------------------------
// Ping-pong

function pingPongImplementations(cBinary, mpi4py) {
  const implementations = [
    { id: 'c', label: 'C, MPI_THREAD_MULTIPLE', command: [cBinary, 'multiple'] },
    { id: 'c-single', label: 'C, MPI_THREAD_SINGLE', command: [cBinary, 'single'] },
    { id: 'node-main', label: 'Node main thread', command: [process.execPath, 'bench/pingpong.mjs', 'main'] },
    { id: 'node-worker', label: 'Node worker thread', command: [process.execPath, 'bench/pingpong.mjs', 'worker'] },
  ];
  if (mpi4py) {
    implementations.push({
      id: 'mpi4py',
      label: `mpi4py ${mpi4py.version}`,
      command: [mpi4py.python, 'bench/pingpong.py'],
    });
  }
  return implementations;
}

function runPingPong(mpi, implementations) {
  const runs = [];
  for (const metric of ['latency', 'bandwidth']) {
    const sizes = SIZES.filter((s) => s.metric === metric);
    const plan = [String(REPETITIONS), ...sizes.map((s) => `${s.size}:${s.iterations}:${s.warmups}`)];
    const rounds = ROUNDS[metric];
    for (let round = 0; round < rounds; ++round) {
      // Interleaved, each round in a rotated order: drifts of the (virtual) machine hit all alike.
      for (let i = 0; i < implementations.length; ++i) {
        const implementation = implementations[(i + round) % implementations.length];
        process.stderr.write(`ping-pong, ${metric} round ${round + 1}/${rounds}: ${implementation.label}\n`);
        const [command, ...commandArgs] = implementation.command;
        const result = runUndisturbed(mpi, [...mpi.onePerCore, command, ...commandArgs, ...plan]);
        if (!result.ok) fail(`${implementation.label} failed (${result.reason}):\n${result.stderr}`);
        const [report] = parseJsonLines(result.stdout);
        if (!report) fail(`${implementation.label} printed no result:\n${result.stdout}\n${result.stderr}`);
        runs.push({
          metric,
          round,
          id: implementation.id,
          foreignCores: result.foreignCores,
          stealCores: result.stealCores,
          attempts: result.attempts,
          ...report,
        });
      }
    }
  }
  return { runs, summary: summarizePingPong(runs) };
}

function summarizePingPong(runs) {
  const summary = {};
  for (const id of new Set(runs.map((r) => r.id))) {
    summary[id] = SIZES.map(({ size, metric }) => {
      const rounds = runs
        .filter((r) => r.id === id)
        .map((r) => r.results.find((result) => result.size === size)?.halfRoundTripUs)
        .filter((repetitions) => repetitions !== undefined);
      const roundMediansUs = rounds.map(median);
      const bestRoundUs = Math.min(...roundMediansUs);
      const medianRoundUs = median(roundMediansUs);
      const medianUs = median(rounds.flat());
      // Up to 64 KiB a round's speed is one of two machine states, and the fastest round
      // compares the fast state with itself (a median would pick whichever state the dice gave
      // more rounds). Large copies vary continuously from run to run: their fastest round is an
      // outlier, the median round is the robust figure.
      const reportedUs = metric === 'latency' ? bestRoundUs : medianRoundUs;
      return {
        size,
        metric,
        reportedUs,
        reportedGBs: gigabytesPerSecond(size, reportedUs),
        bestRoundUs,
        medianRoundUs,
        medianUs,
        roundMediansUs,
        samples: rounds.flat().length,
      };
    });
  }
  return summary;
}

// ---------------------------------------------------------------------------------------------
// Waiting strategies

function runWaiting(mpi) {
  const results = [];
  for (const strategy of STRATEGIES) {
    for (const ranks of [2, WAITING.oversubscribedRanks]) {
      process.stderr.write(`waiting: ${strategy} at np ${ranks}\n`);
      const launch = ranks === 2 ? mpi.onePerCore : mpi.oversubscribed(ranks);
      const waitingArgs = [WAITING.idleMs, WAITING.roundTrips, WAITING.gapSamples, WAITING.gapMs].map(String);
      const result = runUndisturbed(mpi, [...launch, process.execPath, 'bench/waiting.mjs', strategy, ...waitingArgs], {
        timeoutMs: 180000,
      });
      if (!result.ok) {
        results.push({ strategy, np: ranks, error: `${result.reason}: ${result.stderr.slice(-2000)}` });
        continue;
      }
      const reports = parseJsonLines(result.stdout);
      const stream = reports.find((report) => report.roundTrip);
      const cpu = reports.map((report) => report.idleCpuCores);
      results.push({
        strategy,
        np: ranks,
        foreignCores: result.foreignCores,
        stealCores: result.stealCores,
        attempts: result.attempts,
        roundTrip: stream?.roundTrip,
        afterGap: stream?.afterGap,
        idleCpuPerRank: cpu.reduce((a, b) => a + b, 0) / cpu.length,
        idleCpuMaxRank: Math.max(...cpu),
        idleCpuTotal: cpu.reduce((a, b) => a + b, 0),
      });
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Reporting

const us = (value) =>
  value === undefined || value === null
    ? 'n/a'
    : value < 10
      ? value.toFixed(2)
      : value < 1000
        ? value.toFixed(1)
        : value.toFixed(0);
const signedUs = (value) => (value < 0 ? `−${us(-value)}` : `+${us(value)}`);
const percent = (ratio) => `${(ratio * 100).toFixed(1)} %`;

function sizeLabel(size) {
  if (size >= MiB) return `${size / MiB} MiB`;
  if (size >= KiB) return `${size / KiB} KiB`;
  return `${size} B`;
}

function pingPongTables(summary) {
  const py = (index) => summary.mpi4py?.[index];
  const latencyRows = [];
  const bandwidthRows = [];
  const allRows = [];
  SIZES.forEach(({ size, metric }, index) => {
    const c = summary.c[index];
    const single = summary['c-single'][index];
    const main = summary['node-main'][index];
    const worker = summary['node-worker'][index];
    if (metric === 'latency') {
      latencyRows.push([
        sizeLabel(size),
        us(c.reportedUs),
        us(single.reportedUs),
        us(main.reportedUs),
        signedUs(main.reportedUs - c.reportedUs),
        fixed(main.reportedUs / c.reportedUs, 2),
        us(worker.reportedUs),
        signedUs(worker.reportedUs - c.reportedUs),
        fixed(worker.reportedUs / c.reportedUs, 2),
        py(index) ? us(py(index).reportedUs) : 'n/a',
        py(index) ? fixed(main.reportedUs / py(index).reportedUs, 2) : 'n/a',
        py(index) ? fixed(worker.reportedUs / py(index).reportedUs, 2) : 'n/a',
      ]);
    } else {
      const ratio = (entry, baseline) => {
        const { ratio: value, low, high } = bandwidthRatio(entry, baseline);
        return `${fixed(value, 2)} (${fixed(low, 2)}–${fixed(high, 2)})`;
      };
      bandwidthRows.push([
        sizeLabel(size),
        fixed(c.reportedGBs, 2),
        fixed(single.reportedGBs, 2),
        ratio(single, c),
        fixed(main.reportedGBs, 2),
        ratio(main, c),
        fixed(worker.reportedGBs, 2),
        ratio(worker, c),
        py(index) ? fixed(py(index).reportedGBs, 2) : 'n/a',
        py(index) ? ratio(main, py(index)) : 'n/a',
        py(index) ? ratio(worker, py(index)) : 'n/a',
      ]);
    }
    const cell = (entry) =>
      entry === undefined
        ? 'n/a'
        : metric === 'latency'
          ? `${us(entry.medianUs)} µs`
          : `${fixed(gigabytesPerSecond(size, entry.medianUs), 2)} GB/s`;
    allRows.push([sizeLabel(size), cell(c), cell(single), cell(main), cell(worker), cell(py(index))]);
  });
  return [
    "Half round trip, µs: each implementation's fastest round (the median of its repetitions); lower is better",
    markdownTable(
      [
        'size',
        'C',
        'C single',
        'Node main',
        'main − C',
        'main/C',
        'Node worker',
        'worker − C',
        'worker/C',
        'mpi4py',
        'main/mpi4py',
        'worker/mpi4py',
      ],
      latencyRows,
    ),
    '',
    'Bandwidth, GB/s = size / half round trip (10^9 B/s), median round; higher is better. Ratios of ' +
      'bandwidth with a 90 % bootstrap interval over rounds; C single/C is the control (the same code at ' +
      'these sizes), so its interval shows the noise',
    markdownTable(
      [
        'size',
        'C',
        'C single',
        'single/C',
        'Node main',
        'main/C',
        'Node worker',
        'worker/C',
        'mpi4py',
        'main/mpi4py',
        'worker/mpi4py',
      ],
      bandwidthRows,
    ),
    '',
    "The same, median of all repetitions of all rounds (mixes the machine's fast and slow states)",
    markdownTable(['size', 'C', 'C single', 'Node main', 'Node worker', 'mpi4py'], allRows),
  ].join('\n');
}

function waitingTable(results, plan = WAITING) {
  const rows = [...new Set(results.map((r) => r.strategy))].map((strategy) => {
    const at2 = results.find((r) => r.strategy === strategy && r.np === 2);
    const over = results.find((r) => r.strategy === strategy && r.np === plan.oversubscribedRanks);
    const cells = (r) =>
      r?.error
        ? ['failed', '', '', '', '', '']
        : [
            us(r?.roundTrip?.medianUs),
            us(r?.roundTrip?.p90Us),
            us(r?.roundTrip?.p99Us),
            us(r?.afterGap?.medianUs),
            us(r?.afterGap?.p99Us),
            fixed(r?.idleCpuPerRank, 3),
          ];
    return [
      strategy + (strategy === DEFAULT_STRATEGY ? ' (default)' : ''),
      ...cells(at2),
      ...cells(over),
      over?.error ? '' : fixed(over?.idleCpuTotal, 2),
    ];
  });
  const n = plan.oversubscribedRanks;
  const gap = `${plan.gapMs}–${2 * plan.gapMs} ms`;
  return [
    `Waiting strategies: 1-byte round trips between worker threads of ranks 0 and 1, µs, every receive waiting ` +
      `with the strategy (${plan.roundTrips} back to back; "idle" = ${plan.gapSamples} after ${gap} of ` +
      `silence); CPU = cores used by a rank while its two workers wait (whole process, ${plan.idleMs / 1000} s)`,
    markdownTable(
      [
        'strategy',
        'np 2 median',
        'p90',
        'p99',
        'idle median',
        'idle p99',
        'CPU/rank',
        `np ${n} median`,
        'p90',
        'p99',
        'idle median',
        'idle p99',
        'CPU/rank',
        `CPU, all ${n}`,
      ],
      rows,
    ),
  ].join('\n');
}

function evaluateTargets(pingPong, waiting) {
  const targets = [];
  if (pingPong) {
    const { summary } = pingPong;
    const index1B = SIZES.findIndex((s) => s.size === 1);
    for (const id of ['node-main', 'node-worker']) {
      const node = summary[id][index1B];
      const c = summary.c[index1B];
      const gap = node.reportedUs - c.reportedUs;
      targets.push({
        target: `${id}: within ${TARGETS.latencyGapUs} µs of C at 1 B`,
        measured: `${signedUs(gap)} µs (all repetitions: ${signedUs(node.medianUs - c.medianUs)} µs)`,
        met: gap <= TARGETS.latencyGapUs,
      });
    }
    // At >= 1 MiB the thread level changes nothing in C: C single against C shows the noise.
    const large = SIZES.map((s, i) => ({ s, i })).filter(({ s }) => s.size >= MiB);
    const control = large.map(({ i }) => bandwidthRatio(summary['c-single'][i], summary.c[i]));
    const controlText = `control C single/C: ${control.map((r) => fixed(r.ratio, 2)).join(', ')}`;
    for (const id of ['node-main', 'node-worker']) {
      const ratios = large.map(({ s, i }) => ({ s, ...bandwidthRatio(summary[id][i], summary.c[i]) }));
      const worst = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a));
      targets.push({
        target: `${id}: ≥ ${TARGETS.bandwidthRatio * 100} % of C's bandwidth from 1 MiB up`,
        measured:
          ratios
            .map((r) => `${sizeLabel(r.s.size)} ${percent(r.ratio)} (${percent(r.low)}–${percent(r.high)})`)
            .join(', ') + `; ${controlText}`,
        met: worst.ratio >= TARGETS.bandwidthRatio,
      });
    }
    if (summary.mpi4py) {
      for (const id of ['node-main', 'node-worker']) {
        // Ratio of times (Node/mpi4py; below 1 is faster), with the bandwidth interval for large sizes.
        const comparisons = SIZES.map((s, i) => ({
          s,
          ratio: summary[id][i].reportedUs / summary.mpi4py[i].reportedUs,
          interval: s.metric === 'bandwidth' ? bandwidthRatio(summary[id][i], summary.mpi4py[i]) : undefined,
        }));
        const slower = comparisons.filter((c) => c.ratio >= 1);
        const ratios = comparisons.map((c) => c.ratio);
        const describe = (c) =>
          `${sizeLabel(c.s.size)} (+${((c.ratio - 1) * 100).toFixed(1)} %` +
          `${c.interval && c.interval.high >= 1 ? ', within the noise' : ''})`;
        targets.push({
          target: `${id}: faster than mpi4py's buffer API at every size`,
          measured:
            `time Node/mpi4py ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` +
            (slower.length ? `; not faster at ${slower.map(describe).join(', ')}` : ''),
          met: slower.length === 0,
        });
      }
    } else {
      targets.push({ target: 'faster than mpi4py at every size', measured: 'mpi4py not installed', met: null });
    }
  }
  if (waiting) {
    const chosen = waiting.find((r) => r.strategy === DEFAULT_STRATEGY && r.np === WAITING.oversubscribedRanks);
    if (chosen && !chosen.error) {
      targets.push({
        target:
          `two waiting workers cost < ${TARGETS.idleCpuCores * 100} % of a core per rank (${DEFAULT_STRATEGY}, ` +
          `np ${WAITING.oversubscribedRanks} on ${os.cpus().length} cores)`,
        measured: `${percent(chosen.idleCpuPerRank)} mean, ${percent(chosen.idleCpuMaxRank)} worst rank`,
        met: chosen.idleCpuMaxRank < TARGETS.idleCpuCores,
      });
    }
  }
  return targets;
}

/** Which strategy did best on each count (the choice: docs/decisions/001-waiting-strategies.md). */
function bestStrategies(waiting) {
  const measured = waiting.filter((r) => !r.error && r.roundTrip);
  const lowest = (np, value) =>
    measured
      .filter((r) => r.np === np)
      .reduce((best, r) => (best === undefined || value(r) < value(best) ? r : best), undefined)?.strategy;
  const n = WAITING.oversubscribedRanks;
  return {
    lowestMedianAtOnePerCore: lowest(2, (r) => r.roundTrip.medianUs),
    lowestP90AtOnePerCore: lowest(2, (r) => r.roundTrip.p90Us),
    lowestMedianOversubscribed: lowest(n, (r) => r.roundTrip.medianUs),
    lowestIdleCpuOversubscribed: lowest(n, (r) => r.idleCpuPerRank),
  };
}

// ---------------------------------------------------------------------------------------------

/** Prints the tables and the targets; returns what the results file records of them. */
function report({ date, machine, mpi4py, plan, pingPong, waiting, elapsedS }) {
  const targets = evaluateTargets(pingPong, waiting);
  const best = waiting ? bestStrategies(waiting) : undefined;
  const output = [];
  output.push(`mpitorrent binding benchmark, ${date}`);
  output.push(
    `${machine.model ?? machine.cpu}, ${machine.cores} cores; Node ${machine.node}; ${machine.mpirun}` +
      (mpi4py ? `; mpi4py ${mpi4py.version} (${mpi4py.python})` : '; mpi4py not installed'),
  );
  if (pingPong) {
    output.push(
      '',
      `Ping-pong at np 2, one rank per core; interleaved rounds (processes) × ${plan.repetitions} ` +
        `repetitions: ${plan.rounds.latency} rounds up to 64 KiB, ${plan.rounds.bandwidth} from 1 MiB`,
    );
    output.push(pingPongTables(pingPong.summary));
  }
  if (waiting) output.push('', waitingTable(waiting, plan.waiting));
  if (best) {
    output.push(
      '',
      `Lowest at np 2: median ${best.lowestMedianAtOnePerCore}, p90 ${best.lowestP90AtOnePerCore}; ` +
        `at np ${WAITING.oversubscribedRanks}: median ${best.lowestMedianOversubscribed}, idle CPU ` +
        `${best.lowestIdleCpuOversubscribed}. Library default: ${DEFAULT_STRATEGY} (Backoff: ` +
        `${DEFAULT_BACKOFF.spins} polls, sleeps ${DEFAULT_BACKOFF.sleepStartUs} µs doubling to ${DEFAULT_BACKOFF.sleepCapUs} µs).`,
    );
  }
  output.push(
    '',
    'Targets',
    markdownTable(
      ['target', 'measured', 'met'],
      targets.map((t) => [t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']),
    ),
  );
  const allRuns = [...(pingPong?.runs ?? []), ...(waiting ?? [])].filter((r) => r.foreignCores !== undefined);
  const disturbed = allRuns.filter((r) => r.foreignCores >= QUIET.limitCores);
  const maxForeign = Math.max(0, ...allRuns.map((r) => r.foreignCores));
  const maxSteal = Math.max(0, ...allRuns.map((r) => r.stealCores));
  output.push(
    '',
    `Other processes used at most ${maxForeign.toFixed(2)} cores during a run ` +
      `(hypervisor steal at most ${maxSteal.toFixed(2)})` +
      (disturbed.length
        ? `; ${disturbed.length} of ${allRuns.length} runs stayed disturbed after ${QUIET.attempts} attempts: ` +
          'treat their numbers with care.'
        : '.'),
  );
  output.push(
    '',
    `Finished in ${elapsedS.toFixed(0)} s; load average before ` +
      `${machine.loadAverageBefore.map((l) => l.toFixed(2)).join(' ')}.`,
  );
  process.stdout.write(output.join('\n') + '\n');
  return { targets, best };
}

/** Prints the tables again from a results file (--from=FILE), without running anything. */
function reprint(file) {
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  const pingPong = saved.pingPong ? { ...saved.pingPong, summary: summarizePingPong(saved.pingPong.runs) } : undefined;
  const waiting = saved.waiting ?? undefined;
  report({
    date: saved.date,
    machine: saved.machine,
    mpi4py: saved.mpi4py,
    plan: saved.plan,
    pingPong,
    waiting,
    elapsedS: saved.elapsedS,
  });
}

function main() {
  const from = option('from');
  if (from) {
    reprint(from);
    return;
  }
  const started = Date.now();
  checkBuilt({ entry: 'dist/mpi/index.js', sources: 'src/mpi' });
  const mpi = detectMpi();
  const cBinary = buildC(mpi, 'pingpong');
  const mpi4py = findMpi4py();
  if (!mpi4py) {
    process.stderr.write('mpi4py not found (apt-get install python3-mpi4py): the mpi4py comparison is skipped\n');
  }
  const machine = {
    ...describeMachine(),
    node: process.version,
    mpirun: mpi.version,
    mpicc: firstLine(run(mpi.mpicc, ['--version']).stdout),
    loadAverageBefore: loadAverage(),
  };

  const pingPong = only === 'waiting' ? undefined : runPingPong(mpi, pingPongImplementations(cBinary, mpi4py));
  const waiting = only === 'pingpong' ? undefined : runWaiting(mpi);
  machine.loadAverageAfter = loadAverage();
  const date = new Date().toISOString();
  const plan = { sizes: SIZES, repetitions: REPETITIONS, rounds: ROUNDS, waiting: WAITING, strategies: STRATEGIES };
  const elapsedS = (Date.now() - started) / 1000;
  const { targets, best } = report({ date, machine, mpi4py, plan, pingPong, waiting, elapsedS });

  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(
    resultsFile,
    JSON.stringify(
      {
        date,
        quick,
        machine,
        plan,
        mpi4py: mpi4py ?? null,
        pingPong: pingPong ?? null,
        waiting: waiting ?? null,
        defaultStrategy: DEFAULT_STRATEGY,
        bestStrategies: best ?? null,
        targets,
        elapsedS,
      },
      null,
      2,
    ) + '\n',
  );
  process.stderr.write(`wrote ${path.relative(root, resultsFile)}\n`);
}

main();
