# A stand-in for the official postgres image, from Debian's packages, for machines whose builds
# reach no image registry (CI: deploy/offline/build.sh). Same contract as the official image where
# docker-compose.yml relies on it: POSTGRES_DB, POSTGRES_USER and POSTGRES_PASSWORD create the
# database on first start, the data in /var/lib/postgresql/data, pg_isready for the health check.
ARG BASE_IMAGE=forge-sandbox-base:local
FROM ${BASE_IMAGE}
ARG PG_MAJOR=15
# No "main" cluster from the package's own scripts: the entrypoint creates one in PGDATA.
RUN set -eux; \
    mkdir -p /etc/postgresql-common; \
    echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "postgresql-${PG_MAJOR}"; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb; \
    mkdir -p /var/lib/postgresql/data /var/run/postgresql; \
    chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql; \
    chmod 0700 /var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/forge-postgres-entrypoint
ENV PATH=/usr/lib/postgresql/${PG_MAJOR}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data
LABEL org.opencontainers.image.title="forge-postgres" \
      org.opencontainers.image.description="PostgreSQL from Debian's packages (offline stand-in for postgres:16)"
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/forge-postgres-entrypoint"]
CMD ["postgres"]
