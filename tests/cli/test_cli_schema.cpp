// `rev verify`, `rev lint` and `rev schema` (src/cli/cmd_schema.cpp), and the branch-conflict
// check of `rev merge` (src/cli/cmd_author.cpp), through the real binary on SQLite.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::TempDir;

namespace fs = std::filesystem;

namespace {

// Writes versions/<id>/ with the given scripts and `extra` lines in its manifest.
void write_scripts(const TempDir& dir, const std::string& id,
                   const std::vector<std::string>& parents, const std::string& message,
                   const std::string& up, const std::string& down, const std::string& extra = "") {
    std::string list;
    for (const std::string& parent : parents) {
        list += (list.empty() ? "\"" : ", \"") + parent + "\"";
    }
    const fs::path folder = fs::path("versions") / id;
    dir.write(folder / "manifest.toml", "id = \"" + id + "\"\nmessage = \"" + message +
                                            "\"\nparents = [" + list + "]\n" + extra);
    dir.write(folder / "up.sql", up);
    dir.write(folder / "down.sql", down);
}

// A SQLite project: a1 makes users, b2 indexes it (its down.sql keeps the index when `broken`).
void write_project(const TempDir& dir, bool broken) {
    dir.write("migrate.toml", "[database]\nurl = \"sqlite:///app.db\"\n");
    write_scripts(dir, "a1", {}, "create users",
                  "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n",
                  "DROP TABLE users;\n");
    write_scripts(dir, "b2", {"a1"}, "index email", "CREATE INDEX users_email ON users (email);\n",
                  broken ? "SELECT 1;\n" : "DROP INDEX users_email;\n");
}

// The time in a summary line, which varies: "in 41 ms" -> "in N ms".
std::string without_times(const std::string& text) {
    return std::regex_replace(text, std::regex("in [0-9]+ ms"), "in N ms");
}

std::string bytes_of(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

const std::string k_left_behind =
    "versions/b2/down.sql: down did not restore index users_email on users: left behind\n"
    "versions/b2/up.sql:1: index users_email already exists\n";

const std::string k_unreachable = "postgresql://u:Pw0rd-Zq7Xk9@127.0.0.1:1/db?connect_timeout=2";

} // namespace

TEST_CASE("rev verify: every round trip holds", "[cli][verify]") {
    TempDir dir;
    write_project(dir, false);
    const RunResult result = run_rev(dir.path(), {"verify"});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(without_times(result.out) == "  ok      a1, create users\n"
                                       "  ok      b2 (head), index email\n"
                                       "2 revisions verified on a scratch SQLite database in N "
                                       "ms: every down.sql undoes its up.sql\n");
    // The configured database was not even created.
    CHECK_FALSE(fs::exists(dir.path() / "app.db"));
    SECTION("-q prints nothing") {
        const RunResult quiet = run_rev(dir.path(), {"verify", "-q"});
        CHECK(quiet.exit_code == 0);
        CHECK(quiet.out.empty());
        CHECK(quiet.err.empty());
    }
}

TEST_CASE("rev verify: a down.sql that does not undo its up.sql", "[cli][verify]") {
    TempDir dir;
    write_project(dir, true);
    SECTION("one line per revision and per problem, exit 1") {
        const RunResult result = run_rev(dir.path(), {"verify"});
        CHECK(result.exit_code == 1);
        CHECK(result.err.empty());
        CHECK(without_times(result.out) == "  ok      a1, create users\n"
                                           "  FAILED  b2 (head), index email\n" +
                                               k_left_behind +
                                               "2 revisions verified on a scratch SQLite "
                                               "database in N ms: 1 revision with problems\n");
    }
    SECTION("-q prints only the problems") {
        const RunResult result = run_rev(dir.path(), {"verify", "-q"});
        CHECK(result.exit_code == 1);
        CHECK(result.out == k_left_behind);
    }
    SECTION("a RANGE proves only its revisions") {
        const RunResult result = run_rev(dir.path(), {"verify", "b2:"});
        CHECK(result.exit_code == 1);
        CHECK(without_times(result.out) == "  FAILED  b2 (head), index email\n" + k_left_behind +
                                               "1 revision verified on a scratch SQLite database "
                                               "in N ms: 1 revision with problems\n");
        const RunResult first = run_rev(dir.path(), {"verify", ":a1"});
        CHECK(first.exit_code == 0);
        CHECK(without_times(first.out) == "  ok      a1, create users\n"
                                          "1 revision verified on a scratch SQLite database in N "
                                          "ms: every down.sql undoes its up.sql\n");
    }
    SECTION("--format json") {
        const RunResult result = run_rev(dir.path(), {"verify", "--format", "json"});
        CHECK(result.exit_code == 1);
        CHECK(result.out == R"({
    "engine" : "SQLite",
    "exit_code" : 1,
    "format_version" : 1,
    "ok" : false,
    "revisions" : [
        {
            "holds" : true,
            "problems" : [],
            "revision" : "a1"
        },
        {
            "holds" : false,
            "problems" : [
                {
                    "file" : "versions/b2/down.sql",
                    "line" : 0,
                    "message" : "versions/b2/down.sql: down did not restore index users_email on users: left behind",
                    "object" : "index users_email on users",
                    "step" : "down_restores"
                },
                {
                    "file" : "versions/b2/up.sql",
                    "line" : 1,
                    "message" : "versions/b2/up.sql:1: index users_email already exists",
                    "object" : "",
                    "step" : "runs"
                }
            ],
            "revision" : "b2"
        }
    ]
}
)");
    }
}

