/**
 * Runs a scenario end to end and says what went wrong:
 *
 *   const run = await assertScenario(t, generateScenario('mixed15', 1), { timeoutMs: 60_000 });
 *   t.regex(run.result.stdout, /segments moved/);
 *
 * The scenario's inputs go to a fresh temporary folder, `mpirun -np <np> node dist/main.js` runs
 * there (through runMpi), and then: the exit status is 0; every peer's client<R>_<F> holds F's
 * hashes in order, one per line; the inputs are unchanged; and no other file is there (no
 * leftover temporary file). The folder is removed when all is well, kept (and named) otherwise.
 *
 * Jobs of different test files take turns (a lock file in the temporary folder), so on a small
 * machine one test's job does not slow another's past its time bound. Other users of mpirun on
 * the machine are not held back.
 */
import type { ExecutionContext } from 'ava';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { isRunning } from '../../src/io/write-whole.js';
import { expectedOutputs, outputText, writeInputs, type Scenario } from '../scenarios/generate.js';
import { describeRun, REPO_ROOT, runMpi, type RunOptions, type RunResult } from './mpirun.js';

/** The built command under test. */
export const MAIN = join(REPO_ROOT, 'dist', 'main.js');

/** `node dist/main.js ...args`, failing clearly when dist/ has not been built. */
export function mainCommand(args: readonly string[] = []): string[] {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} does not exist: build it first (npx tsc -p tsconfig.json)`);
  return [process.execPath, MAIN, ...args];
}

// ---------------------------------------------------------------------------------------------
// One job at a time across test files

const LOCK = join(tmpdir(), 'mpitorrent-e2e.lock');

/**
 * Runs `job` while holding a machine-wide lock (a folder created atomically, holding the owner's
 * pid). A lock whose owner has died is taken over.
 */
export async function exclusive<T>(job: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    } catch {
      // just created: its pid is on its way
    }
    if (Number.isInteger(owner) && owner > 0 && !isRunning(owner)) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Number.isNaN(owner) && Date.now() - lockCreated() > 5_000) {
      rmSync(LOCK, { recursive: true, force: true }); // a creator that died before writing its pid
      continue;
    }
    await sleep(50);
  }
  try {
    return await job();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function lockCreated(): number {
  try {
    return statSync(LOCK).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** runMpi, holding the lock: for tests that launch main.js themselves. */
export function runExclusive(np: number, command: string[], options: RunOptions = {}): Promise<RunResult> {
  return exclusive(() => runMpi(np, command, options));
}

/**
 * A job's stderr without mpirun's own lines: its banners (between lines of dashes), its
 * `[host:pid] ...` notices, and blank lines. What is left is what our ranks printed.
 */
export function ownLines(stderr: string): string[] {
  const lines: string[] = [];
  let inBanner = false;
  for (const line of stderr.split('\n')) {
    if (/^-{20,}$/.test(line)) {
      inBanner = !inBanner;
      continue;
    }
    if (inBanner || line.trim() === '' || /^\[[^\]\s]+:\d+\] /.test(line)) continue;
    lines.push(line);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Folders

/** A fresh temporary folder (the caller removes it). */
export function freshDir(label = 'e2e'): string {
  return mkdtempSync(join(tmpdir(), `mpitorrent-${label.replace(/[^\w.-]+/g, '_')}-`));
}

/** Removes a folder made by freshDir. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Every file below `dir`, as paths relative to it (folders themselves not listed), sorted. */
export function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found.sort();
}

// ---------------------------------------------------------------------------------------------
// Running and checking a scenario

export interface ScenarioOptions {
  /** Options for main.js after the ones the layout adds (and --seed <scenario's seed>, if absent). */
  args?: string[];
  /** Hard limit for the job (default 60 s). */
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
  /**
   * 'flat' (default): inputs and outputs in the working folder, as the course runs it.
   * 'split': inputs in in/, outputs in out/, run with --input-dir in --output-dir out.
   */
  layout?: 'flat' | 'split';
  /** Files (relative to the working folder) the run may or must create besides the outputs. */
  extraFiles?: string[];
  /**
   * 'exact' (default): each output is byte for byte the hashes, one per line.
   * 'diff-w': as the course's checker (diff -w): whitespace ignored, a missing final newline too.
   */
  compare?: 'exact' | 'diff-w';
  /** Keep the folder even when all is well. */
  keep?: boolean;
  /** Run in this folder, as a later run in the same place would (default: a fresh folder). */
  dir?: string;
}

export interface ScenarioRun {
  result: RunResult;
  /** The working folder (removed unless something was wrong or `keep` was asked). */
  dir: string;
  /** Where the outputs went. */
  outputDir: string;
  /** Everything that differs from what the scenario expects; empty when all is well. */
  problems: string[];
}

function sameAsDiffW(got: string, want: readonly string[]): boolean {
  const strip = (line: string): string => line.replace(/\s+/g, '');
  const gotLines = got.split('\n').map(strip);
  const wantLines = [...want];
  while (gotLines.length > wantLines.length && gotLines.at(-1) === '') gotLines.pop();
  return gotLines.length === wantLines.length && gotLines.every((line, i) => line === wantLines[i]);
}

function firstDifference(got: string, want: string): string {
  const gotLines = got.split('\n');
  const wantLines = want.split('\n');
  const index = wantLines.findIndex((line, i) => line !== gotLines[i]);
  const at = index < 0 ? wantLines.length : index;
  return (
    `line ${at + 1}: ${JSON.stringify(gotLines[at] ?? '<end of file>')} instead of ` +
    `${JSON.stringify(wantLines[at] ?? '<end of file>')} (${gotLines.length - 1} lines, expected ${wantLines.length - 1})`
  );
}

/** Compares the folder after a run with what the scenario expects. */
export function checkScenarioOutputs(scenario: Scenario, dir: string, options: ScenarioOptions = {}): string[] {
  const problems: string[] = [];
  const split = options.layout === 'split';
  const inputPrefix = split ? 'in/' : '';
  const outputPrefix = split ? 'out/' : '';
  const expected = new Set<string>(options.extraFiles ?? []);
  for (const peer of scenario.peers) {
    const path = `${inputPrefix}in${peer.rank}.txt`;
    expected.add(path);
    if (!existsSync(join(dir, path))) problems.push(`${path} was removed`);
    else if (readFileSync(join(dir, path), 'utf8') !== peer.text) problems.push(`${path} was changed`);
  }
  for (const output of expectedOutputs(scenario)) {
    const path = `${outputPrefix}${output.name}`;
    expected.add(path);
    if (!existsSync(join(dir, path))) {
      problems.push(`${path} is missing`);
      continue;
    }
    const got = readFileSync(join(dir, path), 'utf8');
    const want = outputText(output.hashes);
    if (options.compare === 'diff-w' ? !sameAsDiffW(got, output.hashes) : got !== want) {
      problems.push(`${path} differs: ${firstDifference(got, want)}`);
    }
  }
  for (const path of listFiles(dir)) {
    if (!expected.has(path)) problems.push(`unexpected file ${JSON.stringify(path)}`);
  }
  return problems;
}

/**
 * Writes the scenario to a fresh folder, runs it and checks it. Never throws for a failing run:
 * read `problems`.
 */
export async function runScenario(scenario: Scenario, options: ScenarioOptions = {}): Promise<ScenarioRun> {
  const dir = options.dir ?? freshDir(scenario.preset);
  const split = options.layout === 'split';
  const inputDir = split ? join(dir, 'in') : dir;
  const outputDir = split ? join(dir, 'out') : dir;
  mkdirSync(inputDir, { recursive: true });
  mkdirSync(outputDir, { recursive: true });
  writeInputs(scenario.peers, inputDir);

  // The program's random choices follow the scenario's seed unless the test sets one.
  const seed = options.args?.includes('--seed') ? [] : ['--seed', String(scenario.seed)];
  const args = [...(split ? ['--input-dir', 'in', '--output-dir', 'out'] : []), ...seed, ...(options.args ?? [])];
  const result = await runExclusive(scenario.np, mainCommand(args), {
    cwd: dir,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.env ? { env: options.env } : {}),
  });
  const problems: string[] = [];
  if (result.timedOut) problems.push(`timed out after ${Math.round(result.ms)} ms`);
  else if (result.code !== 0) problems.push(`exit status ${result.code ?? result.signal}`);
  problems.push(...checkScenarioOutputs(scenario, dir, options));
  if (problems.length === 0 && !options.keep) removeDir(dir);
  return { result, dir, outputDir, problems };
}

/** runScenario, then asserts that nothing was wrong (the message shows the job's output). */
export async function assertScenario(
  t: ExecutionContext,
  scenario: Scenario,
  options: ScenarioOptions = {},
): Promise<ScenarioRun> {
  const run = await runScenario(scenario, options);
  t.deepEqual(
    run.problems,
    [],
    `${scenario.preset} seed ${scenario.seed} np ${scenario.np} in ${run.dir}: ` + `the job ${describeRun(run.result)}`,
  );
  return run;
}

// ---------------------------------------------------------------------------------------------
// Scenario folders written by others (the course's tests)

/** Splits an input as the course's scanf-based reader does: whitespace-separated words. */
function parseLoosely(text: string): { owned: { name: string; hashes: string[] }[]; wanted: string[] } {
  const words = text.split(/\s+/).filter((word) => word !== '');
  let next = 0;
  const take = (): string => {
    if (next >= words.length) throw new Error('unexpected end of input');
    return words[next++]!;
  };
  const owned = Array.from({ length: Number(take()) }, () => {
    const name = take();
    return { name, hashes: Array.from({ length: Number(take()) }, take) };
  });
  const wanted = Array.from({ length: Number(take()) }, take);
  return { owned, wanted };
}

/**
 * A scenario from a folder holding in1.txt..in<N-1>.txt and maybe out<n>.txt, read the way
 * the course's checker (check.py) reads it: file<n>'s hashes come from out<n>.txt when it
 * exists, else from an owner's input. Independent of src/io on purpose.
 */
export function loadScenarioDir(folder: string): Scenario {
  const peers: Scenario['peers'] = [];
  for (let rank = 1; existsSync(join(folder, `in${rank}.txt`)); rank++) {
    const text = readFileSync(join(folder, `in${rank}.txt`), 'utf8');
    const input = parseLoosely(text);
    peers.push({ rank, owned: input.owned.map((file) => file.name), wanted: input.wanted, text });
  }
  const files = new Map<string, Scenario['files'][number]>();
  const fileOf = (name: string): Scenario['files'][number] => {
    let file = files.get(name);
    if (file === undefined) files.set(name, (file = { name, hashes: [], owners: [], wanters: [] }));
    return file;
  };
  for (const peer of peers) {
    const input = parseLoosely(peer.text);
    for (const owned of input.owned) {
      const file = fileOf(owned.name);
      if (file.owners.length === 0) file.hashes = owned.hashes;
      file.owners.push(peer.rank);
    }
    for (const name of input.wanted) fileOf(name).wanters.push(peer.rank);
  }
  for (const file of files.values()) {
    const number = /^file(\d+)$/.exec(file.name)?.[1];
    const out = number === undefined ? undefined : join(folder, `out${number}.txt`);
    if (out !== undefined && existsSync(out)) {
      file.hashes = readFileSync(out, 'utf8')
        .split(/\s+/)
        .filter((word) => word !== '');
    }
  }
  return { preset: basename(folder), seed: 0, np: peers.length + 1, files: [...files.values()], peers };
}
