// Databases by name: `-t NAME`, [database] default, DATABASE_URL, and `-g GROUP` running a
// command on a group of SQLite files at once (src/cli/group_run.cpp), through the real binary.
// The same group run on PostgreSQL is in tests/backend/test_backend_fleet.cpp.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <string>

using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::TempDir;

namespace {

// a1 creates users, b2 posts; dev and prod are targets, tenants a group of 20 files plus one
// (broken.db) that has a users table already.
void write_fleet(const TempDir& dir) {
    dir.write("versions/a1/manifest.toml", "id = \"a1\"\nmessage = \"users\"\nparents = []\n");
    dir.write("versions/a1/up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
    dir.write("versions/a1/down.sql", "DROP TABLE users;\n");
    dir.write("versions/b2/manifest.toml",
              "id = \"b2\"\nmessage = \"posts\"\nparents = [\"a1\"]\n");
    dir.write("versions/b2/up.sql", "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n");
    dir.write("versions/b2/down.sql", "DROP TABLE posts;\n");
    dir.write("migrate.toml", R"([database]
default = "dev"

[targets.dev]
url = "sqlite:///dev.db"

[targets.prod]
url = "sqlite:///${REV_TEST_PROD_DIR}/prod.db"

[groups.tenants]
urls_file = "tenants.txt"
)");
    std::string urls = "# one URL a line\n";
    for (int i = 1; i <= 20; ++i) {
        urls += "sqlite:///tenants/tenant-" + std::to_string(100 + i).substr(1) + ".db\n";
    }
    dir.write("tenants.txt", urls + "sqlite:///tenants/broken.db\n");
    dir.write("tenants/.keep", "");
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++count;
    }
    return count;
}

} // namespace

TEST_CASE("rev -t: a named database, [database] default and the environment", "[cli][fleet]") {
    TempDir dir;
    write_fleet(dir);
    CHECK(run_rev(dir.path(), {"upgrade", "a1"}).out.ends_with("sqlite:///dev.db is at a1\n"));
    const RunResult prod =
        run_rev(dir.path(), {"upgrade", "head", "-t", "prod"}, {{"REV_TEST_PROD_DIR", "."}});
    CHECK(prod.exit_code == 0);
    CHECK(prod.out.ends_with("; sqlite:///./prod.db is at b2\n"));
    SECTION("DATABASE_URL comes after REV_DATABASE_URL, before the file; -t before them all") {
        CHECK(run_rev(dir.path(), {"current"}, {{"DATABASE_URL", "sqlite:///prod.db"}}).out ==
              "b2 (head), posts\n");
        CHECK(run_rev(
                  dir.path(), {"current"},
                  {{"DATABASE_URL", "sqlite:///prod.db"}, {"REV_DATABASE_URL", "sqlite:///dev.db"}})
                  .out == "a1, users\n");
        CHECK(run_rev(dir.path(), {"-t", "dev", "current"}, {{"DATABASE_URL", "sqlite:///prod.db"}})
                  .out == "a1, users\n");
    }
    SECTION("an unset ${VAR} is an error before anything connects") {
        const RunResult unset = run_rev(dir.path(), {"-t", "prod", "upgrade", "head"});
        CHECK(unset.exit_code == 1);
        CHECK(unset.err ==
              "rev: error: migrate.toml:8: target 'prod' uses ${REV_TEST_PROD_DIR}, which is not "
              "set\n");
    }
    SECTION("choices that exclude each other") {
        CHECK(run_rev(dir.path(), {"-t", "dev", "-g", "tenants", "current"}).err ==
              "rev: error: --target and --group cannot be combined\n");
        const RunResult both =
            run_rev(dir.path(), {"current", "--url", "sqlite:///x.db", "-t", "dev"});
        CHECK(both.exit_code == 2);
        CHECK(both.err == "rev: error: --url and --target cannot be combined\n");
        CHECK(run_rev(dir.path(), {"-g", "tenants", "history"}).err ==
              "rev: error: --group runs upgrade, downgrade, stamp, current, status, check and "
              "verify, not 'history'\n");
        const RunResult jobs = run_rev(dir.path(), {"-t", "dev", "current", "--jobs", "4"});
        CHECK(jobs.exit_code == 2);
        CHECK(jobs.err == "rev: error: --jobs applies to a run on a group: give --group NAME\n");
        CHECK(run_rev(dir.path(), {"--fail-fast", "current"}).err ==
              "rev: error: --fail-fast applies to a run on a group: give --group NAME\n");
    }
}