TEST_CASE("rev verify: the configured database is left byte for byte as it was", "[cli][verify]") {
    TempDir dir;
    write_project(dir, true);
    REQUIRE(run_rev(dir.path(), {"upgrade", "a1", "-q"}).exit_code == 0);
    const std::string before = bytes_of(dir.path() / "app.db");
    REQUIRE_FALSE(before.empty());
    SECTION("from an empty scratch") {
        CHECK(run_rev(dir.path(), {"verify"}).exit_code == 1);
    }
    SECTION("from a copy of it: what it has applied is not proven again") {
        const RunResult result = run_rev(dir.path(), {"verify", "--from-current"});
        CHECK(result.exit_code == 1);
        CHECK(without_times(result.out) == "  FAILED  b2 (head), index email\n" + k_left_behind +
                                               "1 revision verified on a scratch SQLite database "
                                               "in N ms: 1 revision with problems\n");
    }
    SECTION("rev lint from a copy of it") {
        CHECK(run_rev(dir.path(), {"lint", "--from-current"}).exit_code == 0);
    }
    CHECK(bytes_of(dir.path() / "app.db") == before);
}

TEST_CASE("rev verify: usage errors and a scratch it cannot make", "[cli][verify]") {
    TempDir dir;
    write_project(dir, false);
    SECTION("a bad --format exits 2") {
        const RunResult result = run_rev(dir.path(), {"verify", "--format", "xml"});
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(result.err == "rev: error: --format must be 'text' or 'json', not 'xml'\n");
    }
    SECTION("no server for the scratch exits 3, the password hidden") {
        const RunResult result = run_rev(dir.path(), {"verify", "--url", k_unreachable});
        CHECK(result.exit_code == 3);
        CHECK(result.out.empty());
        CHECK(result.err.starts_with("rev: error: postgresql://u:***@127.0.0.1:1/db: cannot "
                                     "create a scratch database: "));
        CHECK(result.err.find("Pw0rd-Zq7Xk9") == std::string::npos);
    }
    SECTION("and in JSON, could_not_run says why") {
        const RunResult result =
            run_rev(dir.path(), {"verify", "--url", k_unreachable, "--format", "json"});
        CHECK(result.exit_code == 3);
        CHECK(result.out.starts_with("{\n    \"could_not_run\" : \"postgresql://u:***@127.0.0.1:1/"
                                     "db: cannot create a scratch database: "));
        CHECK(result.out.find("\"exit_code\" : 3") != std::string::npos);
        CHECK(result.out.find("Pw0rd-Zq7Xk9") == std::string::npos);
        CHECK(result.err.empty());
    }
    SECTION("a SQLite database that --from-current cannot copy exits 3") {
        const RunResult result = run_rev(dir.path(), {"verify", "--from-current"});
        CHECK(result.exit_code == 3);
        CHECK(result.err ==
              "rev: error: app.db: SQLite database not found, so it cannot be copied\n");
    }
    SECTION("--scratch-url with a SQLite database is a usage error") {
        const RunResult result = run_rev(dir.path(), {"verify", "--scratch-url", k_unreachable});
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(result.err == "rev: error: --scratch-url names a PostgreSQL server for the scratch "
                            "database, but the configured database is SQLite\n");
    }
}

