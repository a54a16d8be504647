#!/usr/bin/env bash
# Forge on a local Kubernetes: a kind cluster from kind-config.yaml, the images built here and
# loaded into its node, the Helm chart installed, then a wait until the UI answers.
#
#   deploy/kind-up.sh [--offline]       # then open http://localhost:3000
#
#   --offline   build the images with deploy/build-images.sh --offline (no registry at all);
#               the cluster itself still pulls postgres:16 unless the node has it
#
# Needs docker, kind, kubectl and helm (3.8+ or 4) on PATH. Idempotent: an existing cluster is
# reused, the images are rebuilt and reloaded, and the release is upgraded.
#
# Environment (all optional):
#   KIND_CLUSTER_NAME    the cluster (default forge, as in kind-config.yaml)
#   FORGE_NAMESPACE      the release's namespace (default forge)
#   FORGE_IMAGE_TAG      the images' tag (default local)
#   FORGE_UI_TIMEOUT_SECONDS  how long to wait for the UI (default 600)
#   FORGE_SKIP_BUILD=1   load the images as they are, without building them
set -euo pipefail

started=$SECONDS
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cluster="${KIND_CLUSTER_NAME:-forge}"
namespace="${FORGE_NAMESPACE:-forge}"
tag="${FORGE_IMAGE_TAG:-local}"
ui_timeout="${FORGE_UI_TIMEOUT_SECONDS:-600}"
ui_url="http://localhost:3000"
values="$repo/deploy/kind-values.yaml"

log() { echo "kind-up: [$((SECONDS - started)) s] $*"; }
fail() {
  echo "kind-up: ERROR: $*" >&2
  exit 1
}

build_mode=()
for arg in "$@"; do
  case "$arg" in
    --offline) build_mode=(--offline) ;;
    *) fail "unknown argument '$arg' (use --offline)" ;;
  esac
done

for tool in docker kind kubectl helm curl; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (docs/deploy.md, section 3)"
done
docker info >/dev/null 2>&1 || fail "the Docker engine does not answer"

# 1. The images: the app images and the sandbox image each project's Pod runs.
images=("forge-api:$tag" "forge-agent-runner:$tag" "forge-web:$tag" "forge-sandbox:$tag")
if [ "${FORGE_SKIP_BUILD:-0}" != 1 ]; then
  log "building the images (deploy/build-images.sh ${build_mode[*]})"
  FORGE_IMAGE_TAG="$tag" "$repo/deploy/build-images.sh" "${build_mode[@]}"
  if [ ${#build_mode[@]} -gt 0 ]; then
    FORGE_SANDBOX_IMAGE="forge-sandbox:$tag" "$repo/libs/sandbox/image/build-offline.sh"
  else
    docker build -f "$repo/libs/sandbox/image/Dockerfile" -t "forge-sandbox:$tag" "$repo/libs/sandbox"
  fi
fi
for image in "${images[@]}"; do
  docker image inspect "$image" >/dev/null 2>&1 || fail "image $image is missing (run without FORGE_SKIP_BUILD)"
done

# 2. The cluster, and the images copied into its node.
if kind get clusters 2>/dev/null | grep -qx "$cluster"; then
  log "kind cluster $cluster exists: reusing it"
else
  log "creating kind cluster $cluster from kind-config.yaml"
  kind create cluster --name "$cluster" --config "$repo/kind-config.yaml" --wait 120s
fi
kubectl config use-context "kind-$cluster" >/dev/null
log "kind load docker-image ${images[*]}"
kind load docker-image --name "$cluster" "${images[@]}"

# 3. Forge: install or upgrade the chart, with the values for this cluster.
existed=0
helm status forge --namespace "$namespace" >/dev/null 2>&1 && existed=1
log "helm upgrade --install forge ./helm/forge (namespace $namespace, values deploy/kind-values.yaml)"
helm upgrade --install forge "$repo/helm/forge" --namespace "$namespace" --create-namespace \
  -f "$values" --set "images.api.tag=$tag" --set "images.agentRunner.tag=$tag" \
  --set "images.web.tag=$tag" --set "images.sandbox.tag=$tag"
# Reloaded images under the same tag: the pods of an earlier install must start again to use them.
if [ "$existed" = 1 ]; then
  kubectl -n "$namespace" rollout restart deployment/forge-api deployment/forge-web \
    statefulset/forge-agent-runner
fi

# 4. Wait for the UI, through the port kind-config.yaml maps (NodePort 30000 → localhost:3000).
log "waiting up to $ui_timeout s for $ui_url (kubectl -n $namespace get pods to watch)"
deadline=$((SECONDS + ui_timeout))
until curl -fsS -o /dev/null --max-time 5 "$ui_url/" && curl -fsS -o /dev/null --max-time 5 "$ui_url/api/health"; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    kubectl -n "$namespace" get pods >&2 || true
    fail "the UI did not answer at $ui_url within $ui_timeout s (FORGE_UI_TIMEOUT_SECONDS); see kubectl -n $namespace get pods and kubectl -n $namespace logs deploy/forge-api"
  fi
  sleep 5
done
log "Forge is up: open $ui_url (previews: http://<project>.preview.localhost:3004)"
