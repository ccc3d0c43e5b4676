/**
 * What the launcher (Open MPI's mpirun, MPICH's hydra, PMIx) tells a process in its
 * environment, so it is known before MPI starts. Loads no addon: the command line uses it
 * before deciding whether MPI is needed at all.
 */

/** This process's rank; undefined when not started by a launcher. */
export function launcherRank(): string | undefined {
  const env = process.env;
  return env.OMPI_COMM_WORLD_RANK ?? env.PMI_RANK ?? env.PMIX_RANK;
}

/** How many ranks the launcher started on this node; undefined when it does not say. */
export function launcherLocalSize(): number | undefined {
  const env = process.env;
  const text = env.OMPI_COMM_WORLD_LOCAL_SIZE ?? env.MPI_LOCALNRANKS;
  const size = Number(text);
  return text !== undefined && Number.isInteger(size) && size > 0 ? size : undefined;
}
