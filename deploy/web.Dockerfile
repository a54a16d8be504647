# The Forge web app: Angular's static build served by a small Node server that also passes /api
# and /socket.io (websockets included) to API_URL, as `npm start` does. Non-root user 10001.
#
#   docker build -f deploy/web.Dockerfile -t forge-web:local .
#
# Build arguments: BASE_IMAGE and APP_BUILD, as in deploy/api.Dockerfile. Node rather than
# nginx: one base image for the three images (its layers are shared, so this image costs the
# bundle only), buildable with no registry, and the same proxy code npm start runs (docs/deploy.md).
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
# ng build (which fails above the bundle budget), then the browser files and the server.
RUN node deploy/image/forge-image.mjs build "$APP_BUILD" apps/web

FROM ${BASE_IMAGE}
RUN set -eux; \
    if ! command -v tini >/dev/null 2>&1; then \
      apt-get update; \
      apt-get install -y --no-install-recommends tini; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --gid 10001 forge; \
    useradd --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin forge
WORKDIR /app
COPY --from=build /src/app/ ./
LABEL org.opencontainers.image.title="forge-web" \
      org.opencontainers.image.description="Forge web app, with /api and /socket.io passed to the API"
ENV NODE_ENV=production \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=3000 \
    API_URL=http://api:3001
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "/app/deploy/healthcheck.mjs", "WEB_PORT", "3000", "/"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "web/main.mjs"]
