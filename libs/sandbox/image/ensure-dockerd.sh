#!/usr/bin/env bash
# Makes sure a Docker engine answers, starting dockerd in the background when none does.
# The sandbox provider wants the overlay2 storage driver: with vfs every container is a full copy
# of the image (about 4 s and 770 MB each). Idempotent: does nothing when `docker info` works.
#
# Environment:
#   FORGE_DOCKERD_LOG      where dockerd writes its log (default /var/log/forge-dockerd.log)
#   FORGE_DOCKERD_WAIT_S   how long to wait for the engine to answer (default 60)
set -euo pipefail

LOG_FILE="${FORGE_DOCKERD_LOG:-/var/log/forge-dockerd.log}"
WAIT_S="${FORGE_DOCKERD_WAIT_S:-60}"

engine_answers() { docker info >/dev/null 2>&1; }

# Two callers at once (parallel test files) would start two daemons: the second waits here.
exec 9>"${TMPDIR:-/tmp}/forge-ensure-dockerd.lock"
flock 9

warn_unless_overlay2() {
  local driver
  driver="$(docker info --format '{{.Driver}}' 2>/dev/null || true)"
  if [ "$driver" != "overlay2" ]; then
    echo "ensure-dockerd: WARNING: the Docker storage driver is '${driver}', not overlay2;" \
      "sandbox containers will be slow to create and use far more disk" >&2
  fi
}

if engine_answers; then
  warn_unless_overlay2
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "ensure-dockerd: dockerd is not installed (apt-get install docker.io)" >&2
  exit 1
fi
if [ "$(id -u)" != "0" ]; then
  echo "ensure-dockerd: the engine does not answer and only root can start dockerd" >&2
  exit 1
fi

mkdir -p "$(dirname "$LOG_FILE")"
echo "ensure-dockerd: starting dockerd (log: ${LOG_FILE})"
# setsid: dockerd outlives this script and the shell or test runner that called it; it must not
# inherit the lock (fd 9), or the next caller would wait for as long as dockerd runs.
setsid dockerd --storage-driver=overlay2 >>"$LOG_FILE" 2>&1 </dev/null 9>&- &

for _ in $(seq 1 "$((WAIT_S * 4))"); do
  if engine_answers; then
    warn_unless_overlay2
    echo "ensure-dockerd: the engine answers"
    exit 0
  fi
  sleep 0.25
done
echo "ensure-dockerd: dockerd did not answer within ${WAIT_S} s (FORGE_DOCKERD_WAIT_S); last log lines:" >&2
tail -n 30 "$LOG_FILE" >&2 || true
exit 1
