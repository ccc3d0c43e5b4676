# Names shared by the cluster-in-a-box scripts (sourced, not run).
# Every namespace is called $CLUSTER_PREFIX-<name>; every address is in $CLUSTER_RANGE, a private
# range that nothing on this machine should use (up.sh refuses to start if something does).
CLUSTER_PREFIX=${MPITORRENT_CLUSTER_PREFIX:-mptc}
CLUSTER_NET=${MPITORRENT_CLUSTER_NET:-10.213.57}
CLUSTER_RANGE=$CLUSTER_NET.0/24
CLUSTER_STATE=${MPITORRENT_CLUSTER_STATE:-/tmp/mpitorrent-cluster}
CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The namespaces of the cluster that exist now, one per line.
cluster_namespaces() {
  ip netns list | awk '{print $1}' | grep -E "^$CLUSTER_PREFIX-(sw|head|node[0-9]+)\$" || true
}

need_root() {
  if [ "$(id -u)" -ne 0 ]; then echo "$(basename "$0"): needs root (ip netns, tc, unshare --uts)" >&2; exit 1; fi
  local tool
  for tool in ip tc unshare; do
    command -v "$tool" >/dev/null || { echo "$(basename "$0"): needs $tool" >&2; exit 1; }
  done
}
