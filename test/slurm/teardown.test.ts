/**
 * Slurm in a box leaves nothing behind: down.sh (also when with-slurm.sh is interrupted) ends
 * every daemon it started and removes its namespace and folder; /etc and the root namespace's
 * network are untouched. Needs root and Slurm; skips elsewhere.
 */
import test from 'ava';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('./', import.meta.url));
const BOX = process.env.MPITORRENT_SLURM_DIR ?? '/tmp/mpitorrent-slurm';
const NETNS = process.env.MPITORRENT_SLURM_NETNS ?? 'mpts-slurm';

const missing =
  process.getuid?.() !== 0
    ? 'needs root'
    : ['ip', 'nsenter', 'munged', 'slurmctld', 'slurmd', 'sbatch'].find(
        (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
      );
const slurmTest =
  missing === undefined
    ? test.serial
    : (title: string) =>
        test.skip(`${title} [skipped: Slurm in a box ${missing.startsWith('needs') ? missing : `needs ${missing}`}]`, () => {});

test.after.always(() => {
  if (missing === undefined) spawnSync(`${HERE}down.sh`);
});

function state(): string {
  const run = (command: string, args: string[]): string => execFileSync(command, args, { encoding: 'utf8' });
  return [
    run('ip', ['-o', 'link']),
    run('ip', ['-o', 'addr']),
    run('ip', ['route', 'show', 'table', 'all']),
    run('ip', ['netns', 'list']),
    run('ls', ['-la', '--time-style=full-iso', '/etc', '/etc/munge', '/etc/slurm']),
  ].join('\n---\n');
}

function boxProcesses(): { pid: number; command: string }[] {
  const pids = spawnSync('ip', ['netns', 'pids', NETNS], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return pids.flatMap((pid) => {
    try {
      return [{ pid: Number(pid), command: readFileSync(`/proc/${pid}/comm`, 'utf8').trim() }];
    } catch {
      return []; // ended meanwhile
    }
  });
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'; // a zombie is gone, only not yet reaped
  } catch {
    return false;
  }
}

slurmTest(
  'up.sh then down.sh: munged, slurmctld and slurmd ran and are gone; /etc and the network are as before',
  (t) => {
    const before = state();
    execFileSync(`${HERE}up.sh`, [], { stdio: 'pipe' });
    let daemons: { pid: number; command: string }[];
    try {
      daemons = boxProcesses();
    } finally {
      execFileSync(`${HERE}down.sh`);
    }
    t.deepEqual([...new Set(daemons.map((daemon) => daemon.command))].sort(), [
      'munged',
      'slurmctld',
      'slurmd',
      'slurmscriptd',
    ]);
    t.deepEqual(
      daemons.filter((daemon) => alive(daemon.pid)),
      [],
    );
    t.false(existsSync(BOX));
    t.is(state(), before);
  },
);

slurmTest('with-slurm.sh stops Slurm when it is sent SIGTERM while its command runs', async (t) => {
  const before = state();
  const child = spawn(`${HERE}with-slurm.sh`, ['--', 'sh', '-c', `'${HERE}up.sh' && sleep 60`], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let daemons: { pid: number; command: string }[] = [];
  for (let i = 0; i < 300 && !daemons.some((daemon) => daemon.command === 'slurmd'); i++) {
    await sleep(50);
    daemons = spawnSync('ip', ['netns', 'pids', NETNS]).status === 0 ? boxProcesses() : [];
  }
  t.true(
    daemons.some((daemon) => daemon.command === 'slurmd'),
    'Slurm came up',
  );
  child.kill('SIGTERM');
  t.is(await exited, 143);
  t.deepEqual(
    daemons.filter((daemon) => alive(daemon.pid)),
    [],
  );
  t.is(state(), before);
});
