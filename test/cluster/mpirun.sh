#!/usr/bin/env bash
# Runs Open MPI's mpirun as a job on the cluster in a box (test/cluster/up.sh):
#   test/cluster/mpirun.sh -np 4 --map-by node node dist/main.js
# mpirun runs in the head namespace, starts its daemons through netns-rsh (no ssh), takes the
# nodes from the cluster's hostfile, and its daemons and the ranks' TCP use the test range only.
# Arguments go to mpirun as they are (add `--mca btl tcp,self` for TCP even within a node).
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [ ! -f "$CLUSTER_STATE/hostfile" ] || ! cluster_namespaces | grep -qx "$CLUSTER_PREFIX-head"; then
  echo "mpirun.sh: no cluster is up: run test/cluster/up.sh N first" >&2
  exit 1
fi
exec ip netns exec "$CLUSTER_PREFIX-head" mpirun \
  --hostfile "$CLUSTER_STATE/hostfile" \
  --mca plm_rsh_agent "$CLUSTER_DIR/netns-rsh" --mca plm_rsh_no_tree_spawn 1 \
  --mca oob_tcp_if_include "$CLUSTER_RANGE" --mca btl_tcp_if_include "$CLUSTER_RANGE" \
  "$@"
