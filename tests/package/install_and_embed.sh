#!/usr/bin/env bash
# ctest "package: install and embed" (tests/CMakeLists.txt). Installs this build tree to a
# temporary prefix and checks the result as an embedder meets it:
#   - the exported targets carry none of rev's own warning or sanitizer flags;
#   - every installed header compiles alone against the prefix (so none includes a private
#     header from src/), warning-free with -Wall -Wextra -Wpedantic;
#   - examples/embed builds with find_package(rev) and rev::rev, upgrades a copy of the demo
#     project's SQLite database to head and prints each step;
#   - the installed rev then reports the database at head.
#
#   install_and_embed.sh BUILD_DIR SOURCE_DIR CXX_COMPILER CMAKE
# REV_PACKAGE_LINK_FLAGS, when set, is added to the example's link (the sanitizer build).
set -euo pipefail
build_dir=$1
source_dir=$2
cxx=$3
cmake=$4
link_flags=${REV_PACKAGE_LINK_FLAGS:-}

work=$(mktemp -d /tmp/revpkg.XXXXXX)
trap 'status=$?; if [ $status -eq 0 ]; then rm -rf "$work"; else echo "test data left in $work"; fi' EXIT
fail() { echo "FAILED: $*"; exit 1; }

prefix=$work/prefix
"$cmake" --install "$build_dir" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }
for file in bin/rev include/rev/migrate.hpp include/rev/version.hpp lib/librev_db.a \
  lib/cmake/rev/revConfig.cmake lib/cmake/rev/revConfigVersion.cmake lib/cmake/rev/FindSOCI.cmake \
  share/bash-completion/completions/rev share/zsh/site-functions/_rev \
  share/fish/vendor_completions.d/rev.fish share/man/man1/rev.1; do
  [ -e "$prefix/$file" ] || fail "$file was not installed"
done
if grep -n -E -- '-W[a-z]|-fsanitize|_GLIBCXX_ASSERTIONS|rev_settings|rev_warnings' "$prefix"/lib/cmake/rev/revTargets*.cmake; then
  fail "the exported targets pass rev's own build flags on"
fi
if [ -n "$(find "$prefix/include" -name '*.hpp' ! -path '*/include/rev/*')" ]; then
  fail "headers installed outside include/rev"
fi

for header in "$prefix"/include/rev/*.hpp; do
  echo "#include <rev/$(basename "$header")>" |
    "$cxx" -std=c++20 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I "$prefix/include" -x c++ - ||
    fail "$header does not compile alone against the prefix"
done

"$cmake" -S "$source_dir/examples/embed" -B "$work/embed" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" -DCMAKE_EXE_LINKER_FLAGS="$link_flags" \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configuring examples/embed"; }
"$cmake" --build "$work/embed" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "building examples/embed"; }

mkdir "$work/project"
cp -R "$source_dir/versions" "$source_dir/migrate.toml" "$work/project/"
"$work/embed/embed" "$work/project" sqlite:///app.db >"$work/out.txt" 2>&1 ||
  { cat "$work/out.txt"; fail "embed exited with status $?"; }
sed -E 's/\([0-9]+ ms\)/(N ms)/' "$work/out.txt" >"$work/out.normal"
cat >"$work/expected" <<'OUT'
migrate: upgrading sqlite:///app.db to head
migrate: applied 1a2b3c4d5e6f create users (N ms)
migrate: applied 2b3c4d5e6f70 create posts (N ms)
migrate: applied 3c4d5e6f7081 audit user changes (N ms)
migrate: applied 4d5e6f708192 post counts view (N ms)
migrate: applied 5e6f708192a3 merge audit and reporting (N ms)
migrate: 5 applied; sqlite:///app.db is at 5e6f708192a3
OUT
diff -u "$work/expected" "$work/out.normal" || fail "embed printed something else"

# A second start finds nothing to do.
"$work/embed/embed" "$work/project" sqlite:///app.db >"$work/again.txt" 2>&1 ||
  { cat "$work/again.txt"; fail "embed failed on an up-to-date database"; }
grep -q '^migrate: 0 applied; sqlite:///app.db is at 5e6f708192a3$' "$work/again.txt" ||
  { cat "$work/again.txt"; fail "a second run was not a no-op"; }

(cd "$work/project" && REV_DATABASE_URL=sqlite:///app.db "$prefix/bin/rev" current) >"$work/current.txt" 2>&1 ||
  { cat "$work/current.txt"; fail "rev current"; }
grep -q '^5e6f708192a3 (head)' "$work/current.txt" ||
  { cat "$work/current.txt"; fail "the database is not at head"; }

# A failure is a rev::Error message and a non-zero status.
status=0
"$work/embed/embed" "$work/missing" sqlite:///app.db >"$work/error.txt" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "embed on a missing project exited with $status, not 1"
grep -q '^migrate: error: ' "$work/error.txt" || { cat "$work/error.txt"; fail "no error message"; }
echo "package: installed, embedded and upgraded to head"
