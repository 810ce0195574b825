#!/usr/bin/env bash
# Installs every build and test dependency of rev from Debian 12 packages.
# Idempotent: packages already present are left alone, so running it twice is cheap.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libsoci-dev libtomlplusplus-dev catch2
  libboost-graph-dev libboost-program-options-dev
  libssl-dev libsqlite3-dev libpq-dev
  sqlite3 postgresql-15 postgresql-client-15
  # The libFuzzer build (fuzz/): clang++, its fuzzer and sanitizer runtimes
  # (libclang_rt.fuzzer-x86_64.a), and llvm-symbolizer for readable crash stacks.
  clang libclang-rt-14-dev llvm
)

exec "$(dirname "$0")/install_packages.sh" setup "${packages[@]}"
