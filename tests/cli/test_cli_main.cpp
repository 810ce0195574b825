// The front end shared by every command (src/cli/cli.cpp): help, version, usage errors, global
// options, finding migrate.toml and reporting a broken revisions folder.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <rev/config.hpp>
#include <rev/version.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::TempDir;
using rev::test::write_config;
using rev::test::write_manifest;
using rev::test::write_revision;
namespace fs = std::filesystem;

namespace {

// The command names `rev --help` lists, so that a command added later is covered too.
std::vector<std::string> listed_commands(const std::string& overview) {
    std::vector<std::string> names;
    std::istringstream lines(overview);
    std::string line;
    bool in_list = false;
    while (std::getline(lines, line)) {
        if (line == "Commands:") {
            in_list = true;
        } else if (in_list && line.empty()) {
            break;
        } else if (in_list) {
            std::istringstream words(line);
            std::string name;
            words >> name;
            names.push_back(name);
        }
    }
    return names;
}

} // namespace

TEST_CASE("rev --help", "[cli][help]") {
    TempDir dir;
    const RunResult result = run_rev(dir.path(), {"--help"});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(result.out.starts_with("Usage: rev [global options] COMMAND [options] [arguments]\n"));
    const std::vector<std::string> names = listed_commands(result.out);
    for (const char* name :
         {"init", "new", "merge", "heads", "branches", "history", "show", "graph"}) {
        CHECK(std::find(names.begin(), names.end(), name) != names.end());
    }
    SECTION("-h says the same") {
        CHECK(run_rev(dir.path(), {"-h"}).out == result.out);
    }
    SECTION("no command prints it to stderr, as a usage error") {
        const RunResult bare = run_rev(dir.path(), {});
        CHECK(bare.exit_code == 2);
        CHECK(bare.out.empty());
        CHECK(bare.err == result.out);
    }
}

TEST_CASE("rev COMMAND --help, for every command", "[cli][help]") {
    // In an empty folder: help needs neither migrate.toml nor revisions.
    TempDir dir;
    const std::vector<std::string> names = listed_commands(run_rev(dir.path(), {"--help"}).out);
    REQUIRE(names.size() >= 8);
    for (const std::string& name : names) {
        for (const char* flag : {"--help", "-h"}) {
            INFO("rev " << name << " " << flag);
            const RunResult result = run_rev(dir.path(), {name, flag});
            CHECK(result.exit_code == 0);
            CHECK(result.err.empty());
            const std::string usage = result.out.substr(0, result.out.find('\n'));
            CHECK(usage.starts_with("Usage: rev " + name));
            CHECK_FALSE(usage.ends_with(" "));
            CHECK(result.out.find("Global options:") != std::string::npos);
        }
    }
    CHECK_FALSE(fs::exists(dir.path() / "migrate.toml"));
}

