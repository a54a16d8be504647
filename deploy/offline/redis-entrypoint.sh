#!/bin/bash
# As the official redis image: `redis-server` without a config file listens on every interface
# with protected mode off (the container's network is the boundary).
set -euo pipefail
if [ "${1:-}" = redis-server ] && [[ "${2:-}" != *.conf ]]; then
  shift
  exec redis-server --bind '*' --protected-mode no "$@"
fi
exec "$@"
