#!/usr/bin/env bash
# Installs what building rev needs from Debian 12 packages; with --test, also what
# scripts/test.sh needs (a PostgreSQL server, clang for the fuzzers, clang-format and clang-tidy).
# Idempotent: packages already present are left alone, so running it twice is cheap.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libsoci-dev libtomlplusplus-dev catch2
  libboost-graph-dev libboost-program-options-dev
  libssl-dev libsqlite3-dev libpq-dev
  # PostgreSQL's parser, to name the line of a statement that failed at execution.
  libpg-query-dev
)
case "${1:-}" in
  "" | --test) ;;
  *) echo "usage: scripts/setup.sh [--test]" >&2; exit 2 ;;
esac
if [ "${1:-}" = "--test" ]; then
  packages+=(
    sqlite3 postgresql-15 postgresql-client-15
    # The libFuzzer build (fuzz/): clang++, its fuzzer and sanitizer runtimes
    # (libclang_rt.fuzzer-x86_64.a), and llvm-symbolizer for readable crash stacks.
    clang libclang-rt-14-dev llvm
    # The JSON documents' tests parse them (tests/backend/test_backend_json.cpp).
    nlohmann-json3-dev
    # The format and tidy gates (cmake/RevTooling.cmake).
    clang-format clang-tidy
    # The CLI tests run the generated completion scripts in each shell and render rev(1).
    zsh fish man-db groff-base
  )
fi

exec "$(dirname "$0")/install_packages.sh" setup "${packages[@]}"
