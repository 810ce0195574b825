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

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The postgresql-15 package starts a cluster on port 5432; rev's tests start their own server.
if command -v pg_ctlcluster >/dev/null && pg_ctlcluster 15 main status >/dev/null 2>&1; then
  $sudo pg_ctlcluster 15 main stop || true
fi
