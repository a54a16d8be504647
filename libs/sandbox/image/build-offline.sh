#!/usr/bin/env bash
# Builds the sandbox image (the same Dockerfile users build FROM node:20-bookworm-slim) on a
# machine that reaches no image registry, only Debian's mirror and the npm registry:
#   1. a minimal Debian bookworm rootfs from debootstrap (tarball cached under .data/),
#   2. plus this machine's node and bun binaries, imported as the base image,
#   3. the template's node_modules installed here with bun into a staging context,
#   4. `docker build` of the Dockerfile FROM that base with the legacy builder (no BuildKit,
#      which would try to fetch its own frontend image).
# Idempotent: does nothing when the image exists and its input hash label matches.
#
# Environment (all optional):
#   FORGE_SANDBOX_IMAGE       the image to build (default forge-sandbox:local)
#   FORGE_SANDBOX_BASE_IMAGE  the imported base (default forge-sandbox-base:local)
#   FORGE_SANDBOX_CACHE_DIR   where the rootfs tarball is kept (default <repo>/.data/sandbox-image)
#   FORGE_DEBIAN_MIRROR       Debian mirror (default: the first one apt uses here)
#   FORGE_NODE_BIN, FORGE_BUN_BIN  the binaries copied in (default: node on PATH, the repo's bun)
#   FORGE_SANDBOX_REBUILD=1   build even when the labels match
set -euo pipefail

started=$SECONDS
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sandbox_dir="$(dirname "$here")"
repo_dir="$(cd "$sandbox_dir/../.." && pwd)"
template_dir="$sandbox_dir/template"

image="${FORGE_SANDBOX_IMAGE:-forge-sandbox:local}"
base_image="${FORGE_SANDBOX_BASE_IMAGE:-forge-sandbox-base:local}"
cache_dir="${FORGE_SANDBOX_CACHE_DIR:-$repo_dir/.data/sandbox-image}"
node_bin="$(readlink -f "${FORGE_NODE_BIN:-$(command -v node)}")"
bun_bin="$(readlink -f "${FORGE_BUN_BIN:-$repo_dir/node_modules/bun/bin/bun.exe}")"
suite=bookworm
# tini reaps the processes that `docker exec` leaves behind; the rest is debootstrap's minbase.
debootstrap_include=tini

log() { echo "build-offline: [$((SECONDS - started)) s] $*"; }
fail() {
  echo "build-offline: ERROR: $*" >&2
  exit 1
}

debian_mirror() {
  if [ -n "${FORGE_DEBIAN_MIRROR:-}" ]; then
    echo "$FORGE_DEBIAN_MIRROR"
    return
  fi
  local uri
  # deb822 sources (URIs: ...) first, then one-line sources (deb URI SUITE ...).
  uri="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | grep -v security | head -n1 | awk '{print $2}')"
  if [ -z "$uri" ]; then
    uri="$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
      grep -v security | grep -E "[[:space:]]$suite[[:space:]]" | head -n1 | awk '{print $2}')"
  fi
  [ -n "$uri" ] || fail "no Debian mirror found in /etc/apt/sources.list*; set FORGE_DEBIAN_MIRROR"
  echo "$uri"
}

image_label() {
  docker image inspect "$1" --format "{{ index .Config.Labels \"$2\" }}" 2>/dev/null || true
}

# Hash of everything that goes into the final image, so a changed template, lockfile, Dockerfile
# or binary rebuilds it and an unchanged one is skipped.
template_files() {
  (cd "$template_dir" && find . \( -name node_modules -o -name dist -o -name .vite \) -prune -o -type f -print | LC_ALL=C sort)
}

for tool in docker debootstrap sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (apt-get install docker.io debootstrap)"
done
[ "$(id -u)" = 0 ] || fail "debootstrap and docker import need root"
[ -x "$node_bin" ] || fail "node not found at $node_bin (FORGE_NODE_BIN)"
[ -x "$bun_bin" ] || fail "bun not found at $bun_bin (FORGE_BUN_BIN; npm ci installs it)"
[ -f "$template_dir/bun.lock" ] || fail "the template's lockfile $template_dir/bun.lock is missing"

"$here/ensure-dockerd.sh"

# Parallel callers (test files) build once: the others wait here, then find the image up to date.
mkdir -p "$cache_dir"
exec 9>"$cache_dir/build.lock"
flock 9

