#!/usr/bin/env bash
# Stops Slurm in a box: every process in its namespace (slurmd, slurmctld, munged, job steps),
# then the namespace and $SLURM_BOX. Safe to run any number of times, also when nothing is up.
set -euo pipefail
source "$(dirname "$0")/env.sh"
need_root

if slurm_box_is_up; then
  # Politely first (the daemons save their state), then for good.
  pids=$(ip netns pids "$SLURM_NETNS" || true)
  [ -z "$pids" ] || kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 30); do
    [ -z "$(ip netns pids "$SLURM_NETNS" || true)" ] && break
    sleep 0.1
  done
  pids=$(ip netns pids "$SLURM_NETNS" || true)
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  for _ in $(seq 1 20); do
    ip netns del "$SLURM_NETNS" 2>/dev/null && break
    sleep 0.1
  done
fi
rm -rf "$SLURM_BOX"
if slurm_box_is_up; then echo "down.sh: could not delete namespace $SLURM_NETNS" >&2; exit 1; fi
