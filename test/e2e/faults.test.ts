/**
 * Injected faults under mpirun: what can be survived ends with exact outputs; what cannot ends
 * the whole job quickly, non-zero, with a line naming the rank at fault, and nothing
 * half-written.
 */
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { temporaryPrefix } from '../../src/io/write-whole.js';
import type { RunStats } from '../../src/tracker/stats.js';
import { describeRun } from '../helpers/mpirun.js';
import { listFiles, ownLines, removeDir, runScenario } from '../helpers/scenario.js';
import { expectedOutputs, FAULTS, generateScenario, outputText } from '../scenarios/generate.js';

const scenario = generateScenario('faults', 3);
const LIMIT_MS = 10_000;
const [LIAR] = FAULTS.sharedOwners;

/**
 * After a failed job: every client file there is whole and right. Nothing else is there but the
 * hidden temporaries of ranks that the launcher killed mid-write (MPICH's sends SIGKILL).
 */
function assertNothingHalfWritten(t: ExecutionContext, dir: string): void {
  const expected = new Map(expectedOutputs(scenario).map((output) => [output.name, outputText(output.hashes)]));
  for (const path of listFiles(dir)) {
    if (/^in\d+\.txt$/.test(path) || /^\.client\d+\.[\w-]+\.\d+\.[a-z0-9]+\.tmp$/.test(path)) continue;
    const want = expected.get(path);
    t.not(want, undefined, `unexpected file ${path}`);
    if (want !== undefined) t.is(readFileSync(join(dir, path), 'utf8'), want, `${path} is whole`);
  }
}

test.serial('a holder corrupting every segment it sends: outputs exact, the liar named and distrusted', async (t) => {
  const run = await runScenario(scenario, {
    args: ['--fault-corrupt', String(LIAR), '--stats', 'stats.json'],
    extraFiles: ['stats.json'],
    keep: true,
  });
  try {
    t.deepEqual(run.problems, [], describeRun(run.result));
    const stats = JSON.parse(readFileSync(join(run.dir, 'stats.json'), 'utf8')) as RunStats;
    const shared = stats.fileStats.find((file) => file.name === 'shared')!;
    t.true(stats.badSegments > 0, 'some bad segments were seen');
    t.deepEqual(Object.keys(shared.badReports), [String(LIAR)], 'only the liar is blamed');
    t.deepEqual(shared.distrusted, [LIAR], 'the tracker stopped offering it');
    const seen = stats.peerStats.flatMap((peer) => Object.keys(peer.badSegmentsSeen));
    t.true(
      seen.every((rank) => rank === String(LIAR)),
      `bad data seen from ${seen.join(', ')}`,
    );
    t.regex(
      run.result.stdout,
      new RegExp(`^bad segments: \\d+; rank ${LIAR} sent \\d+ bad segments of shared \\(distrusted\\)(;|$)`, 'm'),
    );
  } finally {
    removeDir(run.dir);
  }
});

test.serial('the only holder of a file always lies: exit 4 within 10 s, naming the file and segment', async (t) => {
  const run = await runScenario(scenario, { args: ['--fault-corrupt', String(FAULTS.lonelyOwner)], keep: true });
  try {
    t.is(run.result.code, 4, describeRun(run.result));
    t.true(run.result.ms < LIMIT_MS, `${Math.round(run.result.ms)} ms`);
    const stalled = ownLines(run.result.stderr).filter((line) => line.includes('no holder sent data'));
    t.true(stalled.length >= 1, describeRun(run.result));
    t.regex(
      stalled[0]!,
      new RegExp(
        `^rank [56] \\(download worker\\): lonely segment \\d+: no holder sent data matching its hash ` +
          `\\(bad data from rank ${FAULTS.lonelyOwner} \\(\\d+ segments\\)\\)$`,
      ),
    );
    assertNothingHalfWritten(t, run.dir);
  } finally {
    removeDir(run.dir);
  }
});

