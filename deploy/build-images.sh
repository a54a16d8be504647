#!/usr/bin/env bash
# Builds the Forge images: forge-api, forge-agent-runner, forge-web (tag "local" by default).
#
#   deploy/build-images.sh [--prebuilt | --offline] [api] [agent-runner] [web]
#
#   (default)   docker build from the repository: npm install, tsc and ng build inside the build stage
#               (the build reaches the npm registry and the base image's registry)
#   --prebuilt  builds here first (tsc -b, ng build), stages each app's files and production
#               node_modules from this checkout's node_modules, and builds from that staged context
#               with APP_BUILD=prebuilt: no registry is used inside the build
#   --offline   --prebuilt on the base image libs/sandbox/image/build-offline.sh imports
#               (debootstrap + this machine's node), with the legacy builder: no registry at all
#
# Environment (all optional):
#   FORGE_IMAGE_TAG       tag of the images (default local)
#   FORGE_IMAGE_PREFIX    name prefix (default forge-: forge-api, forge-agent-runner, forge-web)
#   FORGE_BASE_IMAGE      BASE_IMAGE build argument (default node:20-bookworm-slim;
#                         with --offline: $FORGE_SANDBOX_BASE_IMAGE or forge-sandbox-base:local)
#   FORGE_IMAGE_CONTEXTS  where staged contexts go (default <repo>/.data/image-contexts)
set -euo pipefail

started=$SECONDS
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sandbox_image_dir="$repo/libs/sandbox/image"
tag="${FORGE_IMAGE_TAG:-local}"
prefix="${FORGE_IMAGE_PREFIX:-forge-}"
contexts="${FORGE_IMAGE_CONTEXTS:-$repo/.data/image-contexts}"

log() { echo "build-images: [$((SECONDS - started)) s] $*"; }
fail() {
  echo "build-images: ERROR: $*" >&2
  exit 1
}

mode=source
apps=()
for arg in "$@"; do
  case "$arg" in
    --prebuilt) mode=prebuilt ;;
    --offline) mode=offline ;;
    api | agent-runner | web) apps+=("$arg") ;;
    *) fail "unknown argument '$arg' (use --prebuilt, --offline, api, agent-runner, web)" ;;
  esac
done
[ ${#apps[@]} -gt 0 ] || apps=(api agent-runner web)

command -v docker >/dev/null 2>&1 || fail "docker is not installed"
cd "$repo"

extra_args=()
if [ "$mode" = offline ]; then
  # Starts dockerd when none answers, then imports the base and builds the sandbox image
  # (idempotent: skipped when both are up to date).
  "$sandbox_image_dir/build-offline.sh"
  base="${FORGE_BASE_IMAGE:-${FORGE_SANDBOX_BASE_IMAGE:-forge-sandbox-base:local}}"
  # The legacy builder: BuildKit would fetch its own frontend image.
  export DOCKER_BUILDKIT=0
  # No Debian mirror offline: the API image goes without git unless the base has it.
  extra_args=(--build-arg INSTALL_GIT=0)
else
  base="${FORGE_BASE_IMAGE:-node:20-bookworm-slim}"
fi

# Parallel callers (test files) take turns: they stage into the same context folders, and a
# context rewritten while docker reads it breaks the other build ("missed writing N bytes").
mkdir -p "$contexts"
exec 8>"$contexts/.build.lock"
flock 8

if [ "$mode" != source ]; then
  node_apps=()
  for app in "${apps[@]}"; do [ "$app" = web ] || node_apps+=("apps/$app"); done
  if [ ${#node_apps[@]} -gt 0 ]; then
    log "tsc -b ${node_apps[*]}"
    npx tsc -b "${node_apps[@]}"
  fi
  if [[ " ${apps[*]} " == *" web "* ]] && [ ! -f apps/web/dist/browser/index.html ]; then
    log "ng build (apps/web/dist/browser is missing)"
    NG_CLI_ANALYTICS=false npm run build -w @forge/web
  fi
fi

for app in "${apps[@]}"; do
  image="${prefix}${app}:${tag}"
  dockerfile="$repo/deploy/$app.Dockerfile"
  if [ "$mode" = source ]; then
    log "docker build $image from the repository (BASE_IMAGE=$base)"
    docker build -f "$dockerfile" --build-arg "BASE_IMAGE=$base" "${extra_args[@]}" -t "$image" "$repo"
  else
    context="$contexts/$app"
    log "staging apps/$app into $context"
    node deploy/image/forge-image.mjs prebuilt-context "$repo" "apps/$app" "$context"
    log "docker build $image from the staged context (BASE_IMAGE=$base, APP_BUILD=prebuilt)"
    docker build -f "$dockerfile" --build-arg "BASE_IMAGE=$base" --build-arg APP_BUILD=prebuilt "${extra_args[@]}" \
      --force-rm -t "$image" "$context"
  fi
  # The image this build replaced, if any, is now untagged.
  docker image prune --force --filter "label=org.opencontainers.image.title=${prefix}${app}" >/dev/null || true
  size="$(docker image inspect "$image" --format '{{.Size}}')"
  log "built $image ($((size / 1024 / 1024)) MB)"
done
log "done"
