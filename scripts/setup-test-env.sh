#!/usr/bin/env bash
# Installs and starts what the tests need on a fresh machine, and does nothing where it is there:
# Debian's docker.io (the docker sandbox tests), docker-compose 1.29 (the compose end-to-end test),
# debootstrap (the offline images), chromium (browser tests), redis-server (the live-link
# scale-out tests), shellcheck (the deploy scripts' checks) and bubblewrap (the process
# sandbox's isolation).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v chromium >/dev/null || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v unzip >/dev/null || missing+=(unzip)
command -v bwrap >/dev/null || missing+=(bubblewrap)
if ((${#missing[@]})); then
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi

bash libs/sandbox/image/ensure-dockerd.sh
bash libs/sandbox/image/build-offline.sh
# Stand-ins for postgres:16 and redis:7-alpine, which the compose end-to-end test runs.
bash deploy/offline/build.sh
echo "test environment ready"
