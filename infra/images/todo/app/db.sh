#!/bin/sh
# The to-do database of one session: PostgreSQL with the password the session was given, on port 5432.
set -eu
: "${POSTGRES_PASSWORD:?the session gives the database its password}"
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)
data=/tmp/pgdata
if [ ! -s "$data/PG_VERSION" ]; then
  printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/pwfile
  "$bin/initdb" -D "$data" -U todo --pwfile=/tmp/pwfile --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f /tmp/pwfile
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$data/pg_hba.conf"
fi
exec "$bin/postgres" -D "$data" -c listen_addresses='*' -k /tmp