TEST_CASE("rev lint: findings, allow lists and JSON", "[cli][lint]") {
    TempDir dir;
    write_project(dir, false);
    const std::string drop_email =
        "versions/c3/up.sql: drop-column: column email on users: dropped with its data; stop "
        "reading and writing it first, and drop it in a later revision";
    SECTION("nothing destructive: exit 0") {
        const RunResult result = run_rev(dir.path(), {"lint"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == "0 findings (0 allowed) in 2 revisions\n");
    }
    write_scripts(dir, "c3", {"b2"}, "drop email",
                  "DROP INDEX users_email;\nALTER TABLE users DROP COLUMN email;\n",
                  "ALTER TABLE users ADD COLUMN email TEXT;\nCREATE INDEX users_email ON users "
                  "(email);\n");
    const std::string drop_index =
        "versions/c3/up.sql: drop-index: index users_email on users: dropped: queries that used "
        "it may become slow, and a unique index no longer guards its data";
    SECTION("a finding no revision allows exits 1") {
        const RunResult result = run_rev(dir.path(), {"lint"});
        CHECK(result.exit_code == 1);
        CHECK(result.err.empty());
        CHECK(result.out ==
              drop_email + "\n" + drop_index + "\n" + "2 findings (0 allowed) in 3 revisions\n");
        const RunResult quiet = run_rev(dir.path(), {"lint", "-q"});
        CHECK(quiet.exit_code == 1);
        CHECK(quiet.out == drop_email + "\n" + drop_index + "\n");
    }
    SECTION("a RANGE lints only its revisions") {
        const RunResult result = run_rev(dir.path(), {"lint", ":b2"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == "0 findings (0 allowed) in 2 revisions\n");
    }
    SECTION("[lint] allow: printed with (allowed), exit 0 when all are") {
        write_scripts(dir, "c3", {"b2"}, "drop email",
                      "DROP INDEX users_email;\nALTER TABLE users DROP COLUMN email;\n",
                      "SELECT 1;\n", "\n[lint]\nallow = [\"drop-column\"]\n");
        const RunResult some = run_rev(dir.path(), {"lint"});
        CHECK(some.exit_code == 1);
        CHECK(some.out == drop_email + " (allowed)\n" + drop_index + "\n" +
                              "2 findings (1 allowed) in 3 revisions\n");
        const RunResult quiet = run_rev(dir.path(), {"lint", "-q"});
        CHECK(quiet.out == drop_index + "\n");
        write_scripts(dir, "c3", {"b2"}, "drop email",
                      "DROP INDEX users_email;\nALTER TABLE users DROP COLUMN email;\n",
                      "SELECT 1;\n", "\n[lint]\nallow = [\"drop-column\", \"drop-index\"]\n");
        const RunResult all = run_rev(dir.path(), {"lint"});
        CHECK(all.exit_code == 0);
        CHECK(all.out == drop_email + " (allowed)\n" + drop_index + " (allowed)\n" +
                             "2 findings (2 allowed) in 3 revisions\n");
        CHECK(run_rev(dir.path(), {"lint", "-q"}).out.empty());
    }
    SECTION("an unknown code in allow is a loader error") {
        write_scripts(dir, "c3", {"b2"}, "drop email", "SELECT 1;\n", "SELECT 1;\n",
                      "\n[lint]\nallow = [\"drop-colum\"]\n");
        const RunResult result = run_rev(dir.path(), {"lint"});
        CHECK(result.exit_code == 1);
        CHECK(result.err == "rev: error: versions/c3/manifest.toml:6: unknown lint code "
                            "'drop-colum' (did you mean 'drop-column'?) (see docs/lint.md)\n");
    }
    SECTION("--format json") {
        write_scripts(dir, "c3", {"b2"}, "drop email",
                      "DROP INDEX users_email;\nALTER TABLE users DROP COLUMN email;\n",
                      "SELECT 1;\n", "\n[lint]\nallow = [\"drop-index\"]\n");
        const RunResult result = run_rev(dir.path(), {"lint", "--format", "json"});
        CHECK(result.exit_code == 1);
        CHECK(result.out == R"({
    "engine" : "SQLite",
    "exit_code" : 1,
    "findings" : [
        {
            "allowed" : false,
            "code" : "drop-column",
            "message" : "dropped with its data; stop reading and writing it first, and drop it in a later revision",
            "object" : "column email on users",
            "revision" : "c3"
        },
        {
            "allowed" : true,
            "code" : "drop-index",
            "message" : "dropped: queries that used it may become slow, and a unique index no longer guards its data",
            "object" : "index users_email on users",
            "revision" : "c3"
        }
    ],
    "format_version" : 1,
    "ok" : false,
    "problems" : []
}
)");
    }
    SECTION("a script that fails exits 1 and is printed") {
        write_scripts(dir, "c3", {"b2"}, "drop email", "DROP TABLE missing;\n", "SELECT 1;\n");
        const RunResult result = run_rev(dir.path(), {"lint"});
        CHECK(result.exit_code == 1);
        CHECK(result.out == "versions/c3/up.sql:1: no such table: missing\n"
                            "0 findings (0 allowed) in 3 revisions\n");
        const RunResult json = run_rev(dir.path(), {"lint", "--format", "json"});
        CHECK(json.exit_code == 1);
        CHECK(json.out == R"({
    "engine" : "SQLite",
    "exit_code" : 1,
    "findings" : [],
    "format_version" : 1,
    "ok" : false,
    "problems" : [
        {
            "file" : "versions/c3/up.sql",
            "line" : 1,
            "message" : "versions/c3/up.sql:1: no such table: missing",
            "object" : "",
            "step" : "runs"
        }
    ]
}
)");
    }
    SECTION("a bad --format exits 2; no scratch exits 3") {
        CHECK(run_rev(dir.path(), {"lint", "--format", "yaml"}).exit_code == 2);
        const RunResult result = run_rev(dir.path(), {"lint", "--url", k_unreachable});
        CHECK(result.exit_code == 3);
        CHECK(result.err.starts_with("rev: error: postgresql://u:***@127.0.0.1:1/db: cannot "
                                     "create a scratch database: "));
        CHECK(result.err.find("Pw0rd-Zq7Xk9") == std::string::npos);
    }
}

