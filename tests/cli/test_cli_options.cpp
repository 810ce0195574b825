// Option values (src/cli/option_value.cpp): every numeric or enumerated option of every command
// is checked as it is read, and a bad value is one usage error line, exit 2, before anything
// is loaded or connected.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::TempDir;
using rev::test::write_sqlite_project;

namespace {

// What rev said for `args`, with its exit status, which must be 2 and leave stdout empty.
std::string usage_error(const TempDir& dir, const std::vector<std::string>& args) {
    const RunResult result = run_rev(dir.path(), args);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    return result.err;
}

} // namespace

TEST_CASE("rev: --lock-timeout takes a number of seconds, 0 or more", "[cli][options]") {
    TempDir dir;
    write_sqlite_project(dir);
    for (const char* command : {"upgrade", "downgrade", "stamp"}) {
        CAPTURE(command);
        CHECK(usage_error(dir, {command, "head", "--lock-timeout", "-3"}) ==
              "rev: error: --lock-timeout must not be negative, not '-3'\n");
        CHECK(usage_error(dir, {command, "head", "--lock-timeout=-0.5"}) ==
              "rev: error: --lock-timeout must not be negative, not '-0.5'\n");
        CHECK(usage_error(dir, {command, "head", "--lock-timeout", "60s"}) ==
              "rev: error: --lock-timeout must be a number of seconds, not '60s'\n");
        CHECK(usage_error(dir, {command, "head", "--lock-timeout", "inf"}) ==
              "rev: error: --lock-timeout must be a number of seconds, not 'inf'\n");
        CHECK(usage_error(dir, {command, "head", "--lock-timeout", ""}) ==
              "rev: error: --lock-timeout must be a number of seconds, not ''\n");
    }
    CHECK_FALSE(std::filesystem::exists(dir.path() / "app.db"));
    SECTION("0 and fractions are taken") {
        CHECK(run_rev(dir.path(), {"upgrade", "head", "--lock-timeout", "0", "-q"}).exit_code == 0);
        CHECK(run_rev(dir.path(), {"downgrade", "base", "--lock-timeout=2.5", "-q"}).exit_code ==
              0);
    }
}

TEST_CASE("rev: --transaction takes 'revision' or 'all'", "[cli][options]") {
    TempDir dir;
    write_sqlite_project(dir);
    for (const char* command : {"upgrade", "downgrade"}) {
        CAPTURE(command);
        CHECK(usage_error(dir, {command, "head", "--transaction", "each"}) ==
              "rev: error: --transaction must be 'revision' or 'all', not 'each'\n");
        CHECK(usage_error(dir, {command, "head", "--transaction", "ALL"}) ==
              "rev: error: --transaction must be 'revision' or 'all', not 'ALL'\n");
    }
}

TEST_CASE("rev log: -n takes a whole number, 1 or more", "[cli][options]") {
    TempDir dir;
    write_sqlite_project(dir);
    REQUIRE(run_rev(dir.path(), {"upgrade", "head", "-q"}).exit_code == 0);
    CHECK(usage_error(dir, {"log", "-n", "-3"}) ==
          "rev: error: -n must be a whole number, 1 or more, not '-3'\n");
    CHECK(usage_error(dir, {"log", "-n", "0"}) ==
          "rev: error: -n must be a whole number, 1 or more, not '0'\n");
    CHECK(usage_error(dir, {"log", "--number=2.5"}) ==
          "rev: error: -n must be a whole number, 1 or more, not '2.5'\n");
    CHECK(usage_error(dir, {"log", "-n", "ten"}) ==
          "rev: error: -n must be a whole number, 1 or more, not 'ten'\n");
    CHECK(usage_error(dir, {"log", "-n", "99999999999999999999"}) ==
          "rev: error: -n must be a whole number, 1 or more, not '99999999999999999999'\n");
    const RunResult one = run_rev(dir.path(), {"log", "-n", "1"});
    CHECK(one.exit_code == 0);
    CHECK(std::count(one.out.begin(), one.out.end(), '\n') == 1);
}

TEST_CASE("rev: --format takes 'text' or 'json', on every command that has it",
          "[cli][options][json]") {
    TempDir dir;
    write_sqlite_project(dir);
    const std::vector<std::vector<std::string>> commands = {{"heads"},
                                                            {"branches"},
                                                            {"history"},
                                                            {"show", "a1"},
                                                            {"current"},
                                                            {"status"},
                                                            {"log"},
                                                            {"upgrade", "head"},
                                                            {"downgrade", "base"},
                                                            {"stamp", "head"},
                                                            {"check"},
                                                            {"schema"},
                                                            {"verify"},
                                                            {"lint"}};
    for (std::vector<std::string> args : commands) {
        CAPTURE(args.front());
        args.insert(args.end(), {"--format", "xml"});
        CHECK(usage_error(dir, args) ==
              "rev: error: --format must be 'text' or 'json', not 'xml'\n");
    }
    // Not even a JSON error object: the command was not asked for JSON.
    CHECK(usage_error(dir, {"status", "--format", "JSON"}) ==
          "rev: error: --format must be 'text' or 'json', not 'JSON'\n");
}

TEST_CASE("rev: --jobs takes a whole number, 1 or more", "[cli][options]") {
    TempDir dir;
    write_sqlite_project(dir);
    CHECK(usage_error(dir, {"-j", "-3", "heads"}) ==
          "rev: error: --jobs must be a whole number, 1 or more, not '-3'\n");
    CHECK(usage_error(dir, {"heads", "--jobs", "0"}) ==
          "rev: error: --jobs must be a whole number, 1 or more, not '0'\n");
}
