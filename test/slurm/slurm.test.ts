/**
 * examples/slurm.sbatch submitted for real to a one-node Slurm 22.05 (test/slurm/up.sh: munged,
 * slurmctld and slurmd started by hand, no systemd, nothing in /etc), once with the ranks started
 * by `srun --mpi=pmix` and once by `mpirun` inside the allocation. The batch job's state, exit
 * status and output file are what a user of the cluster would look at. Needs root and Slurm
 * (slurm-wlm, munge); skips elsewhere.
 */
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { REPO_ROOT } from '../helpers/mpirun.js';
import { checkScenarioOutputs, freshDir, loadScenarioDir, removeDir } from '../helpers/scenario.js';

const HERE = fileURLToPath(new URL('./', import.meta.url));
const SLURM = `${HERE}slurm.sh`;
const EXAMPLE = join(REPO_ROOT, 'examples', 'slurm.sbatch');
const COURSE_TEST = fileURLToPath(new URL('../fixtures/course/test2/', import.meta.url));
/** Four ranks (in1..in3): the bad-input job. */
const SMALL_TEST = fileURLToPath(new URL('../fixtures/course/test1/', import.meta.url));
const JOB_LIMIT_MS = 60_000;

function slurmUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (Slurm's daemons)";
  for (const tool of ['ip', 'nsenter', 'munged', 'slurmctld', 'slurmd', 'sbatch']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `needs ${tool} (apt-get install slurm-wlm munge)`;
  }
  return undefined;
}

const unavailable = slurmUnavailable();
const slurmTest =
  unavailable === undefined
    ? test.serial
    : (title: string) => test.skip(`${title} [skipped: Slurm in a box ${unavailable}]`, () => {});

if (unavailable === undefined) {
  test.before(() => {
    execFileSync(`${HERE}up.sh`, [], { stdio: 'pipe' });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        spawnSync(`${HERE}down.sh`);
        process.exit(130);
      });
    }
  });
  test.after.always(() => {
    spawnSync(`${HERE}down.sh`, { stdio: 'inherit' });
  });
}

