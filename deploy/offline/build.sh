#!/usr/bin/env bash
# Builds stand-ins for the postgres and redis images docker-compose.yml runs, from Debian's
# packages on the base libs/sandbox/image/build-offline.sh imports (debootstrap + node), with the
# legacy builder: for machines whose builds reach Debian's mirror but no image registry (CI).
#
#   deploy/offline/build.sh            # forge-postgres:local and forge-redis:local
#   POSTGRES_IMAGE=forge-postgres:local REDIS_IMAGE=forge-redis:local docker-compose up -d
#
# Idempotent: an image whose input hash label matches is kept.
# Environment (all optional):
#   FORGE_POSTGRES_IMAGE      default forge-postgres:local
#   FORGE_REDIS_IMAGE         default forge-redis:local
#   FORGE_SANDBOX_BASE_IMAGE  the base (default forge-sandbox-base:local, built when missing)
set -euo pipefail

started=$SECONDS
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
base="${FORGE_SANDBOX_BASE_IMAGE:-forge-sandbox-base:local}"

log() { echo "build-offline-services: [$((SECONDS - started)) s] $*"; }
fail() {
  echo "build-offline-services: ERROR: $*" >&2
  exit 1
}
label() { docker image inspect "$1" --format "{{ index .Config.Labels \"$2\" }}" 2>/dev/null || true; }

command -v docker >/dev/null 2>&1 || fail "docker is not installed"
if ! docker image inspect "$base" >/dev/null 2>&1; then
  log "$base is missing: building it with libs/sandbox/image/build-offline.sh"
  "$repo/libs/sandbox/image/build-offline.sh"
fi
# The base's own input hash (build-offline.sh's label): a re-import of the same rootfs and
# binaries does not rebuild these; one without the label counts by its id.
base_inputs="$(label "$base" forge.base-inputs)"
[ -n "$base_inputs" ] || base_inputs="$(docker image inspect "$base" --format '{{.Id}}')"

build() {
  local name="$1" image="$2" inputs
  inputs="$({
    echo "$base_inputs"
    sha256sum "$here/$name.Dockerfile" "$here/$name-entrypoint.sh"
  } | sha256sum | cut -c1-16)"
  if [ "$(label "$image" forge.offline-inputs)" = "$inputs" ]; then
    log "$image is up to date (inputs $inputs)"
    return
  fi
  log "docker build $image FROM $base"
  local build_log
  build_log="$(mktemp)"
  DOCKER_BUILDKIT=0 docker build --build-arg "BASE_IMAGE=$base" \
    --label "forge.offline-inputs=$inputs" --force-rm \
    -f "$here/$name.Dockerfile" -t "$image" "$here" >"$build_log" 2>&1 || {
    tail -n 40 "$build_log" >&2
    rm -f "$build_log"
    fail "docker build of $image failed (log above)"
  }
  rm -f "$build_log"
  docker image prune --force --filter "label=org.opencontainers.image.title=forge-$name" >/dev/null || true
  log "built $image ($(($(docker image inspect "$image" --format '{{.Size}}') / 1024 / 1024)) MB)"
}

build postgres "${FORGE_POSTGRES_IMAGE:-forge-postgres:local}"
build redis "${FORGE_REDIS_IMAGE:-forge-redis:local}"
log "done"
