#!/usr/bin/env bash
# Runs a command and then stops Slurm in a box (down.sh), however the command ends: success,
# failure, Ctrl-C, SIGTERM or SIGHUP. The command starts Slurm itself (the test file does).
#   test/slurm/with-slurm.sh -- command args...
# Not root: the command just runs (the tests then skip).
set -euo pipefail
here=$(dirname "$0")
[ "${1:-}" = -- ] || { echo "usage: with-slurm.sh -- command..." >&2; exit 2; }
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
  if command -v slurmd >/dev/null; then "$here/down.sh" || status=1; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# In the background, so that a signal to this script is handled at once (wait returns).
"$@" &
child=$!
wait "$child"
