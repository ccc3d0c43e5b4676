#!/usr/bin/env node
// The swarm benchmark (`npm run bench:swarm`): whole mpirun jobs of mpitorrent against the
// floors of the same size, in the same run.
//   1. prepares the scenarios (bench/build/scenarios/): seed10, seed14, mixed15 (the generator's
//      presets), crowd11..crowd15 (the crowd preset: the course's caps at np 11-15, issue 14),
//      wide20 (beyond the course's caps), startup7 (nobody wants anything: start and stop only),
//      and the course's four tests from test/fixtures/course (or $MPITORRENT_COURSE_TESTS);
//   2. runs each scenario several times, each time next to the Node floor (bench/floor.mjs) and
//      the C floor (bench/floor.c) of the same np, and on seed10, seed14, mixed15 and the crowds
//      next to the C solutions given, in an order rotated every round (the scenarios shuffled);
//   3. checks every output of every run (a timing of a wrong result is worthless);
//   4. prints the tables and the targets, writes bench/results/swarm.json.
// Options: --runs=N (default 5), --quick (2 runs, no wide20, two crowds), --big (adds the generator's `big`
// preset, np 30, at most 3 runs), --only=name,name, --seed=N (order shuffle and presets),
// --c-solution=LABEL=PATH (repeatable: an MPI program of the assignment, run as the C floor is on
// seed10, seed14, mixed15 and the crowds, its outputs checked; the targets then come from the
// robust ones).
// What is measured and how: bench/README.md.
import { accessSync, constants, mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

import {
  args,
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
  option,
  root,
  runJob,
  shuffled,
  spread,
  table,
  undisturbed,
} from './lib.mjs';
import {
  expectedOutputs,
  freshCopy,
  generatePreset,
  peerCount,
  segmentHash,
  verifyOutputs,
  writeInputs,
  writeStartupOnly,
} from './scenarios.mjs';

const quick = flag('quick');
const withBig = flag('big');
const runs = Number(option('runs') ?? (quick ? 2 : 5));
const seed = Number(option('seed') ?? 1);
const only = option('only')?.split(',');
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, not ${option('runs')}`);

const scenarioDir = path.join(buildDir, 'scenarios');
const officialDir = path.resolve(process.env.MPITORRENT_COURSE_TESTS ?? path.join(root, 'test', 'fixtures', 'course'));
const resultsFile = path.join(benchDir, 'results', 'swarm.json');

// The lead's measurement on this machine: the best robust C solutions of the assignment take
// 0.26-0.75 s of wall time above the C floor on seed10, seed14 and mixed15 (np 12, 16, 16).
// The target is at most half of that above our own (Node) floor. With --c-solution, the target
// is instead half of what the best robust solution given took in this run, per scenario.
const C_ABOVE_FLOOR_S = { best: 0.26, worst: 0.75 };
const TARGET_ABOVE_FLOOR_S = { strict: C_ABOVE_FLOOR_S.best / 2, lenient: C_ABOVE_FLOOR_S.worst / 2 };
const TARGET_STARTUP_CPU_PER_RANK_S = 0.15;
// Issue 14, on the crowd scenarios: above the C floor, mpitorrent's wall no more than the best
// robust C solution's, its CPU no more than 1.5x that solution's.
const CROWD_CPU_RATIO = 1.5;
const CROWD_SEEDS = [
  { name: 'crowd13', seed: 6 },
  { name: 'crowd11', seed: 8 },
  { name: 'crowd14', seed: 5 },
  { name: 'crowd15', seed: 4 },
];
// A solution that hangs costs a whole time limit every round: it gets 20 s (the slowest correct
// run seen took 5), not runJob's 5 minutes.
const C_SOLUTION_TIMEOUT_MS = 20_000;

/** --c-solution=LABEL=PATH, as many as given: [{label, path}]. */
function cSolutionOptions() {
  const solutions = args
    .filter((arg) => arg.startsWith('--c-solution='))
    .map((arg) => {
      const [, label, program] = /^--c-solution=([\w.-]+)=(.+)$/.exec(arg) ?? [];
      if (!label) fail(`${arg}: expected --c-solution=LABEL=PATH (LABEL: letters, digits, _ . -)`);
      const resolved = path.resolve(program);
      try {
        accessSync(resolved, constants.X_OK);
      } catch {
        fail(`${arg}: ${resolved} is not an executable file`);
      }
      return { label, path: resolved };
    });
  // The labels name the jobs of a round, next to the floors and mpitorrent.
  const labels = solutions.map((solution) => solution.label);
  const clash = labels.find(
    (label, index) => labels.indexOf(label) !== index || ['c', 'node', 'mpitorrent'].includes(label),
  );
  if (clash) fail(`--c-solution label ${clash} is used twice or is one of c, node, mpitorrent`);
  return solutions;
}
const cSolutions = cSolutionOptions();

// ---------------------------------------------------------------------------------------------
// Scenarios

/** Beyond the course's caps: 20 files of 500 segments (the cap is 100), 15 peers (np 16). */
function writeWide20(folder) {
  const peers = 15;
  const files = Array.from({ length: 20 }, (_, index) => ({
    name: `file${index + 1}`,
    hashes: Array.from({ length: 500 }, (__, segment) => segmentHash(`wide20:${seed}`, index, segment)),
    owners: index % 2 === 0 ? [(index % peers) + 1] : [(index % peers) + 1, ((index + 7) % peers) + 1],
  }));
  // Each file wanted by the four peers after its first owner (wrapping), owners excluded.
  for (const [index, file] of files.entries()) {
    file.wanters = [2, 3, 4, 5]
      .map((step) => ((index + step) % peers) + 1)
      .filter((rank) => !file.owners.includes(rank));
  }
  writeInputs(
    folder,
    Array.from({ length: peers }, (_, i) => ({
      owned: files.filter((file) => file.owners.includes(i + 1)),
      wanted: files.filter((file) => file.wanters.includes(i + 1)).map((file) => file.name),
    })),
  );
}

function scenarios() {
  const list = [
    {
      name: 'seed10',
      about: '1 seed, 3 files x 100, 10 leechers',
      prepare: (dir) => generatePreset('seed10', dir, seed),
      cReference: true,
    },
    {
      name: 'seed14',
      about: '1 seed, 3 files x 100, 14 leechers',
      prepare: (dir) => generatePreset('seed14', dir, seed),
      cReference: true,
    },
    {
      name: 'mixed15',
      about: '15 mixed peers, 6 files',
      prepare: (dir) => generatePreset('mixed15', dir, seed),
      cReference: true,
    },
    // Issue 14: the course's caps with more ranks than cores (np 11..15), seeds fixed so that
    // every run measures the same four swarms.
    ...CROWD_SEEDS.filter((_, index) => !quick || index < 2).map(({ name, seed: crowdSeed }) => ({
      name,
      about: `course caps, more ranks than cores (crowd preset, seed ${crowdSeed})`,
      prepare: (dir) => generatePreset('crowd', dir, crowdSeed),
      cReference: true,
      crowd: true,
    })),
    {
      name: 'startup7',
      about: 'start and stop only (nobody wants anything)',
      prepare: (dir) => writeStartupOnly(dir, 6),
      startupOnly: true,
    },
  ];
  if (!quick) list.push({ name: 'wide20', about: 'beyond the caps: 20 files x 500, 15 peers', prepare: writeWide20 });
  if (withBig) {
    list.push({
      name: 'big',
      about: 'beyond the caps: 40 files x 2000, 29 peers',
      prepare: (dir) => generatePreset('big', dir, seed),
      maxRuns: 3,
    });
  }
  if (existsSync(officialDir)) {
    for (const test of readdirSync(officialDir)
      .filter((name) => /^test\d+$/.test(name))
      .sort()) {
      list.push({ name: `course ${test}`, about: "the course checker's test", folder: path.join(officialDir, test) });
    }
  } else {
    process.stderr.write(`note: no ${officialDir}: the course's tests are left out\n`);
  }
  return only ? list.filter((scenario) => only.includes(scenario.name)) : list;
}

