/**
 * Open MPI's transport choice on a node without a high-speed fabric. By default every rank opens
 * the `cm` PML, which loads the Omni-Path and InfiniPath libraries only to find that they cannot
 * run, and both sleep while they start: ~0.2 s of idle wall time in MPI_Init, every job, on
 * Debian's and Ubuntu's Open MPI (docs/decisions/012-open-mpi-ob1-without-fabric.md). Without a
 * fabric Open MPI settles on `ob1`
 * anyway; naming it up front skips the wait. MPICH reads no OMPI_ variables.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';

/**
 * /dev entries of the fabrics the cm and ucx PMLs drive: InfiniBand, RoCE and EFA (verbs),
 * Omni-Path, InfiniPath, Slingshot, Aries.
 */
const FABRIC_DEVICE = /^(?:infiniband|hfi1|ipath|cxi\d|kgni)/;

/** A parameter file line setting the PML or the MTL, e.g. `pml = ucx` or `mtl = ^ofi`. */
const TRANSPORT_PARAMETER = /^\s*(pml|mtl)\s*=\s*(.*?)\s*$/gm;

/**
 * Whether a parameter file's `pml` or `mtl` setting is a choice that ob1 would override. Lists
 * of exclusions are not (Debian's own file says `pml = ^ucx` and `mtl = ^ofi`), unless they
 * exclude ob1.
 */
function choosesTransport(text: string): boolean {
  for (const [, name, value] of text.matchAll(TRANSPORT_PARAMETER)) {
    if (!value.startsWith('^')) return true;
    if (
      name === 'pml' &&
      value
        .slice(1)
        .split(',')
        .some((component) => component.trim() === 'ob1')
    )
      return true;
  }
  return false;
}

/** What the choice looks at; replaced in tests. */
export interface FabricProbe {
  /** The names in /dev; undefined when it cannot be read. */
  devices(): readonly string[] | undefined;
  /** A file's text; undefined when it cannot be read. */
  readText(path: string): string | undefined;
  /** The user's home folder. */
  home(): string;
}

const hostProbe: FabricProbe = {
  devices: () => attempt(() => readdirSync('/dev')),
  readText: (path) => attempt(() => readFileSync(path, 'utf8')),
  home: homedir,
};

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The MCA parameter files Open MPI reads, as it finds them (its default list, or the user's). */
function parameterFiles(env: NodeJS.ProcessEnv, probe: FabricProbe): string[] {
  if (env.OMPI_MCA_mca_base_param_files !== undefined) return env.OMPI_MCA_mca_base_param_files.split(':');
  const files = [`${probe.home()}/.openmpi/mca-params.conf`, '/etc/openmpi/openmpi-mca-params.conf'];
  if (env.OPAL_PREFIX) files.push(`${env.OPAL_PREFIX}/etc/openmpi-mca-params.conf`);
  return files;
}

/**
 * Sets OMPI_MCA_pml=ob1 when nobody chose a PML or an MTL (in the environment, with mpirun's --mca,
 * which reaches the ranks as the same variables, or in a parameter file) and /dev holds no fabric
 * device.
 * Returns whether it did. Call before MPI_Init, and before starting threads: setenv while another
 * thread reads the environment is unsafe. Every rank of a node decides alike.
 */
export function skipAbsentFabrics(env: NodeJS.ProcessEnv = process.env, probe: FabricProbe = hostProbe): boolean {
  if (env.OMPI_MCA_pml !== undefined || env.OMPI_MCA_mtl !== undefined) return false;
  const devices = probe.devices();
  if (devices === undefined || devices.some((name) => FABRIC_DEVICE.test(name))) return false;
  if (parameterFiles(env, probe).some((file) => choosesTransport(probe.readText(file) ?? ''))) return false;
  env.OMPI_MCA_pml = 'ob1';
  return true;
}
