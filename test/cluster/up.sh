#!/usr/bin/env bash
# Brings up a cluster in a box: N "nodes" as network namespaces on one bridge, every NIC capped
# in both directions, and a head namespace for mpirun.
#
#   test/cluster/up.sh N [RATE]      RATE: a tc rate such as 1gbit or 100mbit (default), or none
#                                    BURST (env): tbf bucket size (default 256kb at >= 1gbit, else 32kb)
#   test/cluster/mpirun.sh -np 4 node dist/main.js      then run jobs on it
#   test/cluster/down.sh                                and take it down (also after a failure)
#
# Layout (nothing is added to the root namespace but one blackhole route):
#   $P-sw     bridge br0, and the switch ports v-head, v-node1..v-nodeN
#   $P-head   eth0 <net>.10   runs mpirun only, no ranks
#   $P-nodeI  eth0 <net>.(10+I)
# The bridge lives in its own namespace with no link to the root namespace, no namespace has a
# default route, and the root namespace blackholes the range while the cluster is up: packets of
# the test range cannot leave the machine. If bring-up fails half way, everything is torn down.
set -euo pipefail
source "$(dirname "$0")/env.sh"
need_root

N=${1:?usage: up.sh N [RATE]}
RATE=${2:-100mbit}
if ! [[ $N =~ ^[0-9]+$ ]] || [ "$N" -lt 1 ] || [ "$N" -gt 200 ]; then echo "up.sh: N must be 1..200, not $N" >&2; exit 2; fi
if [ "$RATE" != none ] && ! [[ $RATE =~ ^[0-9]+([kmg]?bit|[kmg]?bps)$ ]]; then
  echo "up.sh: RATE must be a tc rate such as 1gbit or 100mbit, or none; not $RATE" >&2; exit 2
fi
case $RATE in *gbit) default_burst=256kb ;; *) default_burst=32kb ;; esac
BURST=${BURST:-$default_burst}

if [ -n "$(cluster_namespaces)" ]; then
  echo "up.sh: a cluster is already up ($(cluster_namespaces | tr '\n' ' ')): run test/cluster/down.sh first" >&2
  exit 1
fi
# The range must be unused here: no address or route of the root namespace may touch it.
if ip -4 route show to match "$CLUSTER_NET.1" | grep -v '^default' | grep -q . ||
   ip -4 route show root "$CLUSTER_RANGE" | grep -q . ||
   ip -4 -o addr show | grep -q " $CLUSTER_NET\."; then
  echo "up.sh: $CLUSTER_RANGE is in use on this machine (ip route / ip addr): choose another with MPITORRENT_CLUSTER_NET" >&2
  exit 1
fi

trap 'status=$?; if [ $status -ne 0 ]; then echo "up.sh: bring-up failed, tearing down" >&2; "$CLUSTER_DIR/down.sh"; fi; exit $status' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# From here on, a mistake in the cluster drops packets in the root namespace instead of routing them.
ip route add blackhole "$CLUSTER_RANGE"

SW=$CLUSTER_PREFIX-sw
ip netns add "$SW"
ip -n "$SW" link set lo up
ip netns exec "$SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$SW" link add br0 type bridge
ip -n "$SW" link set br0 up

cap() {  # namespace device
  [ "$RATE" = none ] || ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "$RATE" burst "$BURST" latency 20ms
}

add_node() {  # name address
  local ns=$CLUSTER_PREFIX-$1
  ip netns add "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
  # Both ends are created directly inside the namespaces: the root namespace never holds them.
  ip link add eth0 netns "$ns" type veth peer name "v-$1" netns "$SW"
  ip -n "$ns" addr add "$2/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$SW" link set "v-$1" master br0
  ip -n "$SW" link set "v-$1" up
  cap "$ns" eth0          # uplink
  cap "$SW" "v-$1"        # downlink
}

add_node head "$CLUSTER_NET.10"
for i in $(seq 1 "$N"); do add_node "node$i" "$CLUSTER_NET.$((10 + i))"; done

for ns in $(cluster_namespaces); do
  if [ -n "$(ip -n "$ns" route show default)" ]; then echo "up.sh: $ns has a default route" >&2; exit 1; fi
done

mkdir -p "$CLUSTER_STATE"
: > "$CLUSTER_STATE/hostfile"
for i in $(seq 1 "$N"); do echo "node$i slots=${SLOTS:-1}" >> "$CLUSTER_STATE/hostfile"; done
printf 'nodes=%s\nrate=%s\nburst=%s\n' "$N" "$RATE" "$BURST" > "$CLUSTER_STATE/info"
echo "up.sh: $N nodes on $CLUSTER_RANGE, links $RATE (namespaces $CLUSTER_PREFIX-*, hostfile $CLUSTER_STATE/hostfile)"
