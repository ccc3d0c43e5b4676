import test from 'ava';

import { DEFAULT_BACKOFF, spinsFor } from '../../../src/mpi/backoff.js';
import { launcherLocalSize, launcherRank } from '../../../src/mpi/launcher.js';

const LAUNCHER_VARIABLES = [
  'OMPI_COMM_WORLD_RANK',
  'PMI_RANK',
  'PMIX_RANK',
  'OMPI_COMM_WORLD_LOCAL_SIZE',
  'MPI_LOCALNRANKS',
];

/** Runs `body` with exactly `variables` of the launcher's set (the rest unset), then restores. */
function withLauncher<T>(variables: Record<string, string>, body: () => T): T {
  const saved = Object.fromEntries(LAUNCHER_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of LAUNCHER_VARIABLES) delete process.env[name];
  Object.assign(process.env, variables);
  try {
    return body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

test('the rank comes from Open MPI, hydra or PMIx, and is undefined without a launcher', (t) => {
  t.is(withLauncher({}, launcherRank), undefined);
  t.is(withLauncher({ OMPI_COMM_WORLD_RANK: '3' }, launcherRank), '3');
  t.is(withLauncher({ PMI_RANK: '4' }, launcherRank), '4');
  t.is(withLauncher({ PMIX_RANK: '5' }, launcherRank), '5');
});

test("the node's rank count comes from Open MPI or hydra; anything else is unknown", (t) => {
  t.is(withLauncher({}, launcherLocalSize), undefined);
  t.is(withLauncher({ OMPI_COMM_WORLD_LOCAL_SIZE: '7' }, launcherLocalSize), 7);
  t.is(withLauncher({ MPI_LOCALNRANKS: '16' }, launcherLocalSize), 16);
  for (const bad of ['', '0', '-2', '1.5', 'many']) {
    t.is(withLauncher({ OMPI_COMM_WORLD_LOCAL_SIZE: bad }, launcherLocalSize), undefined, bad);
  }
});

test('idle threads spin only when every polling thread has a core', (t) => {
  t.is(spinsFor(2, 2), DEFAULT_BACKOFF.spins);
  t.is(spinsFor(8, 64), DEFAULT_BACKOFF.spins);
  t.is(spinsFor(undefined, 2), DEFAULT_BACKOFF.spins);
  t.is(spinsFor(3, 2), 0);
  t.is(spinsFor(32, 2), 0);
});
