// What rev shows on a terminal (src/cli/progress.cpp, src/cli/terminal.cpp): a long step's
// elapsed time rewritten in place, colour, NO_COLOR; and that a pipe or a file gets plain text,
// as before. The terminal is a real pseudo-terminal, through util-linux's `script`.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <string>

using rev::test::run_rev;
using rev::test::run_rev_on_terminal;
using rev::test::RunResult;
using rev::test::TempDir;
using rev::test::write_sqlite_project;

namespace {

// The project of write_sqlite_project, with a1's up.sql taking a second or so, long enough to
// show its running line (half a second) a few times.
void write_slow_project(TempDir& dir) {
    write_sqlite_project(dir);
    dir.write("versions/a1/up.sql",
              "CREATE TABLE t_a1 (x INTEGER);\n"
              "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000)\n"
              "SELECT count(*) FROM c;\n");
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("rev upgrade: not on a terminal, plain lines and no escape codes", "[cli][terminal]") {
    TempDir dir;
    write_slow_project(dir);
    for (const char* no_colour : {"", "1"}) {
        CAPTURE(no_colour);
        const RunResult up = run_rev(dir.path(), {"upgrade", "head"}, {{"NO_COLOR", no_colour}});
        CHECK(up.exit_code == 0);
        CHECK(up.out.starts_with("  up    a1  revision a1  ("));
        CHECK(has(up.out, " ms)\n  up    b2  revision b2  ("));
        CHECK(up.out.ends_with("; sqlite:///app.db is at b2\n"));
        CHECK_FALSE(has(up.out, "\x1b"));
        CHECK_FALSE(has(up.out, "\r"));
        const RunResult bad = run_rev(dir.path(), {"upgrade", "nope"}, {{"NO_COLOR", no_colour}});
        CHECK(bad.err == "rev: error: unknown revision 'nope'\n");
        REQUIRE(run_rev(dir.path(), {"downgrade", "base", "-q"}).exit_code == 0);
    }
}

TEST_CASE("rev upgrade: on a terminal, the running step's time in place, in colour",
          "[cli][terminal]") {
    TempDir dir;
    write_slow_project(dir);
    SECTION("colour") {
        const RunResult up = run_rev_on_terminal(dir.path(), {"upgrade", "head"});
        CHECK(up.exit_code == 0);
        CHECK(has(up.out, "\r\x1b[K  upgrading a1  revision a1 \u2026 0."));
        CHECK(has(up.out, "\r\x1b[K  \x1b[32mup\x1b[0m    a1  revision a1  ("));
        CHECK(has(up.out, "  \x1b[32mup\x1b[0m    b2  revision b2  ("));
        // b2 takes no time: it never shows a running line.
        CHECK_FALSE(has(up.out, "upgrading b2"));
        const RunResult bad = run_rev_on_terminal(dir.path(), {"upgrade", "nope"});
        CHECK(bad.exit_code == 1);
        CHECK(bad.out == "\x1b[31mrev: error:\x1b[0m unknown revision 'nope'\r\n");
    }
    SECTION("NO_COLOR: in place still, but no colour") {
        const RunResult up =
            run_rev_on_terminal(dir.path(), {"upgrade", "head"}, {{"NO_COLOR", "1"}});
        CHECK(up.exit_code == 0);
        CHECK(has(up.out, "\r\x1b[K  upgrading a1  revision a1 \u2026 0."));
        CHECK(has(up.out, "\r\x1b[K  up    a1  revision a1  ("));
        CHECK_FALSE(has(up.out, "\x1b[3"));
        CHECK_FALSE(has(up.out, "\x1b[0m"));
        const RunResult bad =
            run_rev_on_terminal(dir.path(), {"upgrade", "nope"}, {{"NO_COLOR", "1"}});
        CHECK(bad.out == "rev: error: unknown revision 'nope'\r\n");
    }
    SECTION("-q: nothing") {
        const RunResult up = run_rev_on_terminal(dir.path(), {"upgrade", "head", "-q"});
        CHECK(up.exit_code == 0);
        CHECK(up.out.empty());
    }
}