TEST_CASE("rev lint: branch-conflict between two heads", "[cli][lint]") {
    TempDir dir;
    write_project(dir, false);
    write_scripts(dir, "c3", {"a1"}, "add bio", "ALTER TABLE users ADD COLUMN bio TEXT;\n",
                  "ALTER TABLE users DROP COLUMN bio;\n");
    const RunResult result = run_rev(dir.path(), {"lint", "--format", "json"});
    CHECK(result.exit_code == 1);
    CHECK(result.out.find(R"(            "code" : "branch-conflict",
            "message" : "changed on two branches written apart (b2 and c3); check that together they do what both meant",
            "object" : "table users",
            "other_revision" : "c3",
            "revision" : "b2")") != std::string::npos);
}

TEST_CASE("rev schema: text and JSON", "[cli][schema]") {
    TempDir dir;
    write_project(dir, false);
    SECTION("without a database it says so") {
        const RunResult result = run_rev(dir.path(), {"schema"});
        CHECK(result.exit_code == 1);
        CHECK(result.err == "rev: error: app.db: SQLite database not found (nothing applied yet? "
                            "'rev upgrade' creates it)\n");
    }
    REQUIRE(run_rev(dir.path(), {"upgrade", "head", "-q"}).exit_code == 0);
    SECTION("text") {
        const RunResult result = run_rev(dir.path(), {"schema"});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(result.out ==
              "table users\n"
              "  column email on users: nullable yes, position 2, type TEXT\n"
              "  column id on users: nullable yes, position 1, type INTEGER\n"
              "  constraint users_pkey on users: columns id, constraint_type primary key\n"
              "  index users_email on users: columns email, unique no\n");
    }
    SECTION("JSON") {
        run_rev(dir.path(), {"downgrade", "a1", "-q"});
        const RunResult result = run_rev(dir.path(), {"schema", "--format", "json"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == R"({
    "database" : "sqlite:///app.db",
    "format_version" : 1,
    "objects" : [
        {
            "attributes" : {},
            "kind" : "table",
            "name" : "users",
            "table" : ""
        },
        {
            "attributes" : {
                "nullable" : "yes",
                "position" : "2",
                "type" : "TEXT"
            },
            "kind" : "column",
            "name" : "email",
            "table" : "users"
        },
        {
            "attributes" : {
                "nullable" : "yes",
                "position" : "1",
                "type" : "INTEGER"
            },
            "kind" : "column",
            "name" : "id",
            "table" : "users"
        },
        {
            "attributes" : {
                "columns" : "id",
                "constraint_type" : "primary key"
            },
            "kind" : "constraint",
            "name" : "users_pkey",
            "table" : "users"
        }
    ]
}
)");
    }
    SECTION("a bad --format exits 2") {
        const RunResult result = run_rev(dir.path(), {"schema", "--format", "xml"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "rev: error: --format must be 'text' or 'json', not 'xml'\n");
    }
}

TEST_CASE("rev merge: warns of a branch-conflict and still writes the merge", "[cli][merge]") {
    TempDir dir;
    write_project(dir, false);
    write_scripts(dir, "c3", {"a1"}, "add bio", "ALTER TABLE users ADD COLUMN bio TEXT;\n",
                  "ALTER TABLE users DROP COLUMN bio;\n");
    SECTION("both branches alter users") {
        const RunResult result = run_rev(dir.path(), {"merge", "-m", "join", "--id", "m4"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == "versions/m4_join\n");
        CHECK(result.err == "rev: warning: versions/b2/up.sql: branch-conflict: table users: "
                            "changed on two branches written apart (b2 and c3); check that "
                            "together they do what both meant\n");
        CHECK(fs::exists(dir.path() / "versions/m4_join/manifest.toml"));
    }
    SECTION("--no-check skips it") {
        const RunResult result =
            run_rev(dir.path(), {"merge", "-m", "join", "--id", "m4", "--no-check"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == "versions/m4_join\n");
        CHECK(result.err.empty());
    }
    SECTION("allowed by one side: no warning") {
        write_scripts(dir, "c3", {"a1"}, "add bio", "ALTER TABLE users ADD COLUMN bio TEXT;\n",
                      "ALTER TABLE users DROP COLUMN bio;\n",
                      "\n[lint]\nallow = [\"branch-conflict\"]\n");
        const RunResult result = run_rev(dir.path(), {"merge", "-m", "join", "--id", "m4"});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
    }
    SECTION("branches that change different tables: no warning") {
        write_scripts(dir, "c3", {"a1"}, "add tags", "CREATE TABLE tags (name TEXT);\n",
                      "DROP TABLE tags;\n");
        const RunResult result = run_rev(dir.path(), {"merge", "-m", "join", "--id", "m4"});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
    }
}

TEST_CASE("rev verify, lint and schema --help", "[cli][help]") {
    TempDir dir;
    for (const char* command : {"verify", "lint", "schema"}) {
        INFO(command);
        const RunResult result = run_rev(dir.path(), {command, "--help"});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(result.out.starts_with(std::string("Usage: rev ") + command));
        CHECK(result.out.find("--format FORMAT") != std::string::npos);
    }
    CHECK(run_rev(dir.path(), {"verify", "--help"}).out.find("--scratch-url URL") !=
          std::string::npos);
}

TEST_CASE("rev verify and rev lint: the demo revisions pass", "[cli][verify][lint][demo]") {
    TempDir dir;
    const fs::path repository = fs::path(REV_TESTS_DIR).parent_path();
    fs::copy(repository / "versions", dir.path() / "versions", fs::copy_options::recursive);
    fs::copy_file(repository / "migrate.toml", dir.path() / "migrate.toml");
    const RunResult verify = run_rev(dir.path(), {"verify"});
    INFO(verify.out << verify.err);
    CHECK(verify.exit_code == 0);
    CHECK(without_times(verify.out)
              .ends_with("5 revisions verified on a scratch SQLite database "
                         "in N ms: every down.sql undoes its up.sql\n"));
    const RunResult lint = run_rev(dir.path(), {"lint"});
    INFO(lint.out << lint.err);
    CHECK(lint.exit_code == 0);
    CHECK(lint.out == "0 findings (0 allowed) in 5 revisions\n");
    CHECK_FALSE(fs::exists(dir.path() / "demo.db"));
}
