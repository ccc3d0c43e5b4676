import test from 'ava';

import { skipAbsentFabrics, type FabricProbe } from '../../../src/mpi/fabrics.js';

/** A node whose /dev holds `devices` and whose files are `files` (path -> text). */
function node(devices: readonly string[] | undefined, files: Record<string, string> = {}): FabricProbe {
  return { devices: () => devices, readText: (path) => files[path], home: () => '/home/ada' };
}

const LAPTOP = ['null', 'zero', 'tty0', 'shm', 'vda', 'nvme0n1', 'kvm'];

test('without a fabric device and without a choice, Open MPI is told to use ob1', (t) => {
  const env: NodeJS.ProcessEnv = {};
  t.true(skipAbsentFabrics(env, node(LAPTOP)));
  t.is(env.OMPI_MCA_pml, 'ob1');
});

test('a fabric device leaves the choice to Open MPI', (t) => {
  for (const device of ['infiniband', 'hfi1_0', 'ipath', 'ipath0', 'cxi0', 'kgni0']) {
    const env: NodeJS.ProcessEnv = {};
    t.false(skipAbsentFabrics(env, node([...LAPTOP, device])), device);
    t.is(env.OMPI_MCA_pml, undefined, device);
  }
  // Names that only look alike are not fabrics.
  t.true(skipAbsentFabrics({}, node([...LAPTOP, 'cxl', 'cxi', 'hfi'])));
});

test('an unreadable /dev leaves the choice to Open MPI', (t) => {
  const env: NodeJS.ProcessEnv = {};
  t.false(skipAbsentFabrics(env, node(undefined)));
  t.is(env.OMPI_MCA_pml, undefined);
});

test("the user's PML or MTL, from the environment or mpirun's --mca, is kept", (t) => {
  for (const chosen of [{ OMPI_MCA_pml: 'ucx' }, { OMPI_MCA_mtl: 'psm2' }, { OMPI_MCA_pml: '' }]) {
    const env: NodeJS.ProcessEnv = { ...chosen };
    t.false(skipAbsentFabrics(env, node(LAPTOP)), JSON.stringify(chosen));
    t.deepEqual(env, chosen);
  }
});

test("a parameter file's PML or MTL is kept; exclusions and other settings are not a choice", (t) => {
  const userFile = '/home/ada/.openmpi/mca-params.conf';
  const siteFile = '/etc/openmpi/openmpi-mca-params.conf';
  t.false(skipAbsentFabrics({}, node(LAPTOP, { [userFile]: '# mine\npml = ucx\n' })));
  t.false(skipAbsentFabrics({}, node(LAPTOP, { [siteFile]: 'btl_tcp_if_include = eth0\n  mtl=ofi\n' })));
  t.false(
    skipAbsentFabrics(
      { OPAL_PREFIX: '/opt/ompi' },
      node(LAPTOP, { '/opt/ompi/etc/openmpi-mca-params.conf': 'pml = cm' }),
    ),
  );
  t.true(skipAbsentFabrics({}, node(LAPTOP, { [siteFile]: '# pml = ucx\nbtl = ^openib\npml_ob1_priority = 30\n' })));
  // Debian's and Ubuntu's own file excludes transports: ob1 honours that.
  const debian = 'btl_base_warn_component_unused=0\nmtl = ^ofi\nbtl = ^uct,openib,ofi\npml = ^ucx\nosc = ^ucx,pt2pt\n';
  t.true(skipAbsentFabrics({}, node(LAPTOP, { [siteFile]: debian })));
  t.false(skipAbsentFabrics({}, node(LAPTOP, { [siteFile]: 'pml = ^ucx, ob1' })));
  // A list of files of one's own replaces Open MPI's default ones.
  const env: NodeJS.ProcessEnv = { OMPI_MCA_mca_base_param_files: '/a.conf:/b.conf' };
  t.false(skipAbsentFabrics({ ...env }, node(LAPTOP, { '/b.conf': 'mtl = psm2' })));
  t.true(skipAbsentFabrics({ ...env }, node(LAPTOP, { [userFile]: 'pml = ucx' })));
});
