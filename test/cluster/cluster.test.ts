/**
 * mpitorrent on a cluster in a box (test/cluster/up.sh): 4 nodes as network namespaces, every
 * NIC capped at 1 Gbit/s, ranks placed round-robin over the nodes and talking over TCP only
 * (`btl tcp,self`: not even two ranks of one node share memory). Needs root; skips elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { describeRun, nodeTs, runMpi } from '../helpers/mpirun.js';
import { freshDir, loadScenarioDir, mainCommand, removeDir, runScenario } from '../helpers/scenario.js';
import { FAULTS, generateScenario, type Scenario } from '../scenarios/generate.js';
import {
  CLUSTER_PREFIX,
  CLUSTER_RANGE,
  nodeProcesses,
  parseJobMap,
  SPREAD_OVER_TCP,
  startJob,
  useCluster,
} from './harness.js';

const NODES = 4;
const clusterTest = useCluster({ nodes: NODES, rate: '1gbit' });

const COURSE = fileURLToPath(new URL('../fixtures/course/', import.meta.url));
const CHECKER_LIMIT_MS = 20_000;
const FAILURE_LIMIT_MS = 10_000;

/** Node of each rank under round-robin placement: rank r on node (r mod 4) + 1. */
const nodeOfRank = (rank: number): string => `node${(rank % NODES) + 1}`;

clusterTest(
  'the cluster is sealed: no namespace has a default route and the root namespace blackholes the test range',
  (t) => {
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.split(' ')[0]!)
      .filter((name) => name.startsWith(`${CLUSTER_PREFIX}-`))
      .sort();
    t.deepEqual(
      namespaces,
      ['head', 'node1', 'node2', 'node3', 'node4', 'sw'].map((name) => `${CLUSTER_PREFIX}-${name}`),
    );
    for (const ns of namespaces) {
      t.is(
        execFileSync('ip', ['-n', ns, 'route', 'show', 'default'], { encoding: 'utf8' }),
        '',
        `${ns} has no default route`,
      );
    }
    t.regex(
      execFileSync('ip', ['route', 'show', 'type', 'blackhole'], { encoding: 'utf8' }),
      new RegExp(`^blackhole ${CLUSTER_RANGE.replace(/\./g, '\\.')}\\s*$`, 'm'),
    );
    t.false(
      /\bv-(node\d+|head)\b|\bbr0\b/.test(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })),
      'no interface of the cluster is in the root namespace',
    );
  },
);

clusterTest(
  "each node is its own host: ranks see their node's name and namespace, and Open MPI and MPI_Comm_split_type count 2 ranks per node",
  async (t) => {
    const np = 2 * NODES;
    const result = await runMpi(np, nodeTs('test/cluster/fixtures/where.ts'), {
      env: SPREAD_OVER_TCP,
      timeoutMs: 60_000,
    });
    t.is(result.code, 0, describeRun(result));
    const line = result.stdout.split('\n').find((text) => text.startsWith('where '));
    if (line === undefined) return t.fail(describeRun(result));
    const ranks = JSON.parse(line.slice('where '.length)) as {
      rank: number;
      hostname: string;
      processor: string;
      netns: string;
      localRank: number;
      localSize: number;
      sharedRank: number;
      sharedSize: number;
    }[];
    t.deepEqual(
      ranks.map((rank) => rank.rank),
      [...Array(np).keys()],
      'every rank reached rank 0',
    );
    for (const rank of ranks) {
      t.is(rank.hostname, nodeOfRank(rank.rank), `rank ${rank.rank}'s host name`);
      t.is(rank.processor, nodeOfRank(rank.rank), `rank ${rank.rank}'s MPI processor name`);
      t.is(rank.localSize, 2, `rank ${rank.rank}: ranks on its node`);
      t.is(rank.localRank, rank.rank < NODES ? 0 : 1, `rank ${rank.rank}'s rank within its node`);
      t.is(rank.sharedSize, 2, `rank ${rank.rank}: size of its splitType(SHARED) group`);
      t.is(rank.sharedRank, rank.localRank, `rank ${rank.rank}'s rank in its splitType(SHARED) group`);
    }
    const namespaces = new Map<string, Set<string>>();
    for (const rank of ranks)
      namespaces.set(rank.hostname, (namespaces.get(rank.hostname) ?? new Set()).add(rank.netns));
    t.is(namespaces.size, NODES);
    t.true(
      [...namespaces.values()].every((set) => set.size === 1),
      'the ranks of a node share its namespace',
    );
    t.is(new Set(ranks.map((rank) => rank.netns)).size, NODES, 'nodes do not share a namespace');
  },
);

