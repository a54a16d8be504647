# The Forge agent-runner (agents, LLM calls, sandboxes) on Node 20, as the non-root user 10001.
#
#   docker build -f deploy/agent-runner.Dockerfile -t forge-agent-runner:local .
#
# Build arguments: BASE_IMAGE and APP_BUILD, as in deploy/api.Dockerfile.
# Sandbox providers from inside this image:
#   docker      mount the engine's socket (/var/run/docker.sock) and add the socket's group id to
#               the container (compose: group_add: [DOCKER_GID]); that access is root on the host
#   kubernetes  a ServiceAccount allowed to manage pods in the sandbox namespace (k8s/, helm/)
#   process     not meant for containers: the sandboxes would share the runner's own
ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS sources
WORKDIR /src
COPY . .
RUN node deploy/image/forge-image.mjs manifests . /manifests

# The dependencies, from the manifests alone: this layer is reused while only sources change.
FROM ${BASE_IMAGE} AS deps
ARG APP_BUILD=source
WORKDIR /src
COPY --from=sources /manifests/ ./
RUN if [ "$APP_BUILD" = source ]; then npm install --no-audit --no-fund; fi

FROM sources AS build
ARG APP_BUILD=source
COPY --from=deps /src/ ./
# tsc -b for the app and the libs it references, then only those and their production packages.
RUN node deploy/image/forge-image.mjs build "$APP_BUILD" apps/agent-runner

FROM ${BASE_IMAGE}
# tini reaps orphans and forwards signals; the offline base has it already.
RUN set -eux; \
    if ! command -v tini >/dev/null 2>&1; then \
      apt-get update; \
      apt-get install -y --no-install-recommends tini; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --gid 10001 forge; \
    useradd --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin forge
WORKDIR /app
# Packages first, code second: a change of code alone leaves the packages' layer as it was.
COPY --from=build /src/app/node_modules/ ./node_modules/
COPY --from=build /src/app/package.json ./
COPY --from=build /src/app/libs/ ./libs/
COPY --from=build /src/app/apps/ ./apps/
COPY --from=build /src/app/deploy/ ./deploy/
LABEL org.opencontainers.image.title="forge-agent-runner" \
      org.opencontainers.image.description="Forge agent-runner: agents, LLM calls and sandboxes"
ENV NODE_ENV=production \
    RUNNER_HOST=0.0.0.0 \
    RUNNER_PORT=3002
USER 10001:10001
EXPOSE 3002
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/deploy/healthcheck.mjs", "RUNNER_PORT", "3002", "/api/health"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "apps/agent-runner/dist/main.js"]
