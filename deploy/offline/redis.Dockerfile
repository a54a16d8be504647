# A stand-in for the official redis image, from Debian's packages, for machines whose builds reach
# no image registry (CI: deploy/offline/build.sh). Same contract as the official image where
# docker-compose.yml relies on it: `redis-server <args>` as the command (listening on every
# interface, protected mode off when no config file is given), redis-cli for the health check.
ARG BASE_IMAGE=forge-sandbox-base:local
FROM ${BASE_IMAGE}
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb; \
    mkdir -p /data; \
    chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/forge-redis-entrypoint
LABEL org.opencontainers.image.title="forge-redis" \
      org.opencontainers.image.description="Redis from Debian's packages (offline stand-in for redis:7-alpine)"
WORKDIR /data
USER redis
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/forge-redis-entrypoint"]
CMD ["redis-server"]
