#!/usr/bin/env bash
# Starts a one-node Slurm (22.05, as Debian 12 ships it) without systemd and without touching
# /etc: its own munged (own key and socket), slurmctld and slurmd, all in $SLURM_BOX and in a
# network namespace of their own (see env.sh). Then run Slurm commands through slurm.sh:
#   test/slurm/up.sh [CPUS]        CPUS: CPUs the node declares (default 16; more than the machine
#                                  has is fine: slurmd is told to accept it)
#   test/slurm/slurm.sh sbatch --ntasks=4 job.sh
#   test/slurm/down.sh             (also after a failure)
set -euo pipefail
source "$(dirname "$0")/env.sh"
need_root
CPUS=${1:-16}

if slurm_box_is_up; then echo "up.sh: Slurm in a box is already up: run test/slurm/down.sh first" >&2; exit 1; fi
trap 'status=$?; if [ $status -ne 0 ]; then echo "up.sh: start failed (logs: $SLURM_BOX/log), stopping" >&2; cp -r "$SLURM_BOX/log" "$SLURM_BOX.failed-log" 2>/dev/null || true; "$SLURM_BOX_DIR/down.sh"; fi; exit $status' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$SLURM_BOX" "$SLURM_BOX.failed-log"
mkdir -p "$SLURM_BOX"/{etc,state,spool,log,run,munge}
ip netns add "$SLURM_NETNS"
ip -n "$SLURM_NETNS" link set lo up
# Slurm's daemons look up their listening address with AI_ADDRCONFIG, which finds nothing when
# loopback is the only interface: give the namespace a veth pair of its own (both ends inside,
# linked to nothing) with an address that only it knows.
ip -n "$SLURM_NETNS" link add box0 type veth peer name box1
ip -n "$SLURM_NETNS" addr add 10.213.58.1/32 dev box0
ip -n "$SLURM_NETNS" link set box0 up
# nsenter, not `ip netns exec`: that one remounts /sys, which hides the cgroup mount slurmd needs.
in_box() { nsenter --net="/run/netns/$SLURM_NETNS" "$@"; }

# munge: a key of our own; munged runs as the munge user, which must own its files.
dd if=/dev/urandom of="$SLURM_BOX/munge/munge.key" bs=1 count=1024 status=none
chmod 711 "$SLURM_BOX/munge"   # others may reach the socket, not list the folder
chmod 400 "$SLURM_BOX/munge/munge.key"
chown -R munge:munge "$SLURM_BOX/munge"
MUNGE_SOCKET=$SLURM_BOX/munge/munge.socket
in_box runuser -u munge -- munged --key-file="$SLURM_BOX/munge/munge.key" --socket="$MUNGE_SOCKET" \
  --pid-file="$SLURM_BOX/munge/munged.pid" --log-file="$SLURM_BOX/munge/munged.log" \
  --seed-file="$SLURM_BOX/munge/munged.seed"

host=$(hostname -s)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
cat > "$SLURM_CONF" <<CONF
ClusterName=mpitorrent-ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$SLURM_BOX/state
SlurmdSpoolDir=$SLURM_BOX/spool
SlurmctldPidFile=$SLURM_BOX/run/slurmctld.pid
SlurmdPidFile=$SLURM_BOX/run/slurmd.pid
SlurmctldLogFile=$SLURM_BOX/log/slurmctld.log
SlurmdLogFile=$SLURM_BOX/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# Sites differ: srun must name its MPI plugin (--mpi=pmix), as examples/slurm.sbatch does.
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$SLURM_BOX/log/jobcomp.txt
ReturnToService=2
MailProg=/bin/true
SlurmdParameters=config_overrides
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF

in_box slurmctld -f "$SLURM_CONF"
in_box slurmd -f "$SLURM_CONF"
for _ in $(seq 1 100); do
  in_box sinfo -h -o %t 2>/dev/null | grep -qx idle && { echo "up.sh: Slurm is up (node $host, $CPUS CPUs; SLURM_CONF=$SLURM_CONF)"; exit 0; }
  sleep 0.2
done
echo "up.sh: the node did not become idle within 20 s" >&2
exit 1
