/**
 * The cluster in a box leaves nothing behind: after down.sh, after a failed bring-up and after
 * an interrupted run, the root namespace's links, addresses and routes are as before and no
 * namespace of the cluster is left. Needs root; skips elsewhere.
 */
import test from 'ava';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { CLUSTER_DIR, CLUSTER_PREFIX, CLUSTER_RANGE, clusterUnavailable, DOWN, UP } from './harness.js';

const unavailable = clusterUnavailable();
const clusterTest =
  unavailable === undefined
    ? test.serial
    : (title: string) => test.skip(`${title} [skipped: the cluster in a box ${unavailable}]`, () => {});

/** What the cluster must leave as it found: the root namespace's network and the namespace list. */
function rootState(): string {
  const run = (args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
  return [
    run(['-o', 'link']),
    run(['-o', 'addr']),
    run(['route', 'show', 'table', 'all']),
    run(['netns', 'list']),
  ].join('\n---\n');
}

function clusterNamespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(`${CLUSTER_PREFIX}-`));
}

test.after.always(() => {
  if (unavailable === undefined) spawnSync(DOWN);
});

clusterTest("up.sh then down.sh leaves the root namespace's links, addresses and routes as they were", (t) => {
  const before = rootState();
  execFileSync(UP, ['3', '100mbit'], { stdio: 'pipe' });
  t.is(clusterNamespaces().length, 5, 'switch, head and 3 nodes');
  t.regex(execFileSync('ip', ['route'], { encoding: 'utf8' }), new RegExp(`^blackhole ${CLUSTER_RANGE}`, 'm'));
  const caps = execFileSync('ip', ['netns', 'exec', `${CLUSTER_PREFIX}-node2`, 'tc', 'qdisc', 'show', 'dev', 'eth0'], {
    encoding: 'utf8',
  });
  t.regex(caps, /tbf .*rate 100Mbit/, "the node's uplink is capped");
  const ports = execFileSync('ip', ['netns', 'exec', `${CLUSTER_PREFIX}-sw`, 'tc', 'qdisc', 'show', 'dev', 'v-node2'], {
    encoding: 'utf8',
  });
  t.regex(ports, /tbf .*rate 100Mbit/, 'its switch port (the downlink) is capped');
  execFileSync(DOWN);
  t.is(rootState(), before);
});

clusterTest('down.sh can run any number of times, also with nothing up', (t) => {
  const before = rootState();
  execFileSync(DOWN);
  execFileSync(DOWN);
  t.is(rootState(), before);
});

clusterTest('a bring-up that fails half way tears down what it made, and says so', (t) => {
  const before = rootState();
  const run = spawnSync(UP, ['2', '1gbit'], { encoding: 'utf8', env: { ...process.env, BURST: 'not-a-size' } });
  t.not(run.status, 0);
  t.regex(run.stderr, /bring-up failed, tearing down/);
  t.is(rootState(), before);
});

clusterTest('up.sh refuses a test range that the machine already uses', (t) => {
  const before = rootState();
  const run = spawnSync(UP, ['2'], { encoding: 'utf8', env: { ...process.env, MPITORRENT_CLUSTER_NET: '127.0.0' } });
  t.is(run.status, 1);
  t.regex(run.stderr, /127\.0\.0\.0\/24 is in use on this machine/);
  t.is(rootState(), before);
});

clusterTest('with-cluster.sh tears the cluster down when it is sent SIGTERM while its command runs', async (t) => {
  const before = rootState();
  const child = spawn(`${CLUSTER_DIR}with-cluster.sh`, ['2', 'none', '--', 'sleep', '60'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 200 && clusterNamespaces().length < 4; i++) await sleep(50);
  t.is(clusterNamespaces().length, 4, 'the cluster came up');
  child.kill('SIGTERM');
  t.is(await exited, 143);
  t.is(rootState(), before);
});