// ---------------------------------------------------------------------------------------------
// Running

const mpi = detectMpi();
checkBuilt();
const cFloor = buildC(mpi, 'floor', ['-lpthread']);
const programs = {
  c: [cFloor],
  node: [process.execPath, path.join(benchDir, 'floor.mjs')],
  mpitorrent: [process.execPath, path.join(root, 'dist', 'main.js')],
  ...Object.fromEntries(cSolutions.map((solution) => [solution.label, [solution.path]])),
};
// The jobs whose failure fails the benchmark; the C solutions' failures are only reported.
const OUR_KINDS = ['c', 'node', 'mpitorrent'];
const isSolution = (kind) => !OUR_KINDS.includes(kind);

const chosen = scenarios();
if (chosen.length === 0) fail('no scenario chosen');
mkdirSync(scenarioDir, { recursive: true });
for (const scenario of chosen) {
  if (!scenario.folder) {
    scenario.folder = path.join(scenarioDir, scenario.name);
    scenario.prepare(scenario.folder);
  }
  scenario.np = peerCount(scenario.folder) + 1;
  scenario.expected = expectedOutputs(scenario.folder);
  scenario.runs = [];
}

/** The jobs of a scenario: the floors, mpitorrent, and the C solutions where they compete. */
function kindsOf(scenario) {
  return [...OUR_KINDS, ...(scenario.cReference ? cSolutions.map((solution) => solution.label) : [])];
}

