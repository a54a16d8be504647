# The Forge API (REST, auth, Socket.IO, preview proxy) on Node 20, as the non-root user 10001.
#
#   docker build -f deploy/api.Dockerfile -t forge-api:local .
#
# Build arguments:
#   BASE_IMAGE  a Debian-based image with node 20 (and npm, for APP_BUILD=source) on PATH;
#               CI uses the base that libs/sandbox/image/build-offline.sh imports
#   APP_BUILD   source (default): npm install and tsc here, the repository as context;
#               prebuilt: the context was staged on the host by deploy/build-images.sh --prebuilt
#               (compiled, production node_modules), for machines whose builds reach no registry
# The same image runs the migrations: `node libs/db/dist/cli/migrate.js` (reads DATABASE_URL).
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
RUN node deploy/image/forge-image.mjs build "$APP_BUILD" apps/api

FROM ${BASE_IMAGE}
# git for "Push to git" and git imports (INSTALL_GIT=0: offline builds, where apt cannot reach a
# mirror; such an image answers GIT_UNAVAILABLE to them).
ARG INSTALL_GIT=1
# tini reaps orphans and forwards signals; the offline base has it already.
RUN set -eux; \
    if ! command -v tini >/dev/null 2>&1; then \
      apt-get update; \
      apt-get install -y --no-install-recommends tini; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    if [ "$INSTALL_GIT" = 1 ] && ! command -v git >/dev/null 2>&1; then \
      apt-get update; \
      apt-get install -y --no-install-recommends git ca-certificates; \
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
LABEL org.opencontainers.image.title="forge-api" \
      org.opencontainers.image.description="Forge API: REST, auth, Socket.IO and the preview proxy"
# Every interface: in a container, whoever connects (a published port, another container, a
# Service) comes from outside it. The preview proxy likewise (its app default is 127.0.0.1).
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3001 \
    PREVIEW_HOST=0.0.0.0 \
    PREVIEW_PORT=3004 \
    PUBLISH_HOST=0.0.0.0 \
    PUBLISH_PORT=3005
USER 10001:10001
EXPOSE 3001 3004 3005
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/deploy/healthcheck.mjs", "API_PORT", "3001", "/api/health"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "apps/api/dist/main.js"]
