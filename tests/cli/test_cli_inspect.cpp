// `rev heads`, `branches`, `history`, `show` and `graph` (src/cli/cmd_inspect.cpp), through the
// real binary, mostly with no database configured.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::TempDir;
using rev::test::write_config;
using rev::test::write_revision;
using rev::test::write_sqlite_project;

namespace {

// a1 - b2 ------ m4
//   `- c3 (side) -'
void write_branch_and_merge(const TempDir& dir) {
    write_config(dir);
    write_revision(dir, "a1", {});
    write_revision(dir, "b2", {"a1"});
    write_revision(dir, "c3", {"a1"}, "branch_labels = [\"side\"]\n");
    write_revision(dir, "m4", {"b2", "c3"});
}

// Runs rev in `dir` and requires success with nothing on stderr; returns stdout.
std::string output(const TempDir& dir, const std::vector<std::string>& args) {
    const RunResult result = run_rev(dir.path(), args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    return result.out;
}

} // namespace

TEST_CASE("rev heads", "[cli][heads]") {
    TempDir dir;
    write_config(dir);
    write_revision(dir, "a1", {});
    write_revision(dir, "b2", {"a1"});
    write_revision(dir, "c3", {"a1"}, "branch_labels = [\"side\"]\n");
    SECTION("one line per head") {
        CHECK(output(dir, {"heads"}) == "b2 (head), revision b2\nc3 (side) (head), revision c3\n");
    }
    SECTION("in full with -v") {
        CHECK(output(dir, {"heads", "-v"}) == "Rev: b2 (head)\n"
                                              "Parents: a1\n"
                                              "Transactional: yes\n"
                                              "Manifest: versions/b2/manifest.toml\n"
                                              "Up: versions/b2/up.sql\n"
                                              "Down: versions/b2/down.sql\n"
                                              "\n"
                                              "    revision b2\n"
                                              "\n"
                                              "Rev: c3 (side) (head)\n"
                                              "Parents: a1\n"
                                              "Branch labels: side\n"
                                              "Transactional: yes\n"
                                              "Manifest: versions/c3/manifest.toml\n"
                                              "Up: versions/c3/up.sql\n"
                                              "Down: versions/c3/down.sql\n"
                                              "\n"
                                              "    revision c3\n"
                                              "\n");
    }
    SECTION("nothing for an empty folder") {
        TempDir empty;
        REQUIRE(run_rev(empty.path(), {"init"}).exit_code == 0);
        CHECK(output(empty, {"heads"}).empty());
    }
}

TEST_CASE("rev branches", "[cli][branches]") {
    TempDir dir;
    write_branch_and_merge(dir);
    CHECK(output(dir, {"branches"}) == "a1 (branchpoint), revision a1\n"
                                       "    -> b2, revision b2\n"
                                       "    -> c3 (side), revision c3\n");
}

TEST_CASE("rev history", "[cli][history]") {
    TempDir dir;
    write_branch_and_merge(dir);
    SECTION("newest first") {
        CHECK(output(dir, {"history"}) == "(b2, c3) -> m4 (head) (mergepoint), revision m4\n"
                                          "a1 -> c3 (side), revision c3\n"
                                          "a1 -> b2, revision b2\n"
                                          "<base> -> a1 (branchpoint), revision a1\n");
    }
    SECTION("a range with -r") {
        CHECK(output(dir, {"history", "-r", "b2:"}) ==
              "(b2, c3) -> m4 (head) (mergepoint), revision m4\n"
              "a1 -> b2, revision b2\n");
        CHECK(output(dir, {"history", "-r", ":side@head"}) ==
              "(b2, c3) -> m4 (head) (mergepoint), revision m4\n"
              "a1 -> c3 (side), revision c3\n"
              "a1 -> b2, revision b2\n"
              "<base> -> a1 (branchpoint), revision a1\n");
        CHECK(output(dir, {"history", "--rev-range", "base:c3"}) ==
              "a1 -> c3 (side), revision c3\n"
              "<base> -> a1 (branchpoint), revision a1\n");
    }
    SECTION("a bad range") {
        const RunResult result = run_rev(dir.path(), {"history", "-r", "b22:"});
        CHECK(result.exit_code == 1);
        CHECK(result.out.empty());
        CHECK(result.err == "rev: error: unknown revision 'b22' (did you mean 'b2'?)\n");
        const RunResult malformed = run_rev(dir.path(), {"history", "-r", "b2"});
        CHECK(malformed.exit_code == 1);
        CHECK(malformed.err == "rev: error: invalid range 'b2': expected LOWER:UPPER, e.g. "
                               "base:head or REV:heads\n");
    }
}

TEST_CASE("rev history: a database it cannot use is a warning, not silence", "[cli][history]") {
    TempDir dir;
    write_sqlite_project(dir);
    REQUIRE(run_rev(dir.path(), {"upgrade", "head"}).exit_code == 0);
    SECTION("applied marks when the database is readable") {
        CHECK(output(dir, {"history"}) == "a1 -> b2 (head) (applied), revision b2\n"
                                          "<base> -> a1 (applied), revision a1\n");
    }
    SECTION("an applied revision the folder lacks") {
        std::filesystem::remove_all(dir.path() / "versions" / "b2");
        const RunResult result = run_rev(dir.path(), {"history"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == "<base> -> a1 (head), revision a1\n");
        CHECK(result.err == "rev: warning: sqlite:///app.db has applied revisions that the "
                            "revisions folder does not have: b2 (switched branch or deleted "
                            "files? see docs/safety.md) (history shown without applied marks)\n");
    }
    SECTION("an unreachable server") {
        const RunResult result =
            run_rev(dir.path(),
                    {"--url", "postgresql://u:s3cret@127.0.0.1:1/db?connect_timeout=2", "history"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == "a1 -> b2 (head), revision b2\n<base> -> a1, revision a1\n");
        CHECK(result.err.rfind(
                  "rev: warning: cannot connect to postgresql://u:***@127.0.0.1:1/db: ", 0) == 0);
        CHECK(result.err.find("(history shown without applied marks)\n") != std::string::npos);
        CHECK(result.err.find("s3cret") == std::string::npos);
    }
}

TEST_CASE("rev show", "[cli][show]") {
    TempDir dir;
    write_branch_and_merge(dir);
    SECTION("one revision in full") {
        CHECK(output(dir, {"show", "b2"}) == "Rev: b2\n"
                                             "Parents: a1\n"
                                             "Children: m4\n"
                                             "Transactional: yes\n"
                                             "Manifest: versions/b2/manifest.toml\n"
                                             "Up: versions/b2/up.sql\n"
                                             "Down: versions/b2/down.sql\n"
                                             "\n"
                                             "    revision b2\n");
    }
    SECTION("a target") {
        CHECK(output(dir, {"show", "side@head"})
                  .starts_with("Rev: m4 (head) (mergepoint)\n"
                               "Parents: b2, c3\n"));
        CHECK(output(dir, {"show", "base"}) == "<base>: nothing applied\n");
    }
    SECTION("an unknown revision") {
        const RunResult result = run_rev(dir.path(), {"show", "b3"});
        CHECK(result.exit_code == 1);
        CHECK(result.err == "rev: error: unknown revision 'b3'\n");
    }
    SECTION("without a revision") {
        const RunResult result = run_rev(dir.path(), {"show"});
        CHECK(result.exit_code == 2);
        CHECK(result.err.starts_with("rev: error: "));
    }
}

TEST_CASE("rev show: dependencies, labels and transactional = false", "[cli][show]") {
    TempDir dir;
    write_config(dir);
    write_revision(dir, "a1", {});
    write_revision(dir, "b2", {"a1"}, "branch_labels = [\"ops\"]\ndepends_on = [\"a1\"]\n");
    write_revision(dir, "x9", {}, "depends_on = [\"b2\"]\ntransactional = false\n");
    CHECK(output(dir, {"show", "heads"}) == "Rev: b2 (ops) (head)\n"
                                            "Parents: a1\n"
                                            "Depends on: a1\n"
                                            "Needed by: x9\n"
                                            "Branch labels: ops\n"
                                            "Transactional: yes\n"
                                            "Manifest: versions/b2/manifest.toml\n"
                                            "Up: versions/b2/up.sql\n"
                                            "Down: versions/b2/down.sql\n"
                                            "\n"
                                            "    revision b2\n"
                                            "\n"
                                            "Rev: x9 (head)\n"
                                            "Depends on: b2\n"
                                            "Transactional: no\n"
                                            "Manifest: versions/x9/manifest.toml\n"
                                            "Up: versions/x9/up.sql\n"
                                            "Down: versions/x9/down.sql\n"
                                            "\n"
                                            "    revision x9\n");
}

TEST_CASE("rev graph", "[cli][graph]") {
    TempDir dir;
    write_branch_and_merge(dir);
    CHECK(output(dir, {"graph"}) == R"(digraph G {
a1 [label="a1\nrevision a1", peripheries=1, shape=box];
b2 [label="b2\nrevision b2", peripheries=1, shape=box];
c3 [label="c3 (side)\nrevision c3", peripheries=1, shape=box];
m4 [label="m4\nrevision m4", peripheries=2, shape=diamond];
a1->b2  [style=solid];
a1->c3  [style=solid];
b2->m4  [style=solid];
c3->m4  [style=solid];
}
)");
}

TEST_CASE("REV_STATS=1 reports the work on standard error, and changes no output",
          "[cli][heads][metrics]") {
    TempDir dir;
    write_branch_and_merge(dir);
    const RunResult plain = run_rev(dir.path(), {"heads"});
    const RunResult measured = run_rev(dir.path(), {"heads"}, {{"REV_STATS", "1"}});
    REQUIRE(measured.exit_code == 0);
    CHECK(measured.out == plain.out);
    CHECK(measured.err.starts_with("metric                                count     total ms"));
    // Four revisions, too few to cache: each manifest is parsed afresh, once.
    CHECK(measured.err.find("\nload: parse manifest                      4 ") != std::string::npos);
    CHECK(measured.err.find("\nload: build graph                         1 ") != std::string::npos);
    CHECK(measured.err.find("\nsince static initialisation ") != std::string::npos);
    CHECK(run_rev(dir.path(), {"heads"}, {{"REV_STATS", "0"}}).err.empty());
}
