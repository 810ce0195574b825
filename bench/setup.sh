#!/usr/bin/env bash
# Installs what the benchmark suite runs: the peers (Alembic with its CLI and psycopg2; Sqitch
# with its SQLite and PostgreSQL drivers), the baseline clients (sqlite3, psql), a PostgreSQL
# server for the throwaway cluster, Python 3 for the harness, GNU time for each command's peak
# memory, and Google Benchmark for bench/micro.
# Idempotent: packages already present are left alone, so running it twice is cheap.
set -euo pipefail

packages=(
  python3 alembic python3-alembic python3-sqlalchemy python3-psycopg2
  sqitch libdbd-sqlite3-perl libdbd-pg-perl
  sqlite3 postgresql-15 postgresql-client
  time libbenchmark-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bench/setup: everything is installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "bench/setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The postgresql-15 package starts a cluster on port 5432; the benchmarks start their own server.
if command -v pg_ctlcluster >/dev/null && pg_ctlcluster 15 main status >/dev/null 2>&1; then
  $sudo pg_ctlcluster 15 main stop || true
fi
