/**
 * The rank the launcher gave this process, read from its environment (Open MPI, MPICH's hydra,
 * PMIx), so it is known before MPI starts; undefined when not started by a launcher.
 * Loads no addon: the command line uses it before deciding whether MPI is needed at all.
 */
export function launcherRank(): string | undefined {
  const env = process.env;
  return env.OMPI_COMM_WORLD_RANK ?? env.PMI_RANK ?? env.PMIX_RANK;
}
