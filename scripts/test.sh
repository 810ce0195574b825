#!/usr/bin/env bash
# Builds rev with AddressSanitizer and UndefinedBehaviorSanitizer and runs every test: unit,
# CLI, and the backend suite against SQLite and against a throwaway PostgreSQL server that this
# script starts and stops itself.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

build_dir=build-test
pg_bin=/usr/lib/postgresql/15/bin
pg_port=${REV_TEST_PG_PORT:-54329}
pg_dir=$(mktemp -d /tmp/revpg.XXXXXX)

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_postgres() {
  as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_postgres EXIT

if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$pg_dir"; fi
chmod 700 "$pg_dir"
as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync \
  >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log"; exit 1; }
# Another server (or another test run) may hold the port: try the next few.
for attempt in 0 1 2 3 4 5 6 7 8 9; do
  if as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 30 \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
    break
  fi
  [ "$attempt" -eq 9 ] && { cat "$pg_dir/server.log"; exit 1; }
  pg_port=$((pg_port + 1))
done
as_postgres "$pg_bin/createdb" -h "$pg_dir" -p "$pg_port" -U postgres rev_test
pg_connstr="host=127.0.0.1 port=$pg_port dbname=rev_test user=postgres"
# The torture tests get their own database, so they run beside the backend suite.
as_postgres "$pg_bin/createdb" -h "$pg_dir" -p "$pg_port" -U postgres rev_torture
pg_torture_connstr="host=127.0.0.1 port=$pg_port dbname=rev_torture user=postgres"

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DREV_ENABLE_SANITIZERS=ON -DREV_WARNINGS_AS_ERRORS=ON \
  -DREV_POSTGRESQL_TEST_CONNSTR="$pg_connstr" \
  -DREV_POSTGRESQL_TORTURE_CONNSTR="$pg_torture_connstr" >/dev/null
cmake --build "$build_dir"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build_dir" -j2 --output-on-failure
