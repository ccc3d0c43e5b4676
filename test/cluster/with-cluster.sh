#!/usr/bin/env bash
# Runs a command and then tears the cluster in a box down, however the command ends: success,
# failure, Ctrl-C, SIGTERM or SIGHUP.
#   test/cluster/with-cluster.sh [N [RATE]] -- command args...
# With N (and RATE) the cluster is brought up first (up.sh); without, the command brings it up
# itself (each cluster test file does). Not root: the command just runs (the tests then skip).
set -euo pipefail
here=$(dirname "$0")
up_args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do up_args+=("$1"); shift; done
[ "${1:-}" = -- ] || { echo "usage: with-cluster.sh [N [RATE]] -- command..." >&2; exit 2; }
shift
if [ "$(id -u)" -ne 0 ]; then exec "$@"; fi

child=
finish() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if command -v ip >/dev/null && command -v tc >/dev/null && command -v unshare >/dev/null; then "$here/down.sh" || status=1; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [ ${#up_args[@]} -gt 0 ]; then "$here/up.sh" "${up_args[@]}"; fi
# In the background, so that a signal to this script is handled at once (wait returns).
"$@" &
child=$!
wait "$child"