/** A Slurm client command run against Slurm in a box, with the job's environment. */
function slurm(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(SLURM, args, {
    encoding: 'utf8',
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface FinishedJob {
  id: string;
  state: string;
  /** `scontrol show job`'s ExitCode: the batch script's status and the signal that ended it. */
  exitCode: string;
  output: string;
}

/**
 * sbatch examples/slurm.sbatch in `dir` with `LAUNCHER=<launcher>`, then polls (sbatch --wait
 * polls every 2 to 10 s) until the job has left the running states.
 */
function submitExample(dir: string, launcher: string, ntasks: number): Promise<FinishedJob> {
  return submit(dir, [`--ntasks=${ntasks}`, EXAMPLE], 'mpitorrent', { LAUNCHER: launcher });
}

/** sbatch with `args` in `dir`, then polls until the job has left the running states. */
async function submit(
  dir: string,
  args: string[],
  outputPrefix: string,
  env: NodeJS.ProcessEnv = {},
): Promise<FinishedJob> {
  const id = slurm(['sbatch', '--parsable', ...args], {
    cwd: dir,
    env: {
      ...env,
      MPITORRENT: REPO_ROOT,
      OMPI_ALLOW_RUN_AS_ROOT: '1',
      OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
    },
  }).trim();
  const deadline = Date.now() + JOB_LIMIT_MS;
  let fields = '';
  for (;;) {
    fields = slurm(['scontrol', 'show', 'job', '-o', id]);
    const state = /JobState=(\S+)/.exec(fields)?.[1] ?? '';
    if (!['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING'].includes(state)) break;
    if (Date.now() > deadline) {
      slurm(['scancel', id]);
      throw new Error(`job ${id} still ${state} after ${JOB_LIMIT_MS} ms`);
    }
    await sleep(200);
  }
  const outputFile = join(dir, `${outputPrefix}-${id}.out`);
  return {
    id,
    state: /JobState=(\S+)/.exec(fields)?.[1] ?? '',
    exitCode: /ExitCode=(\S+)/.exec(fields)?.[1] ?? '',
    output: existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : '<no output file>',
  };
}

for (const launcher of ['srun', 'mpirun']) {
  slurmTest(
    `examples/slurm.sbatch with ${launcher}: the batch job completes with exit 0 and every client file matches out<n>.txt`,
    async (t) => {
      const scenario = loadScenarioDir(COURSE_TEST);
      const dir = freshDir(`slurm-${launcher}`);
      try {
        for (const peer of scenario.peers) writeFileSync(join(dir, `in${peer.rank}.txt`), peer.text);
        const job = await submitExample(dir, launcher, scenario.np);
        const seen = `job ${job.id}: ${job.state}, ExitCode=${job.exitCode}\n--- output\n${job.output}`;
        t.is(job.state, 'COMPLETED', seen);
        t.is(job.exitCode, '0:0', seen);
        t.regex(job.output, new RegExp(`^mpitorrent: ${scenario.np} ranks on \\S+, started by ${launcher}$`, 'm'));
        t.regex(job.output, new RegExp(`^mpitorrent: ${scenario.np - 1} peers, `, 'm'), seen);
        t.regex(job.output, /^mpitorrent finished with status 0$/m);
        const problems = checkScenarioOutputs(scenario, dir, {
          compare: 'diff-w',
          extraFiles: [`mpitorrent-${job.id}.out`, `stats-${job.id}.json`],
        });
        t.deepEqual(problems, [], `${seen}\n--- folder ${readdirSync(dir).join(' ')}`);
        const stats = JSON.parse(readFileSync(join(dir, `stats-${job.id}.json`), 'utf8')) as { peers: number };
        t.is(stats.peers, scenario.np - 1);
      } finally {
        removeDir(dir);
      }
    },
  );

  slurmTest(
    `examples/slurm.sbatch with ${launcher}: a bad input fails the batch job with exit status 3 and the rank's message in its output file`,
    async (t) => {
      const dir = freshDir(`slurm-bad-${launcher}`);
      try {
        for (const name of ['in1.txt', 'in3.txt']) copyFileSync(join(SMALL_TEST, name), join(dir, name));
        const good = readFileSync(join(SMALL_TEST, 'in2.txt'), 'utf8').split('\n');
        good[2] = 'not-a-hash'; // line 3: the first segment's hash of the first file
        writeFileSync(join(dir, 'in2.txt'), good.join('\n'));
        const job = await submitExample(dir, launcher, 4);
        const seen = `job ${job.id}: ${job.state}, ExitCode=${job.exitCode}\n--- output\n${job.output}`;
        t.is(job.state, 'FAILED', seen);
        t.is(job.exitCode, '3:0', seen);
        t.regex(
          job.output,
          /^rank 2: in2\.txt line 3: hash "not-a-hash" of \S+ segment 1 is not 32 hex characters$/m,
          seen,
        );
        t.regex(job.output, /^mpitorrent finished with status 3$/m, seen);
        t.deepEqual(
          readdirSync(dir).filter((name) => name.startsWith('client')),
          [],
          'no client file was written',
        );
      } finally {
        removeDir(dir);
      }
    },
  );
}

const STAGE_EXAMPLE = join(REPO_ROOT, 'examples', 'stage.sbatch');

slurmTest(
  'examples/stage.sbatch: the folder is staged to node-local /tmp, verified, used by the next step and removed with the job',
  async (t) => {
    const dir = freshDir('slurm-stage');
    try {
      const source = join(dir, 'dataset');
      mkdirSync(join(source, 'sub'), { recursive: true });
      writeFileSync(join(source, 'a.bin'), randomBytes(300_000));
      writeFileSync(join(source, 'sub', 'b.txt'), 'b\n');
      const job = await submit(dir, ['--nodes=1', STAGE_EXAMPLE, source], 'stage');
      const seen = `job ${job.id}: ${job.state}, ExitCode=${job.exitCode}\n--- output\n${job.output}`;
      t.is(job.state, 'COMPLETED', seen);
      t.is(job.exitCode, '0:0', seen);
      t.regex(job.output, /^mpitorrent stage: \S+ \S+ \(2 files, /m, seen);
      // The computation step ran on the local copy, which the job removed at its end.
      const local = new RegExp(`^\\S+\\s+(/tmp/\\S+/data-${job.id})$`, 'm').exec(job.output);
      t.truthy(local, seen);
      t.false(existsSync(local![1]!), 'the local copy is gone with the job');
    } finally {
      removeDir(dir);
    }
  },
);

slurmTest(
  'examples/stage.sbatch: a missing SOURCE fails the batch job with exit status 3 and one line naming it',
  async (t) => {
    const dir = freshDir('slurm-stage-bad');
    try {
      const job = await submit(dir, ['--nodes=1', STAGE_EXAMPLE, join(dir, 'nothing-here')], 'stage');
      const seen = `job ${job.id}: ${job.state}, ExitCode=${job.exitCode}\n--- output\n${job.output}`;
      t.is(job.state, 'FAILED', seen);
      t.is(job.exitCode, '3:0', seen);
      t.regex(job.output, /^rank 0: \S*nothing-here: /m, seen);
    } finally {
      removeDir(dir);
    }
  },
);