TEST_CASE("rev -g: 20 tenants reach head, the broken one fails alone", "[cli][fleet]") {
    TempDir dir;
    write_fleet(dir);
    REQUIRE(
        run_rev(dir.path(), {"--url", "sqlite:///tenants/broken.db", "upgrade", "a1"}).exit_code ==
        0);
    // broken.db: rev's records forgotten, the users table kept.
    REQUIRE(
        run_rev(dir.path(), {"--url", "sqlite:///tenants/broken.db", "stamp", "base", "--purge"})
            .exit_code == 0);

    const RunResult result = run_rev(dir.path(), {"-g", "tenants", "upgrade", "head", "-j", "3"});
    CHECK(result.exit_code == 1);
    CHECK(count_of(result.out, " at b2 (2 upgraded, ") == 20);
    CHECK(result.out.find("\nfailed broken (") != std::string::npos);
    CHECK(result.out.find("): versions/a1/up.sql:1: upgrade a1 failed: table users already exists "
                          "(this step was rolled back; 0 earlier steps stay applied)\n") !=
          std::string::npos);
    CHECK(result.out.find("\ntarget     outcome  time      at\n") != std::string::npos);
    CHECK(result.out.ends_with("21 databases: 20 ok, 1 failed, 0 not run\n"));
    CHECK(run_rev(dir.path(), {"--url", "sqlite:///tenants/tenant-07.db", "current"}).out ==
          "b2 (head), posts\n");
    CHECK(run_rev(dir.path(), {"--url", "sqlite:///tenants/broken.db", "current"}).out.empty());

    SECTION("--format json: one object per database") {
        const RunResult json =
            run_rev(dir.path(), {"-g", "tenants", "upgrade", "head", "--format", "json"});
        CHECK(json.exit_code == 1);
        CHECK(json.out.starts_with("{\n"));
        CHECK(count_of(json.out, "\"outcome\" : ") == 21);
        CHECK(count_of(json.out, "\"url\" : \"sqlite:///tenants/") == 21);
        CHECK(json.out.find("\"failed\" : 1,") != std::string::npos);
        CHECK(count_of(json.out, "\"revisions_moved\" : 0") == 20);
        CHECK(count_of(json.err, "\nok ") == 19); // the lines go to standard error
        CHECK(json.out.find("\"group\" : \"tenants\"") != std::string::npos);
    }
    SECTION("-q: each database's output after its name") {
        const RunResult current = run_rev(dir.path(), {"-q", "-g", "tenants", "current"});
        CHECK(current.exit_code == 0);
        CHECK(current.out.find("\ntenant-07: b2 (head), posts\n") != std::string::npos);
        CHECK(count_of(current.out, ": b2 (head), posts\n") == 20);
        CHECK(current.err.empty());
    }
    SECTION("verify on every database of the group") {
        const RunResult verify = run_rev(dir.path(), {"-g", "tenants", "verify", "-j", "2"});
        CHECK(verify.exit_code == 0);
        CHECK(verify.out.ends_with("21 databases: 21 ok, 0 failed, 0 not run\n"));
    }
    SECTION("--fail-fast with one job starts nothing after the failure") {
        dir.write("tenants.txt", "sqlite:///tenants/broken.db\nsqlite:///tenants/new.db\n");
        const RunResult fast =
            run_rev(dir.path(), {"upgrade", "head", "-g", "tenants", "--fail-fast", "-j", "1"});
        CHECK(fast.exit_code == 1);
        CHECK(fast.out.ends_with("2 databases: 0 ok, 1 failed, 1 not run\n"));
    }
    SECTION("a usage error is one, before any database") {
        const RunResult usage = run_rev(dir.path(), {"-g", "tenants", "upgrade", "--bogus"});
        CHECK(usage.exit_code == 2);
        CHECK(usage.err ==
              "rev: error: unrecognised option '--bogus' (see 'rev upgrade --help')\n");
        CHECK(usage.out.empty());
    }
}