node_version="$("$node_bin" --version)"
bun_version="$("$bun_bin" --version)"
base_hash="$(printf '%s\n' "$suite" "$debootstrap_include" "$(sha256sum "$node_bin" "$bun_bin")" | sha256sum | cut -c1-16)"
template_lock="$(sha256sum "$template_dir/bun.lock" | cut -c1-16)"
inputs_hash="$(
  {
    echo "$base_hash"
    sha256sum "$here/Dockerfile" "$here/warm-vite-cache.mjs"
    template_files | (cd "$template_dir" && xargs -d '\n' sha256sum)
  } | sha256sum | cut -c1-16
)"

if [ "${FORGE_SANDBOX_REBUILD:-0}" != 1 ] &&
  [ "$(image_label "$image" forge.sandbox-inputs)" = "$inputs_hash" ] &&
  [ "$(image_label "$image" forge.template-lock)" = "$template_lock" ]; then
  log "$image is up to date (inputs $inputs_hash, template lock $template_lock)"
  exit 0
fi

work="$(mktemp -d /tmp/forge-sandbox-build.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if [ "$(image_label "$base_image" forge.base-inputs)" != "$base_hash" ]; then
  mkdir -p "$cache_dir"
  rootfs_tar="$cache_dir/debian-$suite-minbase-${debootstrap_include//,/-}.tar"
  if [ ! -s "$rootfs_tar" ]; then
    mirror="$(debian_mirror)"
    log "debootstrap --variant=minbase $suite from $mirror"
    debootstrap --variant=minbase --include="$debootstrap_include" "$suite" "$work/debootstrap" "$mirror" \
      >"$work/debootstrap.log" 2>&1 || {
      tail -n 30 "$work/debootstrap.log" >&2
      fail "debootstrap failed (log above)"
    }
    # The downloaded packages and package lists are not needed in an image.
    rm -rf "$work/debootstrap/var/cache/apt/archives/"*.deb "$work/debootstrap/var/lib/apt/lists/"*
    tar -C "$work/debootstrap" -cf "$rootfs_tar.partial" .
    mv "$rootfs_tar.partial" "$rootfs_tar"
    rm -rf "$work/debootstrap"
    log "rootfs cached at $rootfs_tar"
  else
    log "rootfs from the cache: $rootfs_tar"
  fi
  mkdir "$work/rootfs"
  tar -C "$work/rootfs" -xf "$rootfs_tar"
  install -m 0755 "$node_bin" "$work/rootfs/usr/local/bin/node"
  install -m 0755 "$bun_bin" "$work/rootfs/usr/local/bin/bun"
  ln -sf bun "$work/rootfs/usr/local/bin/bunx"
  # Both binaries must run on the rootfs' own libraries: a missing one shows up here, not later.
  chroot "$work/rootfs" /usr/local/bin/node --version >/dev/null || fail "node does not run in the Debian $suite rootfs"
  chroot "$work/rootfs" /usr/local/bin/bun --version >/dev/null || fail "bun does not run in the Debian $suite rootfs"
  log "importing $base_image (node $node_version, bun $bun_version)"
  tar -C "$work/rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL forge.base-inputs=$base_hash" \
    --change 'CMD ["bash"]' \
    - "$base_image" >/dev/null
  rm -rf "$work/rootfs"
else
  log "$base_image is up to date (inputs $base_hash)"
fi

# The build context mirrors libs/sandbox (image/ and template/), with node_modules installed here.
log "installing the template's dependencies with bun $bun_version into the staging context"
mkdir -p "$work/context/image" "$work/context/template"
cp "$here/Dockerfile" "$here/warm-vite-cache.mjs" "$work/context/image/"
template_files | (cd "$template_dir" && xargs -d '\n' cp --parents -t "$work/context/template")
(cd "$work/context/template" && "$bun_bin" install --frozen-lockfile >"$work/bun-install.log" 2>&1) || {
  cat "$work/bun-install.log" >&2
  fail "bun install of the template failed (log above)"
}

log "docker build $image FROM $base_image"
DOCKER_BUILDKIT=0 docker build \
  --build-arg "BASE_IMAGE=$base_image" \
  --build-arg TEMPLATE_DEPS=staged \
  --label "forge.sandbox-inputs=$inputs_hash" \
  --label "forge.template-lock=$template_lock" \
  --force-rm \
  -f "$work/context/image/Dockerfile" -t "$image" "$work/context" >"$work/docker-build.log" 2>&1 || {
  tail -n 60 "$work/docker-build.log" >&2
  fail "docker build failed (log above)"
}
# The image this build replaced, if any, is now untagged.
docker image prune --force --filter "label=forge.sandbox-inputs" >/dev/null || true
size="$(docker image inspect "$image" --format '{{.Size}}')"
log "built $image ($((size / 1024 / 1024)) MB, inputs $inputs_hash) in $((SECONDS - started)) s"
