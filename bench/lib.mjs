// What the benchmarks share (binding.mjs, swarm.mjs, startup.mjs, worker-start.mjs): options,
// running a command, finding mpirun and mpicc, checking the build, timing a job with the CPU
// that other processes used meanwhile, waiting for a quiet machine, statistics and tables.
// Scenario folders and output checks, which only the swarm needs, are in scenarios.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { seededRandom } from '../dist/protocol/random.js'; // plain JS: does not load the addon

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const benchDir = path.join(root, 'bench');
export const buildDir = path.join(benchDir, 'build');
export const addonFile = process.env.MPITORRENT_ADDON
  ? path.resolve(process.env.MPITORRENT_ADDON)
  : path.join(root, 'build', 'Release', 'mpi.node');

/** The command line's arguments. */
export const args = process.argv.slice(2);
/** The value of `--name=value` on the command line, or undefined. */
export const option = (name) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
/** Whether `--name` is on the command line. */
export const flag = (name) => args.includes(`--${name}`);

/** "bench:binding" for bench/binding.mjs, as its npm script is named. */
export const scriptName = `bench:${path.basename(process.argv[1] ?? 'bench', '.mjs')}`;

export function fail(message) {
  process.stderr.write(`${scriptName}: ${message}\n`);
  process.exit(1);
}

