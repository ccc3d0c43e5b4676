/**
 * Reads back the lines fixtures print with test/mpi/fixtures/lib/check.ts and turns them into
 * ava tests: one MPI launch per fixture and rank count, one test per check, so a failure names
 * the check, the rank and the reason.
 */
import test, { type ExecutionContext } from 'ava';

import { describeRun, nodeTs, runMpi, type RunResult } from './mpirun.js';

export interface CheckLine {
  name: string;
  rank: number;
  /** undefined when the check passed, else the failure's text. */
  failure: string | undefined;
}

const LINE = /^check (\S+) rank (\d+): (?:ok|FAIL (.*))$/;

export function parseChecks(stdout: string): CheckLine[] {
  const lines: CheckLine[] = [];
  for (const line of stdout.split('\n')) {
    const match = LINE.exec(line.trim());
    if (match === null) continue;
    lines.push({
      name: match[1]!,
      rank: Number(match[2]),
      failure: match[3] === undefined ? undefined : (JSON.parse(match[3]) as string),
    });
  }
  return lines;
}

/** Asserts that every rank 0..np-1 reported the check, and as passed. */
export function assertCheckPassed(t: ExecutionContext, result: RunResult, np: number, name: string): void {
  const lines = parseChecks(result.stdout).filter((line) => line.name === name);
  const failed = lines.find((line) => line.failure !== undefined);
  if (failed !== undefined) {
    t.fail(
      `check ${name} failed on rank ${failed.rank}:\n${failed.failure}\n\nThe job ${describeRun(result, { stdout: false })}`,
    );
    return;
  }
  const reported = new Set(lines.map((line) => line.rank));
  const missing = Array.from({ length: np }, (_, rank) => rank).filter((rank) => !reported.has(rank));
  if (missing.length > 0) {
    t.fail(`check ${name} was not reported by rank(s) ${missing.join(', ')}. The job ${describeRun(result)}`);
    return;
  }
  t.is(lines.length, np, `check ${name} reported more than once per rank`);
}

/** A job launched on first use and shared by the tests that read it. */
function lazyJob(launch: () => Promise<RunResult>): () => Promise<RunResult> {
  let job: Promise<RunResult> | undefined;
  return () => (job ??= launch());
}

export interface FixtureOptions {
  /** Arguments after the fixture's path. */
  args?: string[];
  timeoutMs?: number;
}

/**
 * Registers, for each rank count, one serial test per check of the fixture (under
 * test/mpi/fixtures/) and one asserting that the job ended cleanly and printed exactly these
 * checks. The launches run one after another, as the tests ask for them.
 */
export function testFixtureChecks(
  fixture: string,
  rankCounts: number[],
  checks: string[],
  options: FixtureOptions = {},
): void {
  for (const np of rankCounts) {
    const job = lazyJob(() =>
      runMpi(np, nodeTs(`test/mpi/fixtures/${fixture}`, options.args), { timeoutMs: options.timeoutMs ?? 30_000 }),
    );
    for (const name of checks) {
      test.serial(`${fixture} np ${np}: ${name}`, async (t) => assertCheckPassed(t, await job(), np, name));
    }
    test.serial(`${fixture} np ${np}: exits with 0 after exactly these checks`, async (t) => {
      const result = await job();
      t.is(result.code, 0, `the job ${describeRun(result)}`);
      const names = new Set(parseChecks(result.stdout).map((line) => line.name));
      t.deepEqual([...names].sort(), [...checks].sort());
    });
  }
}