test.serial('a slow holder: its requests go to the other holder after the timeout; outputs exact', async (t) => {
  const run = await runScenario(scenario, {
    args: ['--fault-slow', `${LIAR}:1500`, '--request-timeout', '300', '--stats', 'stats.json'],
    extraFiles: ['stats.json'],
    keep: true,
    timeoutMs: 60_000,
  });
  try {
    t.deepEqual(run.problems, [], describeRun(run.result));
    const stats = JSON.parse(readFileSync(join(run.dir, 'stats.json'), 'utf8')) as RunStats;
    const fromOther = stats.peerStats.reduce(
      (sum, peer) => sum + (peer.downloadsBySource[String(FAULTS.sharedOwners[1])] ?? 0),
      0,
    );
    t.true(fromOther > 0, 'the other owner served segments');
  } finally {
    removeDir(run.dir);
  }
});

test.serial('a rank killed mid-run ends the job within 10 s, non-zero, naming the rank', async (t) => {
  const run = await runScenario(scenario, { args: ['--fault-kill', `${LIAR}:5`], keep: true });
  try {
    t.not(run.result.code, 0, describeRun(run.result));
    t.false(run.result.timedOut);
    t.true(run.result.ms < LIMIT_MS, `${Math.round(run.result.ms)} ms`);
    t.true(
      ownLines(run.result.stderr).some((line) =>
        line.startsWith(`rank ${LIAR} (upload worker): fault injection: killing this process`),
      ),
      describeRun(run.result),
    );
    assertNothingHalfWritten(t, run.dir);

    // The next run in that folder ends well and takes away what killed runs left.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    for (const label of ['stats', ...scenario.peers.map((peer) => `client${peer.rank}`)]) {
      writeFileSync(join(run.dir, `${temporaryPrefix(label)}${dead}.k1ll3d.tmp`), 'half');
    }
    const rerun = await runScenario(scenario, {
      dir: run.dir,
      args: ['--stats', 'stats.json'],
      extraFiles: ['stats.json'],
      keep: true,
    });
    t.deepEqual(rerun.problems, [], describeRun(rerun.result));
  } finally {
    removeDir(run.dir);
  }
});

test.serial('a worker that throws ends the job within 10 s with exit 1, naming the rank', async (t) => {
  const run = await runScenario(scenario, { args: ['--fault-crash', `${LIAR}:5`], keep: true });
  try {
    t.is(run.result.code, 1, describeRun(run.result));
    t.true(run.result.ms < LIMIT_MS, `${Math.round(run.result.ms)} ms`);
    t.true(
      ownLines(run.result.stderr).some(
        (line) =>
          line === `rank ${LIAR} (upload worker): Error: fault injection: upload worker crashed after 5 segments` ||
          line.startsWith(`rank ${LIAR} (upload worker): Error: fault injection: upload worker crashed after`),
      ),
      describeRun(run.result),
    );
    assertNothingHalfWritten(t, run.dir);
  } finally {
    removeDir(run.dir);
  }
});

test.serial('malformed messages are rejected, naming their sender, and the run goes on to exact outputs', async (t) => {
  const sender = 6;
  const run = await runScenario(scenario, { args: ['--fault-malformed', String(sender)] });
  t.deepEqual(run.problems, [], describeRun(run.result));
  const warnings = ownLines(run.result.stderr).filter((line) => line.includes('rejected a message from rank'));
  t.true(
    warnings.every((line) => line.includes(`rejected a message from rank ${sender}: `)),
    'only the sender is blamed',
  );
  // The tracker and the upload workers are still running when they come (they end only after
  // the sender's own downloads are done); a download worker may already have finished.
  for (const receiver of ['rank 0 (tracker)', ...[1, 2, 3, 4, 5].map((rank) => `rank ${rank} (upload worker)`)]) {
    t.true(
      warnings.some((line) => line.startsWith(`${receiver}: warning: rejected a message from rank ${sender}: `)),
      `${receiver} rejected one:\n${warnings.join('\n')}`,
    );
  }
  t.true(warnings.some((line) => line.endsWith('unknown message type 238')));
  t.true(warnings.some((line) => line.includes('message truncated')));
  t.false(/\n\s+at /.test(run.result.stderr), 'no stack trace');
});
