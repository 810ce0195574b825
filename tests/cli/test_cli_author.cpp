// `rev init`, `rev new` and `rev merge` (src/cli/cmd_author.cpp), through the real binary.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::TempDir;
using rev::test::write_config;
using rev::test::write_revision;
namespace fs = std::filesystem;

namespace {

bool is_lower_hex(const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

TEST_CASE("rev init", "[cli][init]") {
    TempDir dir;
    SECTION("writes migrate.toml and versions/ here") {
        const RunResult result = run_rev(dir.path(), {"init"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == "created migrate.toml and versions/\n");
        CHECK(result.err.empty());
        CHECK(fs::is_regular_file(dir.path() / "migrate.toml"));
        CHECK(fs::is_directory(dir.path() / "versions"));
    }
    SECTION("in a folder given") {
        const RunResult result = run_rev(dir.path(), {"init", "db"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == "created db/migrate.toml and db/versions/\n");
        CHECK(fs::is_regular_file(dir.path() / "db/migrate.toml"));
    }
    SECTION("refuses to overwrite") {
        REQUIRE(run_rev(dir.path(), {"init"}).exit_code == 0);
        const RunResult again = run_rev(dir.path(), {"init"});
        CHECK(again.exit_code == 1);
        CHECK(again.out.empty());
        CHECK(again.err == "rev: error: migrate.toml: already exists\n");
    }
}

TEST_CASE("rev new", "[cli][new]") {
    TempDir dir;
    REQUIRE(run_rev(dir.path(), {"init"}).exit_code == 0);
    SECTION("prints the folder it creates, named by a random id") {
        const RunResult result = run_rev(dir.path(), {"new", "-m", "Create users"});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        // versions/<12 hex>_create_users
        REQUIRE(result.out.size() == std::string("versions/").size() + 12 + 13 + 1);
        const std::string id = result.out.substr(9, 12);
        CHECK(is_lower_hex(id));
        CHECK(result.out == "versions/" + id + "_create_users\n");
        const fs::path folder = dir.path() / "versions" / (id + "_create_users");
        CHECK(fs::is_regular_file(folder / "up.sql"));
        CHECK(fs::is_regular_file(folder / "down.sql"));
        CHECK(dir.read(folder / "manifest.toml") ==
              "id = \"" + id +
                  "\"\nmessage = \"Create users\"\nparents = []\n"
                  "# transactional = false  # for statements that cannot run in a transaction\n");
    }
    SECTION("on top of the single head") {
        REQUIRE(run_rev(dir.path(), {"new", "-m", "first", "--id", "a1"}).exit_code == 0);
        const RunResult result = run_rev(dir.path(), {"new", "-m", "second", "--id", "b2"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == "versions/b2_second\n");
        CHECK(dir.read("versions/b2_second/manifest.toml") ==
              "id = \"b2\"\nmessage = \"second\"\nparents = [ \"a1\" ]\n"
              "# transactional = false  # for statements that cannot run in a transaction\n");
    }
    SECTION("with --parent, --branch-label and --depends-on") {
        REQUIRE(run_rev(dir.path(), {"new", "-m", "first", "--id", "aaaa01"}).exit_code == 0);
        REQUIRE(run_rev(dir.path(), {"new", "-m", "second", "--id", "bbbb02"}).exit_code == 0);
        const RunResult result =
            run_rev(dir.path(), {"new", "-m", "side", "--id", "cccc03", "--parent", "aaaa",
                                 "--branch-label", "side", "--depends-on", "bbbb02"});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(dir.read("versions/cccc03_side/manifest.toml") ==
              "id = \"cccc03\"\nmessage = \"side\"\nparents = [ \"aaaa01\" ]\n"
              "branch_labels = [ \"side\" ]\ndepends_on = [ \"bbbb02\" ]\n"
              "# transactional = false  # for statements that cannot run in a transaction\n");
    }
    SECTION("refused with two heads") {
        write_revision(dir, "a1", {});
        write_revision(dir, "b2", {"a1"});
        write_revision(dir, "c3", {"a1"});
        const RunResult result = run_rev(dir.path(), {"new", "-m", "x"});
        CHECK(result.exit_code == 1);
        CHECK(result.out.empty());
        CHECK(result.err == "rev: error: the graph has 2 heads (b2, c3); merge them with 'rev "
                            "merge -m MSG' or pick one with --parent\n");
    }
    SECTION("refused without a message") {
        const RunResult result = run_rev(dir.path(), {"new"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "rev: error: the option '--message' is required but missing (see "
                            "'rev new --help')\n");
    }
    SECTION("refused with an id in use") {
        REQUIRE(run_rev(dir.path(), {"new", "-m", "first", "--id", "a1"}).exit_code == 0);
        const RunResult result = run_rev(dir.path(), {"new", "-m", "again", "--id", "a1"});
        CHECK(result.exit_code == 1);
        CHECK(result.err == "rev: error: id 'a1' is already used in the graph\n");
    }
}

TEST_CASE("rev merge", "[cli][merge]") {
    TempDir dir;
    write_config(dir);
    write_revision(dir, "a1", {});
    write_revision(dir, "b2", {"a1"});
    write_revision(dir, "c3", {"a1"});
    SECTION("merges the heads, which leaves one") {
        const RunResult result = run_rev(dir.path(), {"merge", "-m", "join", "--id", "m4"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == "versions/m4_join\n");
        CHECK(dir.read("versions/m4_join/manifest.toml") ==
              "id = \"m4\"\nmessage = \"join\"\nparents = [ \"b2\", \"c3\" ]\n"
              "# transactional = false  # for statements that cannot run in a transaction\n");
        const RunResult heads = run_rev(dir.path(), {"heads"});
        CHECK(heads.exit_code == 0);
        CHECK(heads.out == "m4 (head) (mergepoint), join\n");
        // And `rev new` works again.
        CHECK(run_rev(dir.path(), {"new", "-m", "after"}).exit_code == 0);
    }
    SECTION("merges the revisions given") {
        const RunResult result =
            run_rev(dir.path(), {"merge", "-m", "x", "--id", "m4", "c3", "b2"});
        CHECK(result.exit_code == 0);
        CHECK(dir.read("versions/m4_x/manifest.toml").find("parents = [ \"c3\", \"b2\" ]") !=
              std::string::npos);
    }
    SECTION("refuses a revision with its own ancestor") {
        const RunResult result = run_rev(dir.path(), {"merge", "-m", "x", "a1", "b2"});
        CHECK(result.exit_code == 1);
        CHECK(result.err == "rev: error: cannot merge 'a1' with its descendant 'b2'\n");
    }
    SECTION("refuses a single head") {
        REQUIRE(run_rev(dir.path(), {"merge", "-m", "x", "--id", "m4"}).exit_code == 0);
        const RunResult result = run_rev(dir.path(), {"merge", "-m", "y"});
        CHECK(result.exit_code == 1);
        CHECK(result.err == "rev: error: a merge needs at least two revisions, got 1 (m4)\n");
    }
}
