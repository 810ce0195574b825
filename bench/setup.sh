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

exec "$(dirname "$0")/../scripts/install_packages.sh" bench/setup "${packages[@]}"