/** `kinds` rotated by `round`, so that each takes each place in turn. */
function rotated(kinds, round) {
  const by = round % kinds.length;
  return [...kinds.slice(by), ...kinds.slice(0, by)];
}

/** A C solution's wrong outputs in one problem: a broken one gets every file wrong. */
function outputProblems(work, scenario, kind) {
  const problems = verifyOutputs(work, scenario.expected);
  if (kind === 'mpitorrent' || problems.length === 0) return problems;
  return [`${problems.length} of ${scenario.expected.length} outputs wrong (${problems.slice(0, 3).join(', ')})`];
}

/** mpirun's messages name the program: a C solution's path stays out of results/swarm.json. */
const withoutPath = (problem, program) => problem.replaceAll(program, path.basename(program));

/** One job in a fresh copy of the scenario's inputs; for mpitorrent and the C solutions, its outputs checked. */
function timedRun(scenario, kind) {
  const work = freshCopy(scenario.folder);
  try {
    const timeoutMs = isSolution(kind) ? C_SOLUTION_TIMEOUT_MS : undefined;
    const result = runJob(mpi, scenario.np, programs[kind], { cwd: work, timeoutMs });
    const problems = result.ok ? [] : [`${result.reason}: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`];
    if (result.ok && kind !== 'c' && kind !== 'node') problems.push(...outputProblems(work, scenario, kind));
    // The tracker's own count of the protocol's time, in its summary line: "... in N messages, 0.267 s
    // (0.016 s registering, 0.238 s downloading)" (before the split, the line ended at "s").
    const protocolS =
      kind === 'mpitorrent' ? Number(/ messages, ([\d.]+) s\b/.exec(result.stdout)?.[1] ?? NaN) : undefined;
    return {
      wallS: result.wallS,
      cpuS: result.cpuS,
      foreignCores: result.foreignCores,
      protocolS,
      problems: isSolution(kind) ? problems.map((problem) => withoutPath(problem, programs[kind][0])) : problems,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A job's result in a round's entry: the C solutions' are in entry.solutions, by label. */
const jobOf = (entry, kind) => (isSolution(kind) ? entry.solutions[kind] : entry[kind]);

/**
 * The scenario's jobs back to back, measured again while others used the cores. Only our jobs
 * make the round wrong (undisturbed keeps a wrong round at once): a broken C solution is
 * measured again like a right one when the machine was busy.
 */
function measureUndisturbed(scenario, order) {
  return undisturbed(() => {
    const entry = {};
    if (order.some(isSolution)) entry.solutions = {};
    for (const kind of order) {
      const result = timedRun(scenario, kind);
      if (isSolution(kind)) entry.solutions[kind] = result;
      else entry[kind] = result;
    }
    // A C solution that failed is left out: the ranks of one that hung and was killed are no
    // longer mpirun's children, so their CPU counts as others', and every retry would hang again.
    const measured = order.filter((kind) => !isSolution(kind) || jobOf(entry, kind).problems.length === 0);
    entry.foreignCores = Math.max(...measured.map((kind) => jobOf(entry, kind).foreignCores));
    entry.wrong = OUR_KINDS.some((kind) => entry[kind].problems.length > 0);
    return entry;
  });
}

/** A C solution's wrong round: reported, not counted as a failure of the benchmark. */
function reportSolutions(scenario, round, entry) {
  for (const [label, result] of Object.entries(entry.solutions ?? {})) {
    if (result.problems.length === 0) continue;
    process.stderr.write(
      `  ${scenario.name} round ${round + 1}: C solution ${label} WRONG (not counted): ` +
        `${result.problems.slice(0, 3).join('; ')}\n`,
    );
  }
}

/** "; dragos 1.23 s, stefi 1.40 s" for a round's progress line (a wrong one marked). */
const solutionWalls = (entry) =>
  Object.entries(entry.solutions ?? {})
    .map(
      ([label, result], index) =>
        `${index === 0 ? '; ' : ', '}${label} ${result.wallS.toFixed(2)} s` +
        `${result.problems.length > 0 ? ' (wrong)' : ''}`,
    )
    .join('');

const startedAt = new Date();
const loadBefore = loadAverage();
process.stderr.write(
  `bench:swarm: ${chosen.length} scenarios x ${runs} runs, each next to its floors` +
    `${cSolutions.length > 0 ? ` (and ${cSolutions.length} C solutions on seed10, seed14, mixed15 and the crowds)` : ''} ` +
    `(load average ${loadBefore.join(' ')}, ${mpi.version})\n`,
);
let failures = 0;
for (let round = 0; round < runs; round++) {
  for (const scenario of shuffled(chosen, seed * 1000 + round)) {
    if (scenario.runs.length >= (scenario.maxRuns ?? Infinity)) continue;
    // The jobs of a scenario back to back, their order rotated every round.
    const order = rotated(kindsOf(scenario), round);
    const entry = measureUndisturbed(scenario, order);
    scenario.runs.push(entry);
    reportSolutions(scenario, round, entry);
    const problems = OUR_KINDS.flatMap((kind) => entry[kind].problems.map((problem) => `${kind}: ${problem}`));
    if (problems.length > 0) {
      failures += 1;
      process.stderr.write(`  ${scenario.name} round ${round + 1}: WRONG: ${problems.slice(0, 5).join('; ')}\n`);
    } else {
      process.stderr.write(
        `  ${scenario.name.padEnd(13)} round ${round + 1}: ${entry.mpitorrent.wallS.toFixed(2)} s wall, ` +
          `${entry.mpitorrent.cpuS.toFixed(2)} s CPU (Node floor ${entry.node.wallS.toFixed(2)} s, C floor ` +
          `${entry.c.wallS.toFixed(2)} s${solutionWalls(entry)}; others used up to ${entry.foreignCores.toFixed(2)} cores` +
          `${entry.attempts > 1 ? `; least disturbed of ${entry.attempts} attempts` : ''})\n`,
      );
    }
  }
}
const loadAfter = loadAverage();

// ---------------------------------------------------------------------------------------------
// Summary

/**
 * A C solution on a scenario: medians over its correct runs; above the C floor: median of the
 * per-round differences with the C floor run of the same round. Robust: correct in every run.
 */
function summarizeSolution(scenario, { label, path: program }) {
  const runsOf = scenario.runs.filter((entry) => entry.solutions?.[label]);
  const correct = runsOf.filter((entry) => entry.solutions[label].problems.length === 0);
  const paired = correct.filter((entry) => entry.c.problems.length === 0);
  const of = (field) => spread(correct.map((entry) => entry.solutions[label][field]));
  const above = (field) => spread(paired.map((entry) => entry.solutions[label][field] - entry.c[field]));
  return {
    label,
    binary: path.basename(program),
    runs: runsOf.length,
    correctRuns: correct.length,
    robust: runsOf.length > 0 && correct.length === runsOf.length,
    wallS: of('wallS'),
    cpuS: of('cpuS'),
    aboveCFloor: { wallS: above('wallS'), cpuS: above('cpuS') },
    // What went wrong, once each: enough to tell a crash from a hang from wrong outputs.
    problems: [...new Set(runsOf.flatMap((entry) => entry.solutions[label].problems))].slice(0, 3),
  };
}

/** Of the C solutions correct in every run, the one least above the C floor (wall); undefined if none. */
function bestRobustSolution(summary) {
  const robust = summary.cSolutions.filter(
    (solution) => solution.robust && Number.isFinite(solution.aboveCFloor.wallS.median),
  );
  if (robust.length === 0) return undefined;
  return robust.reduce((a, b) => (b.aboveCFloor.wallS.median < a.aboveCFloor.wallS.median ? b : a));
}

const NO_ROBUST_SOLUTION = Object.freeze({ source: 'c-solutions', verdict: 'no robust C solution' });

/**
 * The target from the C solutions of this run: half of the smallest wall above the C floor among
 * those correct in every run; ratio = mpitorrent above the Node floor / that smallest figure.
 */
function solutionTarget(summary) {
  const best = bestRobustSolution(summary);
  if (best === undefined) return NO_ROBUST_SOLUTION;
  const bestS = best.aboveCFloor.wallS.median;
  const wall = summary.aboveNodeFloor.wallS.median;
  return {
    source: 'c-solutions',
    bestSolution: best.label,
    bestAboveCFloorWallS: bestS,
    aboveFloorWallS: bestS / 2,
    ratio: wall / bestS,
    verdict: wall <= bestS / 2 ? 'met' : 'not met',
  };
}

/**
 * Issue 14's target on a crowd scenario, against the best robust C solution of this run (least
 * wall above the C floor): mpitorrent's wall above the C floor no more than that solution's, and
 * its CPU above the C floor at most CROWD_CPU_RATIO times that solution's. The Node floor's own
 * distance to the C floor is the part no protocol change can remove.
 */
function crowdTarget(summary) {
  const best = bestRobustSolution(summary);
  if (best === undefined) return NO_ROBUST_SOLUTION;
  const theirs = { wallS: best.aboveCFloor.wallS.median, cpuS: best.aboveCFloor.cpuS.median };
  const ours = { wallS: summary.aboveCFloor.wallS.median, cpuS: summary.aboveCFloor.cpuS.median };
  const wallMet = ours.wallS <= theirs.wallS;
  const cpuMet = ours.cpuS <= CROWD_CPU_RATIO * theirs.cpuS;
  return {
    source: 'c-solutions',
    bestSolution: best.label,
    bestAboveCFloor: theirs,
    aboveCFloor: ours,
    wallRatio: ours.wallS / theirs.wallS,
    cpuRatio: ours.cpuS / theirs.cpuS,
    nodeFloorAboveCFloor: {
      wallS: summary.nodeFloorAboveCFloor.wallS.median,
      cpuS: summary.nodeFloorAboveCFloor.cpuS.median,
    },
    verdict: wallMet && cpuMet ? 'met' : wallMet ? 'wall met, CPU not' : cpuMet ? 'CPU met, wall not' : 'not met',
  };
}

function summarize(scenario) {
  const good = scenario.runs.filter((entry) => OUR_KINDS.every((kind) => entry[kind].problems.length === 0));
  const of = (kind, field) => spread(good.map((entry) => entry[kind][field]));
  // Above the floor: per round, the scenario minus the Node floor run next to it.
  const above = (field) => spread(good.map((entry) => entry.mpitorrent[field] - entry.node[field]));
  const aboveC = (kind, field) => spread(good.map((entry) => entry[kind][field] - entry.c[field]));
  const summary = {
    name: scenario.name,
    about: scenario.about,
    np: scenario.np,
    crowd: scenario.crowd === true,
    goodRuns: good.length,
    wrongRuns: scenario.runs.length - good.length,
    wallS: of('mpitorrent', 'wallS'),
    cpuS: of('mpitorrent', 'cpuS'),
    protocolS: of('mpitorrent', 'protocolS'),
    nodeFloor: { wallS: of('node', 'wallS'), cpuS: of('node', 'cpuS') },
    cFloor: { wallS: of('c', 'wallS'), cpuS: of('c', 'cpuS') },
    aboveNodeFloor: { wallS: above('wallS'), cpuS: above('cpuS') },
    aboveCFloor: { wallS: aboveC('mpitorrent', 'wallS'), cpuS: aboveC('mpitorrent', 'cpuS') },
    nodeFloorAboveCFloor: { wallS: aboveC('node', 'wallS'), cpuS: aboveC('node', 'cpuS') },
    foreignCores: spread(good.map((entry) => entry.foreignCores)),
    attempts: good.reduce((sum, entry) => sum + entry.attempts, 0),
  };
  summary.cpuPerRankS = summary.cpuS.median / scenario.np;
  summary.nodeFloorCpuPerRankS = summary.nodeFloor.cpuS.median / scenario.np;
  if (scenario.cReference && cSolutions.length > 0) {
    summary.cSolutions = cSolutions.map((solution) => summarizeSolution(scenario, solution));
    summary.target = scenario.crowd ? crowdTarget(summary) : solutionTarget(summary);
  } else if (scenario.cReference) {
    const wall = summary.aboveNodeFloor.wallS.median;
    summary.target = {
      aboveFloorWallS: TARGET_ABOVE_FLOOR_S,
      verdict:
        wall <= TARGET_ABOVE_FLOOR_S.strict
          ? 'met'
          : wall <= TARGET_ABOVE_FLOOR_S.lenient
            ? 'met only against the slowest C figure'
            : 'not met',
    };
  }
  if (scenario.startupOnly) {
    summary.target = {
      cpuPerRankS: TARGET_STARTUP_CPU_PER_RANK_S,
      verdict: summary.cpuPerRankS <= TARGET_STARTUP_CPU_PER_RANK_S ? 'met' : 'not met',
    };
  }
  return summary;
}

const summaries = chosen.map(summarize);
const f2 = (value) => fixed(value, 2, '-');
const f3 = (value) => fixed(value, 3, '-');
const range = (s) => (s.n > 1 ? `${f2(s.min)}..${f2(s.max)}` : '');
const rows = summaries.map((s) => [
  s.name,
  s.np,
  `${s.goodRuns}${s.wrongRuns ? ` (${s.wrongRuns} wrong)` : ''}`,
  f2(s.wallS.median),
  f2(s.cpuS.median),
  f2(s.nodeFloor.wallS.median),
  f2(s.nodeFloor.cpuS.median),
  f2(s.aboveNodeFloor.wallS.median),
  range(s.aboveNodeFloor.wallS),
  f2(s.aboveNodeFloor.cpuS.median),
  f2(s.cFloor.wallS.median),
  f2(s.cFloor.cpuS.median),
  f3(s.cpuPerRankS),
  f2(s.protocolS.median),
  f2(s.foreignCores.median),
  s.target ? s.target.verdict : '',
]);
process.stdout.write(
  '\nWhole mpirun, seconds, medians over the good runs (above floor: median of per-round differences)\n',
);
process.stdout.write(
  table(
    [
      'scenario',
      'np',
      'runs',
      'wall',
      'CPU',
      'Node floor wall',
      'CPU',
      'above floor wall',
      'spread',
      'CPU',
      'C floor wall',
      'CPU',
      'CPU/rank',
      'protocol',
      "others' cores",
      'target',
    ],
    rows,
  ) + '\n',
);
const withSolutions = summaries.filter((s) => s.cSolutions);
if (withSolutions.length > 0) {
  process.stdout.write(
    '\nC solutions, seconds, medians over their correct runs (above C floor: median of per-round differences)\n',
  );
  process.stdout.write(
    table(
      [
        'scenario',
        'solution',
        'binary',
        'correct runs',
        'wall',
        'CPU',
        'C floor wall',
        'above C floor wall',
        'spread',
        'CPU',
        'robust',
      ],
      withSolutions.flatMap((s) =>
        s.cSolutions.map((c) => [
          s.name,
          c.label,
          c.binary,
          `${c.correctRuns}/${c.runs}`,
          f2(c.wallS.median),
          f2(c.cpuS.median),
          f2(s.cFloor.wallS.median),
          f2(c.aboveCFloor.wallS.median),
          range(c.aboveCFloor.wallS),
          f2(c.aboveCFloor.cpuS.median),
          c.robust ? 'yes' : 'no',
        ]),
      ),
    ) + '\n',
  );
  const halves = withSolutions.filter((s) => !s.crowd);
  if (halves.length > 0) {
    process.stdout.write(
      '\nTarget per scenario: above the Node floor, at most half of the best robust C solution above the C floor\n',
    );
    process.stdout.write(
      table(
        ['scenario', 'best robust C', 'above C floor', 'target', 'mpitorrent above Node floor', 'ratio', 'verdict'],
        halves.map((s) => [
          s.name,
          s.target.bestSolution ?? '-',
          f2(s.target.bestAboveCFloorWallS),
          f3(s.target.aboveFloorWallS),
          f2(s.aboveNodeFloor.wallS.median),
          f2(s.target.ratio),
          s.target.verdict,
        ]),
      ) + '\n',
    );
  }
  const crowds = withSolutions.filter((s) => s.crowd);
  if (crowds.length > 0) {
    process.stdout.write(
      `\nIssue 14 (crowd scenarios): above the C floor, wall <= the best robust C solution's, CPU <= ${CROWD_CPU_RATIO}x its\n`,
    );
    process.stdout.write(
      table(
        [
          'scenario',
          'np',
          'best robust C',
          'its wall / CPU above C floor',
          'mpitorrent wall / CPU above C floor',
          'ratios',
          'Node floor wall / CPU above C floor',
          'mpitorrent above Node floor',
          'verdict',
        ],
        crowds.map((s) => [
          s.name,
          s.np,
          s.target.bestSolution ?? '-',
          `${f2(s.target.bestAboveCFloor?.wallS)} / ${f2(s.target.bestAboveCFloor?.cpuS)}`,
          `${f2(s.aboveCFloor.wallS.median)} / ${f2(s.aboveCFloor.cpuS.median)}`,
          `${f2(s.target.wallRatio)} / ${f2(s.target.cpuRatio)}`,
          `${f2(s.nodeFloorAboveCFloor.wallS.median)} / ${f2(s.nodeFloorAboveCFloor.cpuS.median)}`,
          `${f2(s.aboveNodeFloor.wallS.median)} / ${f2(s.aboveNodeFloor.cpuS.median)}`,
          s.target.verdict,
        ]),
      ) + '\n',
    );
  }
}
const aboveFloorTarget =
  cSolutions.length > 0
    ? 'at most half of what the best robust C solution given (correct in every run) took above the C floor in this run, ' +
      'per scenario (seed10, seed14, mixed15; ratio: ours / theirs, met at 0.5 or less)'
    : `at most half of what the best C solutions take above the C floor ` +
      `(${C_ABOVE_FLOOR_S.best}-${C_ABOVE_FLOOR_S.worst} s on seed10, seed14, mixed15): ` +
      `${TARGET_ABOVE_FLOOR_S.strict.toFixed(2)} s against the fastest C figure, ${TARGET_ABOVE_FLOOR_S.lenient.toFixed(3)} s ` +
      'against the slowest';
process.stdout.write(
  `\nTargets: above the Node floor, ${aboveFloorTarget}; ` +
    `start and stop (startup7) at most ${TARGET_STARTUP_CPU_PER_RANK_S} s CPU per rank.\n` +
    `"protocol" is the tracker's own count, from its start (registration included) to the last peer's report. ` +
    `Load average ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after.\n`,
);

mkdirSync(path.dirname(resultsFile), { recursive: true });
const strip = ({ prepare: _prepare, expected: _expected, folder, ...rest }) => ({
  ...rest,
  folder: path.relative(root, folder),
});
writeFileSync(
  resultsFile,
  JSON.stringify(
    {
      benchmark: 'swarm',
      date: startedAt.toISOString(),
      machine: machine(),
      node: process.version,
      mpi: mpi.version,
      runsPerScenario: runs,
      seed,
      loadAverage: { before: loadBefore, after: loadAfter },
      // The C solutions by label and binary name only: their code and paths stay outside the repository.
      ...(cSolutions.length > 0
        ? {
            cSolutions: cSolutions.map(({ label, path: program }) => ({ label, binary: path.basename(program) })),
            cSolutionTimeoutS: C_SOLUTION_TIMEOUT_MS / 1000,
          }
        : {}),
      targets:
        cSolutions.length > 0
          ? { aboveFloorWallS: 'per scenario: summaries[].target', startupCpuPerRankS: TARGET_STARTUP_CPU_PER_RANK_S }
          : {
              cAboveFloorS: C_ABOVE_FLOOR_S,
              aboveFloorWallS: TARGET_ABOVE_FLOOR_S,
              startupCpuPerRankS: TARGET_STARTUP_CPU_PER_RANK_S,
            },
      summaries,
      scenarios: chosen.map(strip),
    },
    null,
    2,
  ) + '\n',
);
process.stdout.write(`wrote ${path.relative(root, resultsFile)}\n`);
if (failures > 0) {
  process.stderr.write(`bench:swarm: ${failures} rounds gave a wrong result or failed: see above\n`);
  process.exit(1);
}