for (const name of existsSync(COURSE)
  ? readdirSync(COURSE)
      .filter((entry) => entry.startsWith('test'))
      .sort()
  : []) {
  clusterTest(
    `course ${name} over TCP on 4 nodes: every client file matches out<n>.txt (diff -w) within 20 s`,
    async (t) => {
      const scenario = loadScenarioDir(join(COURSE, name));
      const run = await runScenario(scenario, { compare: 'diff-w', timeoutMs: CHECKER_LIMIT_MS, env: SPREAD_OVER_TCP });
      t.deepEqual(run.problems, [], `${name} in ${run.dir}: the job ${describeRun(run.result)}`);
      const placed = parseJobMap(run.result.stdout);
      t.deepEqual(
        [...placed.keys()].sort((a, b) => a - b),
        [...Array(scenario.np).keys()],
      );
      t.is(new Set(placed.values()).size, Math.min(NODES, scenario.np), 'the ranks are spread over the nodes');
      t.true(run.result.ms < CHECKER_LIMIT_MS, `${Math.round(run.result.ms)} ms`);
    },
  );
}

const faults = generateScenario('faults', 3);
const [KILLED] = FAULTS.sharedOwners; // rank 1: on node2, away from the tracker on node1

clusterTest(
  'a rank killed on another node than the tracker ends the job within 10 s of its death, non-zero, naming the rank',
  async (t) => {
    const dir = writeInputs(faults);
    const job = startJob(faults.np, mainCommand(['--fault-kill', `${KILLED}:5`]), {
      cwd: dir,
      env: SPREAD_OVER_TCP,
      timeoutMs: 60_000,
    });
    const result = await job.done;
    removeDir(dir);
    const log = `exit ${result.code}\n--- stderr\n${result.stderr}`;
    t.not(result.code, 0, log);
    t.is(parseJobMap(result.stdout).get(KILLED), 'node2');
    const death = result.stderrLines.find(({ line }) =>
      line.startsWith(`rank ${KILLED} (upload worker): fault injection: killing this process`),
    );
    if (death === undefined) return t.fail(log);
    t.true(result.endedAt - death.at < FAILURE_LIMIT_MS, `${Math.round(result.endedAt - death.at)} ms after the kill`);
    t.regex(result.stderr, new RegExp(`process rank ${KILLED} with PID \\d+ on node node2 exited on signal 9`), log);
  },
);

function writeInputs(scenario: Scenario): string {
  const dir = freshDir('cluster');
  for (const peer of scenario.peers) writeFileSync(join(dir, `in${peer.rank}.txt`), peer.text);
  return dir;
}

/**
 * Runs the faults scenario with its lonely file's only owner slow (so the run lasts seconds),
 * waits until the first file is complete somewhere, then kills what `pick` chooses among the
 * processes of node 3 (ranks 2 and 6 and Open MPI's daemon). Returns the job and how long it
 * took to end after the kill.
 */
async function killNodeMidRun(pick: (command: string) => boolean) {
  const dir = writeInputs(faults);
  const job = startJob(
    faults.np,
    [...mainCommand(['--fault-slow', `${FAULTS.lonelyOwner}:1500`, '--request-timeout', '10000'])],
    {
      cwd: dir,
      env: SPREAD_OVER_TCP,
      timeoutMs: 60_000,
    },
  );
  // client1_third comes from ranks 4 and 5, not from the slow rank: the swarm is under way.
  while (job.running() && !existsSync(join(dir, 'client1_third'))) await sleep(20);
  const wasRunning = job.running();
  const killedAt = performance.now();
  const victims = nodeProcesses(3).filter((process) => pick(process.command));
  for (const victim of victims) {
    try {
      globalThis.process.kill(victim.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const result = await job.done;
  removeDir(dir);
  return { result, victims, afterKillMs: result.endedAt - killedAt, wasRunning };
}

clusterTest(
  'a node whose ranks are killed mid-run ends the job within 10 s, non-zero, naming a killed rank and its node',
  async (t) => {
    const { result, victims, afterKillMs, wasRunning } = await killNodeMidRun((command) => command === 'node');
    const log = `exit ${result.code}\n--- stderr\n${result.stderr}`;
    t.true(wasRunning, `the job ended before the kill: ${log}`);
    t.is(victims.length, 2, 'ranks 2 and 6 were on node 3');
    t.not(result.code, 0, log);
    t.true(afterKillMs < FAILURE_LIMIT_MS, `${Math.round(afterKillMs)} ms after the kill`);
    t.regex(result.stderr, /process rank [26] with PID \d+ on node node3 exited on signal 9/, log);
  },
);

clusterTest(
  'a node that dies whole (ranks and daemon) ends the job within 10 s, non-zero, naming the node',
  async (t) => {
    const { result, victims, afterKillMs, wasRunning } = await killNodeMidRun(() => true);
    const log = `exit ${result.code}\n--- stderr\n${result.stderr}`;
    t.true(wasRunning, `the job ended before the kill: ${log}`);
    t.true(
      victims.some((victim) => victim.command === 'orted'),
      'the daemon was killed too',
    );
    t.not(result.code, 0, log);
    t.true(afterKillMs < FAILURE_LIMIT_MS, `${Math.round(afterKillMs)} ms after the kill`);
    t.regex(result.stderr, /lost communication with a remote daemon[\s\S]*on node node3/, log);
  },
);
