#!/usr/bin/env bash
# Installs the Debian packages given that are not installed yet; LABEL starts each line it prints.
# Used by scripts/setup.sh (build and tests) and bench/setup.sh (the benchmarks' peers).
#   scripts/install_packages.sh LABEL PACKAGE...
set -euo pipefail

label=$1
shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "$label: everything is installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "$label: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The postgresql-15 package starts a cluster on port 5432; rev's tests and benchmarks start
# their own servers.
if command -v pg_ctlcluster >/dev/null && pg_ctlcluster 15 main status >/dev/null 2>&1; then
  $sudo pg_ctlcluster 15 main stop || true
fi
