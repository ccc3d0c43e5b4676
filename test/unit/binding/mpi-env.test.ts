import test from 'ava';

import type { FabricProbe } from '../../../src/mpi/fabrics.js';
import { avoidUcxMemoryHooks, prepareMpiEnv } from '../../../src/mpi/mpi-env.js';

const LAPTOP: FabricProbe = {
  devices: () => ['null', 'zero', 'vda'],
  readText: () => undefined,
  home: () => '/home/ada',
};

test("UCX's memory hooks are turned off unless the user chose", (t) => {
  const env: NodeJS.ProcessEnv = {};
  avoidUcxMemoryHooks(env);
  t.is(env.UCX_MEM_EVENTS, 'no');
  const chosen: NodeJS.ProcessEnv = { UCX_MEM_EVENTS: 'yes' };
  avoidUcxMemoryHooks(chosen);
  t.is(chosen.UCX_MEM_EVENTS, 'yes');
});

test('prepareMpiEnv sets, at once, every variable the binding would set later', (t) => {
  const env: NodeJS.ProcessEnv = {};
  prepareMpiEnv(env, LAPTOP);
  t.deepEqual(env, { UCX_MEM_EVENTS: 'no', OMPI_MCA_pml: 'ob1' });
});
