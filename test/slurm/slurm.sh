#!/usr/bin/env bash
# Runs a command (a Slurm client: sbatch, srun, squeue, scontrol ...) against Slurm in a box:
# in its network namespace, with SLURM_CONF pointing at its configuration.
#   test/slurm/slurm.sh sinfo
set -euo pipefail
source "$(dirname "$0")/env.sh"
slurm_box_is_up || { echo "slurm.sh: Slurm in a box is not up: run test/slurm/up.sh first" >&2; exit 1; }
exec nsenter --net="/run/netns/$SLURM_NETNS" "$@"
