/**
 * The cluster in a box (up.sh, down.sh, mpirun.sh) for one ava test file:
 *
 *   const clusterTest = useCluster({ nodes: 4, rate: '1gbit' });   // at the top of the file
 *   clusterTest('a rule', async (t) => { ... runMpi(...) ... });
 *
 * The cluster comes up before the file's first test and goes down after its last, also when
 * a test fails or the process is interrupted. While it is up, runMpi (test/helpers/mpirun.ts)
 * launches through test/cluster/mpirun.sh: mpirun in the head namespace, ranks on the nodes.
 * Where the cluster cannot exist (not root, no ip, tc or unshare) every test skips with the
 * reason.
 */
import test, { type ExecutionContext } from 'ava';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLUSTER_DIR = fileURLToPath(new URL('./', import.meta.url));
export const UP = `${CLUSTER_DIR}up.sh`;
export const DOWN = `${CLUSTER_DIR}down.sh`;
export const CLUSTER_MPIRUN = `${CLUSTER_DIR}mpirun.sh`;
/** As in env.sh: the namespaces' prefix and the test range. */
export const CLUSTER_PREFIX = process.env.MPITORRENT_CLUSTER_PREFIX ?? 'mptc';
export const CLUSTER_RANGE = `${process.env.MPITORRENT_CLUSTER_NET ?? '10.213.57'}.0/24`;

/** Environment for a job: round-robin placement over the nodes, TCP between all ranks, and the job map on stdout. */
export const SPREAD_OVER_TCP = {
  OMPI_MCA_rmaps_base_mapping_policy: 'node',
  OMPI_MCA_btl: 'tcp,self',
  OMPI_MCA_rmaps_base_display_map: '1',
};

/** Why the cluster cannot run here, or undefined when it can. */
export function clusterUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, tc)';
  for (const tool of ['ip', 'tc', 'unshare']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `needs ${tool}`;
  }
  return undefined;
}

/** Runs a cluster script and returns its stdout; throws with its stderr when it fails. */
export function clusterScript(script: string, args: string[] = []): string {
  return execFileSync(script, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface ClusterOptions {
  nodes: number;
  /** tc rate of every NIC, e.g. '1gbit', or 'none'. */
  rate: string;
}

export type ClusterTest = (title: string, body: (t: ExecutionContext) => Promise<void> | void) => void;

function tearDown(): void {
  spawnSync(DOWN, [], { stdio: 'inherit' });
}

/**
 * Brings the cluster up for this test file (see the file's comment) and returns the function
 * that registers its tests: serial tests, or skipped ones with the reason in their title.
 */
export function useCluster(options: ClusterOptions): ClusterTest {
  const unavailable = clusterUnavailable();
  if (unavailable !== undefined) {
    return (title) => test.skip(`${title} [skipped: the cluster in a box ${unavailable}]`, () => {});
  }
  test.before(() => {
    clusterScript(UP, [String(options.nodes), options.rate]);
    process.env.MPIRUN = CLUSTER_MPIRUN;
    // Interrupted: take the namespaces down before going (after.always does not run then).
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        tearDown();
        process.exit(130);
      });
    }
  });
  test.after.always(() => {
    delete process.env.MPIRUN;
    tearDown();
  });
  return (title, body) => test.serial(title, body);
}

/** Every process in the cluster's namespaces (ranks, daemons, mpirun), e.g. after a timed-out job. */
export function killClusterProcesses(): void {
  spawnSync('bash', [
    '-c',
    `source '${CLUSTER_DIR}env.sh'; for ns in $(cluster_namespaces); do ` +
      'p=$(ip netns pids "$ns"); [ -z "$p" ] || kill -9 $p 2>/dev/null; done; true',
  ]);
}

/** The processes in node I's namespace, with their command names. */
export function nodeProcesses(node: number): { pid: number; command: string }[] {
  const ns = `${CLUSTER_PREFIX}-node${node}`;
  const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '');
  return pids.flatMap((pid) => {
    try {
      return [{ pid: Number(pid), command: readFileSync(`/proc/${pid}/comm`, 'utf8').trim() }];
    } catch {
      return []; // ended meanwhile
    }
  });
}

export interface JobEnd {
  /** mpirun's exit status (null if signalled). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** performance.now() when mpirun exited. */
  endedAt: number;
  /** Each line of stderr with the performance.now() of its arrival. */
  stderrLines: { at: number; line: string }[];
}

export interface WatchedJob {
  /** Resolves when mpirun has exited. */
  done: Promise<JobEnd>;
  /** Whether mpirun is still running. */
  running(): boolean;
}

/**
 * Starts `mpirun.sh -np <np> <args>` in `cwd` without waiting for it, so that a test can act on
 * the cluster while the job runs. A job still running after `timeoutMs` is killed (with every
 * process in the cluster's namespaces).
 */
export function startJob(
  np: number,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): WatchedJob {
  const child = spawn(CLUSTER_MPIRUN, ['-np', String(np), '--oversubscribe', ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...ROOT_ENV, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const stderrLines: JobEnd['stderrLines'] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    const at = performance.now();
    for (const line of lines) stderrLines.push({ at, line });
  });
  let exited = false;
  let endedAt = 0;
  child.on('exit', () => {
    exited = true;
    endedAt = performance.now();
  });
  const timer = setTimeout(() => {
    child.kill('SIGKILL');
    killClusterProcesses();
  }, options.timeoutMs);
  const done = new Promise<JobEnd>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, endedAt, stderrLines });
    });
  });
  return { done, running: () => !exited };
}

/** What Open MPI wants before it runs as root; set by the tests only (the cluster needs root). */
const ROOT_ENV = { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };

/** mpirun's job map (printed with OMPI_MCA_rmaps_base_display_map=1): the node of each rank. */
export function parseJobMap(stdout: string): Map<number, string> {
  const nodeOf = new Map<number, string>();
  let node: string | undefined;
  for (const line of stdout.split('\n')) {
    const nodeLine = /Data for node: (\S+)/.exec(line);
    if (nodeLine) node = nodeLine[1];
    const rankLine = /Process rank: (\d+)/.exec(line);
    if (rankLine && node !== undefined) nodeOf.set(Number(rankLine[1]), node);
  }
  return nodeOf;
}
