# Names shared by the Slurm-in-a-box scripts (sourced, not run).
# Everything lives in $SLURM_BOX (config, state, logs, munge's key and socket) and every daemon
# runs in the network namespace $SLURM_NETNS, which has only a loopback interface: nothing listens
# on, or sends to, this machine's real network, and a Slurm already on the machine is not disturbed.
SLURM_BOX=${MPITORRENT_SLURM_DIR:-/tmp/mpitorrent-slurm}
SLURM_NETNS=${MPITORRENT_SLURM_NETNS:-mpts-slurm}
SLURM_BOX_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export SLURM_CONF=$SLURM_BOX/etc/slurm.conf

need_root() {
  if [ "$(id -u)" -ne 0 ]; then echo "$(basename "$0"): needs root (Slurm's daemons, ip netns)" >&2; exit 1; fi
  local tool
  for tool in ip nsenter munged slurmctld slurmd sbatch; do
    command -v "$tool" >/dev/null || { echo "$(basename "$0"): needs $tool (apt-get install slurm-wlm munge)" >&2; exit 1; }
  done
}

slurm_box_is_up() {
  ip netns list | awk '{print $1}' | grep -qx "$SLURM_NETNS"
}
