#!/bin/sh
# One-shot schema setup for the Temporal Service on PostgreSQL (the `temporal-schema-setup` service of
# docker-compose.yml), run by temporalio/admin-tools before temporalio/server starts. Same steps as
# temporalio/samples-server's compose/scripts/setup-postgres.sh; each is safe to repeat on an existing
# database (update-schema only applies the versions it lacks), so `docker compose up` can run it every time.
# The password comes from SQL_PASSWORD in the environment (temporal-sql-tool reads it), never from here.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required (the PostgreSQL host)}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required (set POSTGRES_PASSWORD in .env)}"
DB_PORT="${DB_PORT:-5432}"

echo "temporal-schema-setup: waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}"
nc -z -w 10 "${POSTGRES_SEEDS}" "${DB_PORT}"

sql() { temporal-sql-tool --plugin postgres12 --ep "${POSTGRES_SEEDS}" -u "${POSTGRES_USER}" -p "${DB_PORT}" "$@"; }

for db in temporal:temporal temporal_visibility:visibility; do
  name="${db%%:*}"
  schema="${db##*:}"
  echo "temporal-schema-setup: database ${name}"
  sql --db "${name}" create
  sql --db "${name}" setup-schema -v 0.0
  sql --db "${name}" update-schema -d "/etc/temporal/schema/postgresql/v12/${schema}/versioned"
done

echo 'temporal-schema-setup: done'