TEST_CASE("rev --version", "[cli]") {
    TempDir dir;
    const RunResult result = run_rev(dir.path(), {"--version"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == std::string("rev ") + rev::k_version + "\n");
    CHECK(result.err.empty());
}

TEST_CASE("rev: usage errors exit with 2", "[cli][error]") {
    TempDir dir;
    write_config(dir);
    SECTION("an unknown command") {
        const RunResult result = run_rev(dir.path(), {"upgrad"});
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(
            result.err ==
            "rev: error: unknown command 'upgrad' (did you mean 'upgrade'?) (see 'rev --help')\n");
    }
    SECTION("a missing argument is named as an argument, not an option") {
        const RunResult result = run_rev(dir.path(), {"upgrade"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "rev: error: missing TARGET (see 'rev upgrade --help')\n");
    }
    SECTION("an unknown option of a command") {
        const RunResult result = run_rev(dir.path(), {"heads", "--bogus"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "rev: error: unrecognised option '--bogus' (see 'rev heads --help')\n");
    }
    SECTION("an unknown global option") {
        const RunResult result = run_rev(dir.path(), {"--bogus", "heads"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "rev: error: unrecognised option '--bogus' (see 'rev --help')\n");
    }
    SECTION("a global option without its value") {
        const RunResult result = run_rev(dir.path(), {"-c"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "rev: error: the required argument for option '--config' is missing "
                            "(see 'rev --help')\n");
    }
}

TEST_CASE("rev: global options before and after the command", "[cli]") {
    // The project lives in app/; rev runs from a sibling folder that has no migrate.toml.
    TempDir dir;
    fs::create_directories(dir.path() / "elsewhere");
    write_revision(dir, "a1", {});
    dir.write("app/migrate.toml", "[revisions]\ndir = \"../versions\"\n");
    const fs::path cwd = dir.path() / "elsewhere";
    const std::string expected = "a1 (head), revision a1\n";
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"-c", "../app/migrate.toml", "heads"},
             {"--config", "../app/migrate.toml", "heads"},
             {"--config=../app/migrate.toml", "heads"},
             {"heads", "-c", "../app/migrate.toml"},
             {"heads", "--config", "../app/migrate.toml"},
             {"-q", "heads", "-c", "../app/migrate.toml"},
         }) {
        const RunResult result = run_rev(cwd, args);
        INFO(args.front() << " " << args[1] << ": " << result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.out == expected);
    }
}

TEST_CASE("rev: finds migrate.toml in a folder above", "[cli]") {
    TempDir dir;
    write_config(dir);
    write_revision(dir, "a1", {});
    fs::create_directories(dir.path() / "app/src/deep");
    const RunResult result = run_rev(dir.path() / "app/src/deep", {"heads"});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(result.out == "a1 (head), revision a1\n");
    SECTION("and writes new revisions beside it") {
        const RunResult created =
            run_rev(dir.path() / "app", {"new", "-m", "from below", "--id", "b2"});
        CHECK(created.exit_code == 0);
        // Not below the current folder, so shown as it is.
        CHECK(created.out == (dir.path() / "versions/b2_from_below").string() + "\n");
        CHECK(fs::is_directory(dir.path() / "versions/b2_from_below"));
    }
}

TEST_CASE("rev: reports a missing migrate.toml", "[cli][error]") {
    TempDir dir;
    SECTION("when none is found") {
        // rev rightly walks up past the temp folder; a stray file there would be found.
        if (auto stray = rev::find_config(dir.path().parent_path())) {
            WARN("skipped: " << *stray << " lies above the temp folder");
            return;
        }
        const RunResult result = run_rev(dir.path(), {"heads"});
        CHECK(result.exit_code == 1);
        CHECK(result.out.empty());
        CHECK(result.err == "rev: error: no migrate.toml in this folder or any above it; run 'rev "
                            "init' or pass -c FILE\n");
    }
    SECTION("when -c names nothing") {
        const RunResult result = run_rev(dir.path(), {"heads", "-c", "conf/migrate.toml"});
        CHECK(result.exit_code == 1);
        CHECK(result.err == "rev: error: conf/migrate.toml: cannot read the file\n");
    }
    SECTION("when migrate.toml is broken") {
        dir.write("migrate.toml", "[revisions]\ndirectory = \"versions\"\n");
        const RunResult result = run_rev(dir.path(), {"heads"});
        CHECK(result.exit_code == 1);
        CHECK(result.err == "rev: error: migrate.toml:2: unknown key 'directory' in [revisions]\n");
    }
}

TEST_CASE("rev: reports every defect of the revisions folder, one per line", "[cli][error]") {
    TempDir dir;
    write_config(dir);
    write_revision(dir, "a1", {});
    write_manifest(dir, "b2", "id = \"b2\"\nmessage = \"m\"\nparent = [\"a1\"]\n");
    write_revision(dir, "c3", {"a2"});
    const RunResult result = run_rev(dir.path(), {"history"});
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK(result.err ==
          "rev: error: versions/b2/manifest.toml:3: unknown key 'parent' (did you mean "
          "'parents'?)\n"
          "rev: error: versions/b2/manifest.toml: missing required key 'parents' (use parents = "
          "[] for a base revision)\n"
          "rev: error: versions/c3/manifest.toml:3: parent 'a2' not found (did you mean 'a1'?)\n");
    SECTION("and a missing revisions folder") {
        fs::remove_all(dir.path() / "versions");
        const RunResult missing = run_rev(dir.path(), {"heads"});
        CHECK(missing.exit_code == 1);
        CHECK(missing.err == "rev: error: versions: revisions folder not found\n");
    }
}
