/**
 * No rank changes its environment while Node is starting one of its workers. glibc's setenv may
 * free the table of variables that a concurrent getenv is walking, and Node walks it while it
 * starts a worker: a peer segfaulted so when MPI_Init (which adds variables) ran beside its
 * workers' start (docs/decisions/013-setenv-race-mpi-init-after-online.md). The crash needs
 * unlucky timing; its cause is an order, which
 * test/fixtures/env-watch.c records in every rank of a real job.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeRun, REPO_ROOT } from '../helpers/mpirun.js';
import { freshDir, removeDir, runScenario } from '../helpers/scenario.js';
import { generateScenario } from '../scenarios/generate.js';

interface EnvEvent {
  ms: number;
  thread: number;
  main: boolean;
  kind: 'start' | 'getenv' | 'change';
  name: string;
}

function readEvents(path: string): EnvEvent[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [ns, thread, who, kind, name] = line.split(' ');
      return {
        ms: Number(ns) / 1e6,
        thread: Number(thread),
        main: who === 'main',
        kind: kind as EnvEvent['kind'],
        name: name!,
      };
    });
}

/**
 * Each change of the environment made while a thread that Node started for a worker (one that
 * reads NODE_ variables) was between its start and its last read of the environment.
 */
function racingChanges(events: EnvEvent[]): { workerThreads: number; races: string[] } {
  const t0 = events[0]?.ms ?? 0;
  const at = (ms: number): string => `+${(ms - t0).toFixed(1)} ms`;
  const workers = new Set(
    events.filter((e) => !e.main && e.kind === 'getenv' && e.name.startsWith('NODE_')).map((e) => e.thread),
  );
  const races: string[] = [];
  for (const thread of workers) {
    const own = events.filter((e) => e.thread === thread);
    const start = own.find((e) => e.kind === 'start')?.ms ?? t0;
    const lastRead = Math.max(...own.filter((e) => e.kind === 'getenv').map((e) => e.ms));
    for (const change of events.filter((e) => e.kind === 'change' && e.ms > start && e.ms < lastRead)) {
      races.push(
        `${change.name} set at ${at(change.ms)} while worker thread ${thread} (started ${at(start)}) ` +
          `read the environment until ${at(lastRead)}`,
      );
    }
  }
  return { workerThreads: workers.size, races };
}

test.serial('every environment change is made before the workers start or after Node has started them', async (t) => {
  const build = freshDir('env-watch');
  const shim = join(build, 'env-watch.so');
  execFileSync(process.env.CC || 'cc', [
    '-shared',
    '-fPIC',
    '-O2',
    '-o',
    shim,
    join(REPO_ROOT, 'test/fixtures/env-watch.c'),
    '-ldl',
  ]);
  const scenario = generateScenario('course', 5);
  const run = await runScenario(scenario, { env: { LD_PRELOAD: shim, ENV_WATCH_DIR: build }, timeoutMs: 30_000 });
  t.deepEqual(run.problems, [], describeRun(run.result));
  for (let rank = 1; rank < scenario.np; rank++) {
    const log = join(build, `rank${rank}`);
    if (!existsSync(log)) {
      t.fail(`rank ${rank} left no record in ${build}`);
      continue;
    }
    const { workerThreads, races } = racingChanges(readEvents(log));
    t.true(
      workerThreads >= 2,
      `rank ${rank}: Node read NODE_ variables in ${workerThreads} worker threads, not 2 or more`,
    );
    t.deepEqual(races, [], `rank ${rank}`);
  }
  removeDir(build);
});