export function run(command, commandArgs, { cwd = root, env = process.env, timeoutMs = 120_000 } = {}) {
  const result = spawnSync(command, commandArgs, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  return {
    ok: result.status === 0 && !result.error,
    pid: result.pid,
    timedOut: result.error?.code === 'ETIMEDOUT',
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    reason: result.error ? result.error.message : `exit status ${result.status ?? result.signal}`,
  };
}

export function firstLine(text) {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

// ---------------------------------------------------------------------------------------------
// MPI and the build

export function detectMpi() {
  const mpirun = process.env.MPIRUN || 'mpirun'; // as the tests and examples read it: empty is unset
  const version = run(mpirun, ['--version'], { timeoutMs: 20_000 });
  if (!version.ok) fail(`cannot run ${mpirun} --version: ${version.reason}`);
  const openMpi = /Open MPI|OpenRTE/i.test(version.stdout + version.stderr);
  const env = { ...process.env };
  // Open MPI refuses to start as root without these; only the benchmark's children get them.
  if (openMpi && process.getuid?.() === 0) {
    env.OMPI_ALLOW_RUN_AS_ROOT = '1';
    env.OMPI_ALLOW_RUN_AS_ROOT_CONFIRM = '1';
  }
  return {
    mpirun,
    mpicc: process.env.MPICC ?? 'mpicc',
    openMpi,
    version: firstLine(version.stdout || version.stderr),
    env,
    // np 2, one rank per core: at np <= 2 Open MPI binds each rank to one core, which its
    // threads would then share.
    onePerCore: openMpi ? ['-np', '2', '--bind-to', 'none'] : ['-np', '2'],
    // More ranks than cores, yield when idle, no binding (as the course's checker runs a job).
    oversubscribed: (np) => (openMpi ? ['--oversubscribe', '-np', String(np)] : ['-np', String(np)]),
  };
}

/** Builds bench/<name>.c into bench/build/<name>_c unless it is up to date; returns the binary. */
export function buildC(mpi, name, libraries = []) {
  const binary = path.join(buildDir, `${name}_c`);
  const source = path.join(benchDir, `${name}.c`);
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  mkdirSync(buildDir, { recursive: true });
  const build = run(mpi.mpicc, ['-O2', '-o', binary, source, ...libraries], { timeoutMs: 60_000 });
  if (!build.ok) fail(`${mpi.mpicc} failed (${build.reason}):\n${build.stderr}`);
  return binary;
}

/**
 * Fails unless the addon and `entry` (the dist/ file the benchmark runs) exist; warns when
 * dist/main.js is tsc's rather than the bundle, when `entry` is older than a file of `sources`,
 * or the addon older than a file of native/.
 */
export function checkBuilt({ entry = 'dist/main.js', sources = 'src' } = {}) {
  if (!existsSync(addonFile)) fail(`no addon at ${addonFile}: run \`npm run build\` first`);
  const built = path.join(root, entry);
  if (!existsSync(built)) fail(`no ${entry}: run \`npm run build:ts\` first`);
  if (entry === 'dist/main.js' && /^import .* from '\.\/launch\/code-cache\.js';$/m.test(readFileSync(built, 'utf8'))) {
    process.stderr.write(
      "warning: dist/main.js is tsc's, not the bundle (src/launch/bundle.mjs): " +
        'run `npm run build:ts` to measure what `npm ci` builds\n',
    );
  }
  const staleSources = newerThan(path.join(root, sources), statSync(built).mtimeMs);
  if (staleSources.length > 0) {
    process.stderr.write(
      `warning: ${entry} is older than ${listed(staleSources)}: ` +
        'run `npm run build:ts` to measure the current code\n',
    );
  }
  const staleNative = newerThan(path.join(root, 'native'), statSync(addonFile).mtimeMs);
  if (staleNative.length > 0) {
    process.stderr.write(
      `warning: ${listed(staleNative)} changed after the addon was built: ` +
        'run `npm run build` to measure the current code\n',
    );
  }
}

/** Files under `dir` (relative to the repository) modified after `time`. */
function newerThan(dir, time) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .filter((file) => statSync(file).isFile() && statSync(file).mtimeMs > time)
    .map((file) => path.relative(root, file));
}

const listed = (files) =>
  files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');

// ---------------------------------------------------------------------------------------------
// Timing a job, and the CPU of other processes

const USER_HZ = 100; // the unit of /proc/stat and /proc/self/stat on Linux
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** CPU ticks of the whole machine, of this process and of its waited-for children (mpirun and its ranks). */
function cpuTicks() {
  try {
    const machine = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = machine;
    // Fields after "pid (comm) ": utime is the 12th, then stime, cutime, cstime.
    const self = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ').map(Number);
    return {
      busy: user + nice + system + irq + softirq,
      steal: steal ?? 0,
      self: self[11] + self[12],
      children: self[13] + self[14],
      at: performance.now(),
    };
  } catch {
    return undefined; // not Linux: no figures (NaN), and no waiting for quiet
  }
}

/** Cores used by other processes between two cpuTicks() (and by the hypervisor: steal). */
function foreignCpu(before, after) {
  if (!before || !after) return { foreignCores: NaN, stealCores: NaN };
  const seconds = (after.at - before.at) / 1000;
  const ours = after.self - before.self + (after.children - before.children);
  return {
    foreignCores: Math.max(0, after.busy - before.busy - ours) / USER_HZ / seconds,
    stealCores: (after.steal - before.steal) / USER_HZ / seconds,
  };
}

/**
 * Runs a command (an mpirun job) and measures it. wallS: spawn to exit, measured here. cpuS:
 * user + system time of the command and everything it waited for (mpirun and every rank: the
 * children's rusage, at the kernel's 10 ms tick). foreignCores: CPU that other processes used
 * meanwhile, in cores; stealCores: the hypervisor's steal.
 */
export function measuredRun(command, commandArgs, options) {
  const before = cpuTicks();
  const start = performance.now();
  const result = run(command, commandArgs, options);
  const wallS = (performance.now() - start) / 1000;
  const after = cpuTicks();
  const cpuS = before && after ? (after.children - before.children) / USER_HZ : NaN;
  return { ...result, wallS, cpuS, ...foreignCpu(before, after) };
}

/**
 * `mpirun --oversubscribe -np N <program...>`, measured (measuredRun). The job runs in a session
 * of its own (setsid), so that a timeout ends every rank: spawnSync's ends only mpirun, and the
 * ranks of a hung job would spin on, disturbing every later measurement.
 */
export function runJob(mpi, np, program, { cwd, env = mpi.env, timeoutMs = 300_000 }) {
  const command = [mpi.mpirun, ...mpi.oversubscribed(np), ...program];
  if (!hasSetsid()) return measuredRun(command[0], command.slice(1), { cwd, env, timeoutMs });
  const result = measuredRun('setsid', command, { cwd, env, timeoutMs });
  if (result.timedOut) killSession(result.pid);
  return result;
}

let setsidFound;
/** Whether util-linux's setsid is there; asked once, by the first job. */
function hasSetsid() {
  return (setsidFound ??= run('setsid', ['--version'], { timeoutMs: 5_000 }).ok);
}

/** SIGKILLs every process left in a session (Linux's /proc/<pid>/stat: field 6). */
function killSession(sessionId) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [, , , session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(session) === sessionId) process.kill(Number(entry), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Whether `cores` of foreign load is under `limitCores` (unknown counts as quiet). */
const quiet = (cores, limitCores) => !(cores >= limitCores);

/**
 * Waits (at most maxWaitMs) until other processes use under `limitCores` cores over half a
 * second, so that a measurement does not share the 2 cores with another test or benchmark
 * (every benchmark here waits the same way, so they take turns). Returns the last load seen.
 * The defaults are the swarm's; bench/binding.mjs, timing microseconds, asks for less.
 */
export function waitForQuiet({ limitCores = 0.3, maxWaitMs = 30_000 } = {}) {
  const deadline = Date.now() + maxWaitMs;
  let said = false;
  for (;;) {
    const before = cpuTicks();
    pause(500);
    const { foreignCores } = foreignCpu(before, cpuTicks());
    if (quiet(foreignCores, limitCores) || Date.now() > deadline) return foreignCores;
    if (!said)
      process.stderr.write(`  the machine is busy (${foreignCores.toFixed(2)} cores used by others): waiting\n`);
    said = true;
  }
}

/**
 * Runs `measure` (which returns {foreignCores, wrong, ...}) on a quiet machine (waitForQuiet);
 * measures again, up to `attempts` times, while other processes used `limitCores` or more
 * meanwhile. Returns the least disturbed result (a wrong one at once), with `attempts`: how
 * many were made.
 */
export function undisturbed(measure, { limitCores = 0.3, maxWaitMs = 30_000, attempts = 3 } = {}) {
  let best;
  let tried = 0;
  while (tried < attempts) {
    waitForQuiet({ limitCores, maxWaitMs });
    const result = measure();
    tried += 1;
    if (!best || result.wrong || result.foreignCores < best.foreignCores) best = result;
    if (result.wrong || quiet(result.foreignCores, limitCores)) break;
    if (tried < attempts)
      process.stderr.write(`  disturbed (${result.foreignCores.toFixed(2)} cores used by others): again\n`);
  }
  return { ...best, attempts: tried };
}

export function loadAverage() {
  return os.loadavg().map((value) => Number(value.toFixed(2)));
}

export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    kernel: os.release(),
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics and tables

export function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median, min and max of a list of numbers. */
export function spread(values) {
  const finite = values.filter(Number.isFinite);
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

/** The protocol's own seeded generator (mulberry32): the same seed, the same sequence in [0, 1). */
export { seededRandom as mulberry32 };

/** A seeded shuffle, so that a run's order can be told again. */
export function shuffled(items, seed) {
  const next = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** `value` with `digits` decimals, or `missing` when it is not a number. */
export const fixed = (value, digits, missing = 'n/a') => (Number.isFinite(value) ? value.toFixed(digits) : missing);

/** A table with its columns aligned by spaces, for a terminal. */
export function table(header, rows) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => String(row[column]).length)),
  );
  const line = (cells) => cells.map((cell, column) => String(cell).padStart(widths[column])).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** A table in Markdown, ready for a README. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}
