/**
 * Runs a command under mpirun for tests, with a hard timeout, whichever MPI is installed.
 *
 *   const result = await runMpi(3, nodeTs('test/mpi/fixtures/ring.ts'));
 *   const result = await runMpi(2, ['node', 'dist/main.js', '--input', dir], { cwd, timeoutMs: 20_000 });
 *
 * The launcher is $MPIRUN (default `mpirun`); Open MPI or MPICH is told apart by its --version.
 * Open MPI gets `--oversubscribe` (ranks may outnumber cores; this also turns off binding) and,
 * only when running as root, the two variables that allow it. The tests set these, never the
 * library. MPICH's hydra needs neither.
 *
 * The timeout cannot rely on the process group alone: Open MPI and hydra put every rank in a
 * process group of its own. So on timeout the whole process tree is collected first, mpirun's
 * group gets SIGTERM (mpirun then ends its ranks), and after a grace period every process of
 * the tree still alive gets SIGKILL.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type MpiImplementation = 'openmpi' | 'mpich';

export interface RunOptions {
  /** Working directory of mpirun and the ranks (default: the repository root). */
  cwd?: string;
  /** Extra environment for the ranks, on top of process.env (undefined removes a variable). */
  env?: Record<string, string | undefined>;
  /** Hard limit for the whole job (default 60 s): then every process of it is killed. */
  timeoutMs?: number;
  /** Extra mpirun arguments, placed before the command. */
  mpirunArgs?: string[];
}

export interface RunResult {
  /** Exit status of mpirun, or null when it was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from launch to exit, in milliseconds. */
  ms: number;
  /** True when the job hit the timeout and was killed. */
  timedOut: boolean;
}

/** The repository root: the default working directory of every job. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const DEFAULT_TIMEOUT_MS = 60_000;
const KILL_GRACE_MS = 2_000;

/** The launcher command: $MPIRUN, else `mpirun`. */
export function launcher(): string {
  return process.env.MPIRUN || 'mpirun';
}

const implementations = new Map<string, MpiImplementation>();

/** Which MPI the launcher belongs to, from its --version output (asked once per launcher). */
export function implementation(command = launcher()): MpiImplementation {
  let found = implementations.get(command);
  if (found === undefined) {
    const text = execFileSync(command, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (/Open MPI|OpenRTE/i.test(text)) found = 'openmpi';
    else if (/HYDRA|MPICH/i.test(text)) found = 'mpich';
    else throw new Error(`cannot tell which MPI "${command} --version" belongs to:\n${text}`);
    implementations.set(command, found);
  }
  return found;
}

/** The node command line that runs a TypeScript file through tsx. */
export function nodeTs(script: string, args: string[] = []): string[] {
  return [process.execPath, '--import', 'tsx', script, ...args];
}

function launchArgs(kind: MpiImplementation, np: number): { args: string[]; env: Record<string, string> } {
  if (kind === 'mpich') return { args: ['-np', String(np)], env: {} };
  const asRoot = process.getuid?.() === 0;
  return {
    args: ['-np', String(np), '--oversubscribe'],
    env: asRoot ? { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } : {},
  };
}

/** Every process below `root` (from /proc; empty where there is none). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name, in parentheses, may hold spaces: the fields after it are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * `mpirun -np <np> [implementation's arguments] <command...>`. Resolves when mpirun exits
 * (never rejects for a failing job: check `code`), or once the timeout has killed it.
 */
export function runMpi(np: number, command: string[], options: RunOptions = {}): Promise<RunResult> {
  const kind = implementation();
  const launch = launchArgs(kind, np);
  const args = [...launch.args, ...(options.mpirunArgs ?? []), ...command];
  const started = performance.now();
  const child = spawn(launcher(), args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...launch.env, ...options.env },
    detached: true, // its own process group, so the timeout can signal mpirun and its helpers
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  return new Promise((resolve, reject) => {
    let timedOut = false;
    let ms = 0;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      const tree = descendants(child.pid!);
      signal(-child.pid!, 'SIGTERM');
      killTimer = setTimeout(() => {
        signal(-child.pid!, 'SIGKILL');
        for (const pid of tree) signal(pid, 'SIGKILL');
        // Orphaned ranks may still hold the pipes open: stop waiting for them.
        child.stdout.destroy();
        child.stderr.destroy();
      }, KILL_GRACE_MS);
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', () => (ms = performance.now() - started));
    child.on('close', (code, signalName) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({ code, signal: signalName, stdout, stderr, ms, timedOut });
    });
  });
}

/** A job for an assertion message: how it ended, then its stderr and (unless told not to) stdout. */
export function describeRun(result: RunResult, options: { stdout?: boolean } = {}): string {
  const ending = result.timedOut
    ? `timed out after ${Math.round(result.ms)} ms`
    : `exited with ${result.code ?? result.signal} after ${Math.round(result.ms)} ms`;
  const stdout = options.stdout === false ? '' : `\n--- stdout\n${result.stdout}`;
  return `${ending}${stdout}\n--- stderr\n${result.stderr}`;
}
