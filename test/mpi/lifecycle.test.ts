/**
 * A failing rank ends the whole job, fast, and says which rank failed (src/mpi/run.ts).
 * Each case is its own job: the job dies by design.
 */
import test from 'ava';

import { describeRun, nodeTs } from '../helpers/mpirun.js';
import { runExclusive } from '../helpers/scenario.js';

const LIMIT_MS = 10_000;

const cases = [
  { mode: 'throw', np: 3, rank: 1, says: /^rank 1: Error: main threw on purpose$/m },
  { mode: 'reject', np: 3, rank: 2, says: /^rank 2: Error: rejected on purpose$/m },
  { mode: 'uncaught', np: 2, rank: 0, says: /^rank 0: Error: timer threw on purpose$/m },
  {
    mode: 'worker-throw',
    np: 3,
    rank: 2,
    says: /^rank 2 \(failing worker\): Error: worker on rank 2 threw on purpose$/m,
  },
  {
    mode: 'worker-error',
    np: 2,
    rank: 1,
    says: /^rank 1 \(failing worker\): Error: worker on rank 1 threw on purpose, without runWorker$/m,
  },
];

// With describeError, the program's own errors are one line, their exit status, the rank at fault.
const described = [
  { mode: 'expected', np: 3, rank: 2, code: 5, reporter: 0, line: "rank 0: rank 0's input is bad, found by rank 2" },
  {
    mode: 'expected-in-worker',
    np: 2,
    rank: 1,
    code: 5,
    reporter: 1,
    line: 'rank 1 (failing worker): worker on rank 1 found bad input',
  },
  // The library knows no program: an exitCode field alone means nothing to it.
  {
    mode: 'exit-code-alone',
    np: 2,
    rank: 1,
    code: 1,
    reporter: 1,
    line: "rank 1: Error: rank 0's input is bad, found by rank 1",
  },
];

for (const { mode, np, rank, code, reporter, line } of described) {
  test.serial(`${mode} on rank ${rank} of ${np}: "${line}", exit status ${code}`, async (t) => {
    const result = await runExclusive(np, nodeTs('test/mpi/fixtures/lifecycle.ts', [mode, String(rank)]), {
      timeoutMs: 3 * LIMIT_MS,
    });
    const job = describeRun(result);
    t.false(result.timedOut, job);
    t.is(result.code, code, job);
    const reports = result.stderr.split('\n').filter((text) => /^rank \d+\b/.test(text));
    t.is(reports[0], line, job);
    if (mode === 'exit-code-alone') t.regex(result.stderr, /^\s+at /m, `the stack of an unexpected error: ${job}`);
    else t.notRegex(result.stderr, /^\s+at /m, `one line, no stack: ${job}`);
    t.deepEqual([...new Set(reports.map((text) => Number(/^rank (\d+)/.exec(text)![1])))], [reporter], job);
  });
}

for (const { mode, np, rank, says } of cases) {
  test.serial(`${mode} on rank ${rank} of ${np} ends the whole job within ${LIMIT_MS / 1000} s`, async (t) => {
    const result = await runExclusive(np, nodeTs('test/mpi/fixtures/lifecycle.ts', [mode, String(rank)]), {
      timeoutMs: 3 * LIMIT_MS,
    });
    const job = describeRun(result);
    t.false(result.timedOut, job);
    t.not(result.code, 0, job);
    t.true(result.ms < LIMIT_MS, `took ${Math.round(result.ms)} ms: ${job}`);
    t.regex(result.stderr, says, job);
    const reporting = [...result.stderr.matchAll(/^rank (\d+)\b/gm)].map((match) => Number(match[1]));
    t.deepEqual([...new Set(reporting)], [rank], `only the failing rank reports: ${job}`);
  });
}
