#!/usr/bin/env bash
# Builds rev with AddressSanitizer and UndefinedBehaviorSanitizer, checks formatting and runs
# clang-tidy over src/ and tests/, and runs every test: unit,
# CLI, the backend suite and the crash and concurrency tests against SQLite and against a
# throwaway PostgreSQL server that this script starts and stops itself; then the benchmark
# suite's smoke test and a bounded run of each fuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each phase's time, so that what makes the suite slow shows in CI's log.
phase_started=$SECONDS
phase_done() {
  echo "test.sh: $1 took $((SECONDS - phase_started)) s (total $SECONDS s)"
  phase_started=$SECONDS
}

scripts/setup.sh --test
phase_done "setup"

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
  -DREV_ENABLE_SANITIZERS=ON -DREV_WARNINGS_AS_ERRORS=ON -DREV_BUILD_TESTS=ON \
  -DREV_POSTGRESQL_TEST_CONNSTR="$pg_connstr" \
  -DREV_POSTGRESQL_TORTURE_CONNSTR="$pg_torture_connstr" \
  -DREV_POSTGRESQL_PG_CTL="$pg_bin/pg_ctl" -DREV_POSTGRESQL_DATA_DIR="$pg_dir/data" >/dev/null
cmake --build "$build_dir"
phase_done "PostgreSQL start and the sanitizer build"
# Formatting and clang-tidy (.clang-format, .clang-tidy) gate like a failing test. The build above
# wrote the compile_commands.json that clang-tidy reads.
cmake --build "$build_dir" --target check_format
cmake --build "$build_dir" --target tidy
phase_done "format and clang-tidy"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
# Third-party leaks only, each explained in the file.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build_dir" -j2 --output-on-failure
# ctest shows a passing test's output only in its log: print what the torture tests counted.
grep -h -E "^(crash|concurrency|server faults) test \(" "$build_dir/Testing/Temporary/LastTest.log" || true
phase_done "ctest"
# Nothing after this needs it (bench/run starts its own server): two cores are few.
stop_postgres

# The benchmark suite's smoke test (docs/benchmarks.md): every workload at small sizes against
# the peers, checking each tool's final state. It reports timings and never fails on them.
bench/setup.sh
bench/run --quick --rev "$build_dir/rev" --out "$build_dir/bench-quick.md"
phase_done "bench --quick"

# libFuzzer: the manifest loader, the target grammar and URL handling (fuzz/), built with clang
# in their own folder, each run for a bounded time over a copy of its committed corpus, so that
# fuzz/corpus stays as committed. A crash, a sanitizer report, a hang or a broken invariant
# fails the run; the input that caused it is kept in build-fuzz/crashes/.
fuzz_build_dir=build-fuzz
fuzz_seconds=${REV_FUZZ_SECONDS:-30}
fuzz_targets=(fuzz_manifest fuzz_target fuzz_url)
fuzz_work=$(mktemp -d /tmp/revfuzz.XXXXXX)
trap 'stop_postgres; rm -rf "$fuzz_work"' EXIT

cmake -S . -B "$fuzz_build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DREV_BUILD_FUZZERS=ON -DREV_BUILD_TESTS=OFF -DREV_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$fuzz_build_dir" --target "${fuzz_targets[@]}"
phase_done "the fuzzers' build"

for target in "${fuzz_targets[@]}"; do
  mkdir "$fuzz_work/$target"
  cp fuzz/corpus/"$target"/* "$fuzz_work/$target/"
  "$fuzz_build_dir/fuzz/$target" -dict="fuzz/${target#fuzz_}.dict" -max_total_time="$fuzz_seconds" \
    -timeout=25 -print_final_stats=1 -artifact_prefix="$fuzz_work/$target-" \
    "$fuzz_work/$target" >"$fuzz_work/$target.log" 2>&1 &
  echo $! >"$fuzz_work/$target.pid"
done
fuzz_failed=0
for target in "${fuzz_targets[@]}"; do
  status=0
  wait "$(cat "$fuzz_work/$target.pid")" || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$fuzz_work/$target.log")
  crashes=$(find "$fuzz_work" -maxdepth 1 -name "$target-*" | wc -l)
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  echo "$target: ${runs:-0} executions, $crashes crashes"
  if [ "$status" -ne 0 ]; then
    fuzz_failed=1
    grep -a -E -A20 'ERROR|invariant broken|runtime error' "$fuzz_work/$target.log" | head -40 || true
    mkdir -p "$fuzz_build_dir/crashes"
    find "$fuzz_work" -maxdepth 1 -name "$target-*" -exec cp {} "$fuzz_build_dir/crashes/" \;
    echo "$target: input kept in $fuzz_build_dir/crashes/; replay with $fuzz_build_dir/fuzz/$target FILE"
  fi
done
phase_done "fuzzing"
exit "$fuzz_failed"
