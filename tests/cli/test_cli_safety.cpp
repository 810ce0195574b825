// `rev check`, `rehash` and `resolve` (src/cli/cmd_safety.cpp), through the real binary on a
// SQLite file. The backend suite covers rehash and resolve on both engines.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::TempDir;
using rev::test::write_revision;
using rev::test::write_sqlite_project;

namespace {

const std::string k_ok = "ok: versions and sqlite:///app.db pass every check\n";

} // namespace

TEST_CASE("rev check: a clean project passes", "[cli][check]") {
    TempDir dir;
    write_sqlite_project(dir);
    CHECK(run_rev(dir.path(), {"upgrade", "head"}).exit_code == 0);
    const RunResult result = run_rev(dir.path(), {"check"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == k_ok);
    CHECK(result.err.empty());
    SECTION("--up-to-date passes too") {
        CHECK(run_rev(dir.path(), {"check", "--up-to-date"}).out == k_ok);
    }
    SECTION("json") {
        const RunResult json = run_rev(dir.path(), {"check", "--format", "json"});
        CHECK(json.exit_code == 0);
        CHECK(json.out == "{\n    \"database\" : \"sqlite:///app.db\",\n    \"exit_code\" : 0,\n"
                          "    \"findings\" : [],\n    \"folder\" : \"versions\",\n"
                          "    \"format_version\" : 1,\n"
                          "    \"ok\" : true\n}\n");
    }
    SECTION("without a database, only the folder is checked") {
        dir.write("migrate.toml", "[revisions]\ndir = \"versions\"\n");
        CHECK(run_rev(dir.path(), {"check"}).out == "ok: versions pass every check\n");
    }
}

TEST_CASE("rev check: findings exit 1, one line each", "[cli][check]") {
    TempDir dir;
    write_sqlite_project(dir);
    SECTION("a second head, with the command that fixes it") {
        write_revision(dir, "c3", {"a1"});
        const RunResult result = run_rev(dir.path(), {"check"});
        CHECK(result.exit_code == 1);
        CHECK(result.out == "error: versions: 2 heads: b2, c3; join them with 'rev merge heads "
                            "-m \"merge\"', or allow this with [check] allow_multiple_heads = "
                            "true in migrate.toml\n1 finding in versions and sqlite:///app.db\n");
        SECTION("allowed in migrate.toml") {
            write_sqlite_project(dir, "[check]\nallow_multiple_heads = true\n");
            CHECK(run_rev(dir.path(), {"check"}).exit_code == 0);
        }
    }
    SECTION("a defect of the folder") {
        write_revision(dir, "c3", {"zz"});
        const RunResult result = run_rev(dir.path(), {"check"});
        CHECK(result.exit_code == 1);
        CHECK(result.out ==
              "error: versions/c3/manifest.toml:3: parent 'zz' not found\n1 finding in versions\n");
    }
    SECTION("--up-to-date: a database that does not exist yet") {
        const RunResult result = run_rev(dir.path(), {"check", "--up-to-date"});
        CHECK(result.exit_code == 1);
        CHECK(result.out == "error: sqlite:///app.db: the database does not exist yet, so "
                            "nothing is applied; run 'rev upgrade head'\n"
                            "1 finding in versions and sqlite:///app.db\n");
    }
    SECTION("--up-to-date: pending revisions") {
        CHECK(run_rev(dir.path(), {"upgrade", "a1"}).exit_code == 0);
        CHECK(run_rev(dir.path(), {"check"}).exit_code == 0);
        const RunResult result = run_rev(dir.path(), {"check", "--up-to-date"});
        CHECK(result.exit_code == 1);
        CHECK(result.out == "error: sqlite:///app.db: 1 revision is not applied: b2; run 'rev "
                            "upgrade head'\n1 finding in versions and sqlite:///app.db\n");
    }
    SECTION("an applied revision that the folder does not have") {
        CHECK(run_rev(dir.path(), {"upgrade", "head"}).exit_code == 0);
        std::filesystem::remove_all(dir.path() / "versions" / "b2");
        const RunResult result = run_rev(dir.path(), {"check"});
        CHECK(result.exit_code == 1);
        CHECK(result.out == "error: sqlite:///app.db: revision b2 is applied but the revisions "
                            "folder does not have it; restore its folder, or rebuild the record "
                            "with 'rev stamp REV --purge' (docs/safety.md)\n"
                            "1 finding in versions and sqlite:///app.db\n");
    }
    SECTION("a changed file") {
        CHECK(run_rev(dir.path(), {"upgrade", "head"}).exit_code == 0);
        dir.write("versions/a1/up.sql", "CREATE TABLE t_a1 (x INTEGER, y INTEGER);\n");
        const RunResult result = run_rev(dir.path(), {"check", "--format", "json"});
        CHECK(result.exit_code == 1);
        CHECK(result.out.find("            \"code\" : \"changed-script\",\n"
                              "            \"message\" : \"versions/a1/up.sql: changed since "
                              "revision a1 was applied; restore it and put the change in a new "
                              "revision, or accept the file as it is now with 'rev rehash a1'\",\n"
                              "            \"revision\" : \"a1\",\n"
                              "            \"severity\" : \"error\"") != std::string::npos);
    }
}

TEST_CASE("rev check: could not check exits 3", "[cli][check]") {
    TempDir dir;
    write_sqlite_project(dir);
    SECTION("an unreachable server; the password stays hidden") {
        const RunResult result =
            run_rev(dir.path(),
                    {"check", "--url", "postgresql://u:s3cret@127.0.0.1:1/db?connect_timeout=2"});
        CHECK(result.exit_code == 3);
        CHECK(result.out.empty());
        CHECK(result.err.starts_with("rev: could not check: cannot connect to "
                                     "postgresql://u:***@127.0.0.1:1/db: "));
        CHECK(result.err.find("s3cret") == std::string::npos);
    }
    SECTION("an unreadable migrate.toml") {
        const RunResult result =
            run_rev(dir.path(), {"check", "-c", "missing.toml", "--format", "json"});
        CHECK(result.exit_code == 3);
        CHECK(result.out.find("\"could_not_check\" : \"missing.toml: cannot read the file\"") !=
              std::string::npos);
    }
    SECTION("--up-to-date without a database") {
        dir.write("migrate.toml", "[revisions]\ndir = \"versions\"\n");
        const RunResult result = run_rev(dir.path(), {"check", "--up-to-date"});
        CHECK(result.exit_code == 3);
        CHECK(result.err == "rev: could not check: --up-to-date needs a database: set [database] "
                            "url in migrate.toml, REV_DATABASE_URL, or --url\n");
    }
    SECTION("a bad --format is a usage error") {
        const RunResult result = run_rev(dir.path(), {"check", "--format", "xml"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "rev: error: --format must be 'text' or 'json', not 'xml'\n");
    }
}

TEST_CASE("rev rehash: accepts changed files, after which moves go on", "[cli][rehash]") {
    TempDir dir;
    write_sqlite_project(dir);
    CHECK(run_rev(dir.path(), {"upgrade", "a1"}).exit_code == 0);
    dir.write("versions/a1/up.sql", "CREATE TABLE t_a1 (x INTEGER, y INTEGER);\n");
    const RunResult refused = run_rev(dir.path(), {"upgrade", "head"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err ==
          "rev: error: versions/a1/up.sql: changed since revision a1 was applied; restore it and "
          "put the change in a new revision, or accept the file as it is now with 'rev rehash "
          "a1'\n");
    CHECK(run_rev(dir.path(), {"rehash", "a1"}).out == "  rehashed   a1\n");
    CHECK(run_rev(dir.path(), {"rehash", "a1"}).out == "  unchanged  a1\n");
    CHECK(run_rev(dir.path(), {"upgrade", "head"}).exit_code == 0);
    CHECK(run_rev(dir.path(), {"log", "-n", "2"}).out.find("  rehash    a1  ") !=
          std::string::npos);
    SECTION("a revision that is not applied") {
        CHECK(run_rev(dir.path(), {"downgrade", "a1"}).exit_code == 0);
        const RunResult result = run_rev(dir.path(), {"rehash", "b2"});
        CHECK(result.exit_code == 1);
        CHECK(result.err == "rev: error: revision b2 is not applied to sqlite:///app.db; only "
                            "applied revisions have recorded checksums\n");
    }
    SECTION("no revision given") {
        CHECK(run_rev(dir.path(), {"rehash"}).err ==
              "rev: error: missing REV (see 'rev rehash --help')\n");
    }
}

TEST_CASE("rev resolve: arguments", "[cli][resolve]") {
    TempDir dir;
    write_sqlite_project(dir);
    CHECK(run_rev(dir.path(), {"upgrade", "head"}).exit_code == 0);
    SECTION("one of --applied and --reverted") {
        for (const auto& args :
             {std::vector<std::string>{"resolve", "a1"},
              std::vector<std::string>{"resolve", "a1", "--applied", "--reverted"}}) {
            const RunResult result = run_rev(dir.path(), args);
            CHECK(result.exit_code == 2);
            CHECK(result.err == "rev: error: say how the step ended: --applied or --reverted "
                                "(see 'rev resolve --help')\n");
        }
    }
    SECTION("a revision with nothing to resolve") {
        const RunResult result = run_rev(dir.path(), {"resolve", "a1", "--applied"});
        CHECK(result.exit_code == 1);
        CHECK(result.err == "rev: error: revision a1 has no unfinished step recorded in "
                            "sqlite:///app.db; 'rev resolve' only settles a step that failed "
                            "outside a transaction (see 'rev check')\n");
    }
}

TEST_CASE("rev: a failed non-transactional step, end to end", "[cli][resolve]") {
    TempDir dir;
    write_sqlite_project(dir);
    write_revision(dir, "c3", {"b2"}, "transactional = false\n");
    dir.write("versions/c3/up.sql", "CREATE TABLE t_c3 (x INTEGER);\nSELECT * FROM nowhere;\n");
    const RunResult failed = run_rev(dir.path(), {"upgrade", "head", "-q"});
    CHECK(failed.exit_code == 1);
    CHECK(failed.err == "rev: error: versions/c3/up.sql:2: upgrade c3 failed: no such table: "
                        "nowhere (this step ran outside a transaction and may be partly "
                        "applied, so it is recorded as failed; see 'rev resolve --help'; 2 "
                        "earlier steps stay applied)\n");
    const std::string blocked =
        "sqlite:///app.db: revision c3 failed half-way through its upgrade, outside a "
        "transaction: versions/c3/up.sql:2: no such table: nowhere; complete or undo its "
        "changes by hand, then record which with 'rev resolve c3 --applied' or 'rev resolve c3 "
        "--reverted'";
    CHECK(run_rev(dir.path(), {"downgrade", "base"}).err == "rev: error: " + blocked + "\n");
    CHECK(run_rev(dir.path(), {"upgrade", "head", "--dry-run"}).err ==
          "rev: error: " + blocked + "\n");
    CHECK(run_rev(dir.path(), {"status"}).err == "rev: warning: " + blocked + "\n");
    const RunResult check = run_rev(dir.path(), {"check"});
    CHECK(check.exit_code == 1);
    CHECK(check.out == "error: " + blocked + "\n1 finding in versions and sqlite:///app.db\n");
    CHECK(run_rev(dir.path(), {"resolve", "c3", "--applied"}).out ==
          "resolved c3 as applied in sqlite:///app.db\n");
    CHECK(run_rev(dir.path(), {"check", "--up-to-date"}).exit_code == 0);
    CHECK(run_rev(dir.path(), {"log", "-n", "3"}).out.find("  upgrade-failed c3  ") !=
          std::string::npos);
}
