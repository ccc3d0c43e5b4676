#!/usr/bin/env bash
# Tears the cluster in a box down: ends every process in its namespaces, deletes the namespaces
# (which deletes their veths, the bridge and the qdiscs), the root namespace's blackhole route for
# the test range and the state folder. Safe to run any number of times, also when nothing is up.
set -euo pipefail
source "$(dirname "$0")/env.sh"
need_root

namespaces=$(cluster_namespaces)
for ns in $namespaces; do
  pids=$(ip netns pids "$ns" || true)
  [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
done
for ns in $namespaces; do
  # A namespace whose processes are still exiting may refuse once: retry briefly.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    ip netns del "$ns" 2>/dev/null && break
    sleep 0.1
  done
done
while ip route show table main type blackhole | grep -q "^blackhole $CLUSTER_RANGE\b"; do
  ip route del blackhole "$CLUSTER_RANGE"
done
rm -rf "$CLUSTER_STATE"

left=$(cluster_namespaces)
if [ -n "$left" ]; then echo "down.sh: could not delete namespaces: $left" >&2; exit 1; fi
