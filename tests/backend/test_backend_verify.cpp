// `rev verify`'s proof (prove_revisions, src/move/verify.cpp) on a scratch database of each
// engine: round trips that hold, each kind of down.sql that does not, scripts that fail, and
// that the configured database is left exactly as it was.
#include "backend_fixture.hpp"
#include "run_rev.hpp"

#include <rev/connect.hpp>
#include <rev/verify.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using rev::RevisionProof;
using rev::test::BackendFixture;
using rev::test::run_rev;
using rev::test::ScopedCurrentPath;
using rev::test::write_scripted_revision;
using Lines = std::vector<std::string>;

namespace {

// users(id, email, age), with an index on email and a view over it.
constexpr const char* k_users = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
                                "age INTEGER);\nCREATE INDEX users_email ON users (email);\n"
                                "CREATE VIEW adults AS SELECT id FROM users WHERE age >= 18;\n";
constexpr const char* k_drop_users = "DROP VIEW adults;\nDROP TABLE users;\n";

void write_users(const BackendFixture& db) {
    write_scripted_revision(db.dir(), "a", {}, k_users, k_drop_users);
}

// Every problem of every proof, as `rev verify` prints them.
Lines problems_of(const std::vector<RevisionProof>& proofs) {
    Lines lines;
    for (const RevisionProof& proof : proofs) {
        for (const rev::ProofProblem& problem : proof.problems) {
            lines.push_back(problem.to_string());
        }
    }
    return lines;
}

// The ids of the revisions proven, in order.
Lines proven(const rev::RevisionGraph& graph, const std::vector<RevisionProof>& proofs) {
    Lines ids;
    for (const RevisionProof& proof : proofs) {
        ids.push_back(graph.revision(proof.revision).id);
    }
    return ids;
}

std::string bytes_of(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// The engine's spelling of a type rev's scripts write in upper case.
std::string type(const BackendFixture& db, const std::string& sqlite, const std::string& pg) {
    return db.is_postgresql() ? pg : sqlite;
}

} // namespace

TEST_CASE("Backend verify: every round trip of a good history holds", "[backend][verify]") {
    BackendFixture db;
    const ScopedCurrentPath cwd(db.dir().path());
    write_users(db);
    write_scripted_revision(db.dir(), "b", {"a"}, "ALTER TABLE users ADD COLUMN bio TEXT;\n",
                            "ALTER TABLE users DROP COLUMN bio;\n");
    write_scripted_revision(
        db.dir(), "c", {"b"},
        "DROP VIEW adults;\nCREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 21;\n",
        "DROP VIEW adults;\nCREATE VIEW adults AS SELECT id FROM users WHERE age >= 18;\n");
    // d drops the last column, which down adds back in its place.
    write_scripted_revision(db.dir(), "d", {"c"},
                            "DROP INDEX users_email;\nALTER TABLE users DROP COLUMN bio;\n",
                            "ALTER TABLE users ADD COLUMN bio TEXT;\nCREATE INDEX users_email "
                            "ON users (email);\n");
    const rev::RevisionGraph graph = db.load();
    const std::vector<RevisionProof> proofs = db.prove(graph);
    CHECK(problems_of(proofs) == Lines{});
    CHECK(proven(graph, proofs) == Lines{"a", "b", "c", "d"});
    for (const RevisionProof& proof : proofs) {
        CHECK(proof.holds());
        CHECK_FALSE(proof.script_failed);
        CHECK_FALSE(proof.up_changes.empty());
    }
    // The scratch was the proof's own: the test database got nothing.
    CHECK(db.tables() == Lines{});
}

TEST_CASE("Backend verify: each kind of down.sql that does not undo its up.sql",
          "[backend][verify]") {
    BackendFixture db;
    const ScopedCurrentPath cwd(db.dir().path());
    write_users(db);
    SECTION("a table left behind, reported once, not again for its column and index") {
        write_scripted_revision(db.dir(), "b", {"a"},
                                "CREATE TABLE tags (name TEXT);\nCREATE TABLE notes (body "
                                "TEXT);\nCREATE INDEX notes_body ON notes (body);\n",
                                "DROP TABLE tags;\n");
        CHECK(problems_of(db.prove(db.load())) ==
              Lines{"versions/b/down.sql: down did not restore table notes: left behind",
                    db.is_postgresql() ? "versions/b/up.sql:2: relation \"notes\" "
                                         "already exists (SQLSTATE 42P07)"
                                       : "versions/b/up.sql:2: table notes already exists"});
    }
    SECTION("an index left behind") {
        write_scripted_revision(db.dir(), "b", {"a"}, "CREATE INDEX users_age ON users (age);\n",
                                "SELECT 1;\n");
        const std::vector<RevisionProof> proofs = db.prove(db.load());
        CHECK(problems_of(proofs) ==
              Lines{"versions/b/down.sql: down did not restore index users_age on users: left "
                    "behind",
                    db.is_postgresql() ? "versions/b/up.sql:1: relation "
                                         "\"users_age\" already exists (SQLSTATE 42P07)"
                                       : "versions/b/up.sql:1: index users_age already exists"});
        REQUIRE(proofs.size() == 2);
        CHECK(proofs[1].script_failed);
    }
    SECTION("an index left behind by an up that can run twice") {
        write_scripted_revision(db.dir(), "b", {"a"},
                                "CREATE INDEX IF NOT EXISTS users_age ON users (age);\n",
                                "SELECT 1;\n");
        CHECK(problems_of(db.prove(db.load())) ==
              Lines{"versions/b/down.sql: down did not restore index users_age on users: left "
                    "behind"});
    }
    SECTION("a column not restored: down drops the table to which up only added it") {
        write_scripted_revision(db.dir(), "b", {"a"}, "ALTER TABLE users ADD COLUMN bio TEXT;\n",
                                "DROP VIEW adults;\nDROP TABLE users;\n");
        CHECK(problems_of(db.prove(db.load())) ==
              Lines{"versions/b/down.sql: down did not restore table users: dropped",
                    "versions/b/down.sql: down did not restore view adults: dropped",
                    db.is_postgresql() ? "versions/b/up.sql:1: relation \"users\" "
                                         "does not exist (SQLSTATE 42P01)"
                                       : "versions/b/up.sql:1: no such table: users"});
    }
    SECTION("a column not restored: down adds it back with another type") {
        write_scripted_revision(db.dir(), "b", {"a"},
                                "DROP VIEW adults;\nALTER TABLE users DROP COLUMN age;\n",
                                "ALTER TABLE users ADD COLUMN age TEXT;\nCREATE VIEW adults AS "
                                "SELECT id FROM users WHERE age >= '18';\n");
        const Lines problems = problems_of(db.prove(db.load()));
        REQUIRE(problems.size() >= 1);
        CHECK(problems[0] == "versions/b/down.sql: down did not restore column age on users: "
                             "changed (type " +
                                 type(db, "INTEGER", "integer") + " -> " +
                                 type(db, "TEXT", "text") + ")");
    }
    SECTION("a column put back in another place: the order of columns counts") {
        write_scripted_revision(db.dir(), "b", {"a"},
                                "DROP VIEW adults;\nDROP INDEX users_email;\nALTER TABLE users "
                                "DROP COLUMN email;\n",
                                "ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';\n"
                                "CREATE INDEX users_email ON users (email);\nCREATE VIEW adults "
                                "AS SELECT id FROM users WHERE age >= 18;\n");
        CHECK(problems_of(db.prove(db.load())) ==
              Lines{"versions/b/down.sql: down did not restore column age on users: changed "
                    "(position 3 -> 2)",
                    "versions/b/down.sql: down did not restore column email on users: changed "
                    "(default (none) -> " +
                        type(db, "''", "''::text") + ", position 2 -> 3)"});
    }
    SECTION("a view not restored: down drops the view that up replaced") {
        write_scripted_revision(
            db.dir(), "b", {"a"},
            "DROP VIEW adults;\nCREATE VIEW adults AS SELECT id FROM users WHERE age >= 21;\n",
            "DROP VIEW adults;\n");
        CHECK(problems_of(db.prove(db.load())) ==
              Lines{"versions/b/down.sql: down did not restore view adults: dropped",
                    db.is_postgresql() ? "versions/b/up.sql:1: view \"adults\" does "
                                         "not exist (SQLSTATE 42P01)"
                                       : "versions/b/up.sql:1: no such view: adults"});
    }
    SECTION("a view not restored: down puts back another definition") {
        write_scripted_revision(
            db.dir(), "b", {"a"},
            "DROP VIEW adults;\nCREATE VIEW adults AS SELECT id FROM users WHERE age >= 21;\n",
            "DROP VIEW adults;\nCREATE VIEW adults AS SELECT id FROM users WHERE age > 18;\n");
        CHECK(problems_of(db.prove(db.load())) ==
              Lines{db.is_postgresql()
                        ? "versions/b/down.sql: down did not restore view adults: changed "
                          "(definition SELECT users.id FROM users WHERE users.age >= 18; -> "
                          "SELECT users.id FROM users WHERE users.age > 18;)"
                        : "versions/b/down.sql: down did not restore view adults: changed "
                          "(definition CREATE VIEW adults AS SELECT id FROM users WHERE age >= "
                          "18 -> CREATE VIEW adults AS SELECT id FROM users WHERE age > 18)"});
    }
}

TEST_CASE("Backend verify: up is not repeatable after down", "[backend][verify]") {
    BackendFixture db;
    const ScopedCurrentPath cwd(db.dir().path());
    write_users(db);
    // down leaves tags behind with another type, which the second up's IF NOT EXISTS keeps.
    write_scripted_revision(db.dir(), "b", {"a"}, "CREATE TABLE IF NOT EXISTS tags (name TEXT);\n",
                            "DROP TABLE tags;\nCREATE TABLE tags (name INTEGER);\n");
    const std::vector<RevisionProof> proofs = db.prove(db.load());
    CHECK(problems_of(proofs) ==
          Lines{"versions/b/down.sql: down did not restore table tags: left behind",
                "versions/b/up.sql: up is not repeatable after down: column name on tags: made "
                "differently the second time (type " +
                    type(db, "TEXT", "text") + " -> " + type(db, "INTEGER", "integer") + ")"});
    REQUIRE(proofs.size() == 2);
    REQUIRE(proofs[1].problems.size() == 2);
    CHECK(proofs[1].problems[1].step == rev::ProofStep::up_repeats);
    CHECK_FALSE(proofs[1].script_failed);
}

TEST_CASE("Backend verify: a failing script names its file and line, and the run stops there",
          "[backend][verify]") {
    BackendFixture db;
    const ScopedCurrentPath cwd(db.dir().path());
    write_users(db);
    write_scripted_revision(db.dir(), "c", {"b"}, "CREATE TABLE after_b (x INTEGER);\n",
                            "DROP TABLE after_b;\n");
    SECTION("in up.sql") {
        write_scripted_revision(db.dir(), "b", {"a"},
                                "CREATE TABLE first (x INTEGER);\n\nINSERT INTO missing VALUES "
                                "(1);\n",
                                "DROP TABLE first;\n");
        const rev::RevisionGraph graph = db.load();
        const std::vector<RevisionProof> proofs = db.prove(graph);
        CHECK(problems_of(proofs) ==
              Lines{"versions/b/up.sql:3: " +
                    std::string(db.is_postgresql()
                                    ? "relation \"missing\" does not exist (SQLSTATE 42P01)"
                                    : "no such table: missing")});
        CHECK(proven(graph, proofs) == Lines{"a", "b"});
        REQUIRE(proofs.size() == 2);
        CHECK(proofs[1].script_failed);
        CHECK(proofs[1].problems[0].step == rev::ProofStep::runs);
        CHECK(proofs[1].problems[0].line == 3);
        CHECK(proofs[1].problems[0].object.empty());
    }
    SECTION("in down.sql") {
        write_scripted_revision(db.dir(), "b", {"a"}, "CREATE TABLE first (x INTEGER);\n",
                                "DROP TABLE first;\nDROP TABLE never_made;\n");
        const rev::RevisionGraph graph = db.load();
        const std::vector<RevisionProof> proofs = db.prove(graph);
        CHECK(problems_of(proofs) ==
              Lines{db.is_postgresql() ? "versions/b/down.sql:2: table "
                                         "\"never_made\" does not exist (SQLSTATE 42P01)"
                                       : "versions/b/down.sql:2: no such table: never_made"});
        CHECK(proven(graph, proofs) == Lines{"a", "b"});
    }
    SECTION("in a revision below the range, applied without being proven") {
        write_scripted_revision(db.dir(), "b", {"a"}, "SELECT * FROM missing;\n", "SELECT 1;\n");
        const rev::RevisionGraph graph = db.load();
        const std::vector<RevisionProof> proofs = db.prove(graph, {"c"});
        CHECK(problems_of(proofs) ==
              Lines{"versions/b/up.sql:1: " +
                    std::string(db.is_postgresql()
                                    ? "relation \"missing\" does not exist (SQLSTATE 42P01)"
                                    : "no such table: missing")});
        CHECK(proven(graph, proofs) == Lines{"b"});
    }
}

TEST_CASE("Backend verify: revisions below the range are applied, not proven",
          "[backend][verify]") {
    BackendFixture db;
    const ScopedCurrentPath cwd(db.dir().path());
    write_users(db);
    // a's down is broken, but a is only the way to b.
    write_scripted_revision(db.dir(), "a", {}, k_users, "SELECT 1;\n");
    write_scripted_revision(db.dir(), "b", {"a"}, "ALTER TABLE users ADD COLUMN bio TEXT;\n",
                            "ALTER TABLE users DROP COLUMN bio;\n");
    const rev::RevisionGraph graph = db.load();
    const std::vector<RevisionProof> proofs = db.prove(graph, {"b"});
    CHECK(proven(graph, proofs) == Lines{"b"});
    CHECK(problems_of(proofs) == Lines{});
}

TEST_CASE("Backend verify: a non-transactional revision is proven too", "[backend][verify]") {
    BackendFixture db;
    const ScopedCurrentPath cwd(db.dir().path());
    write_users(db);
    // PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction: it passes only if
    // verify runs the script as upgrade would, outside one.
    const std::string concurrently = db.is_postgresql() ? "CONCURRENTLY " : "";
    write_scripted_revision(
        db.dir(), "b", {"a"}, "CREATE INDEX " + concurrently + "users_age ON users (age);\n",
        "DROP INDEX " + concurrently + "users_age;\n", "transactional = false\n");
    const rev::RevisionGraph graph = db.load();
    const std::vector<RevisionProof> proofs = db.prove(graph);
    CHECK(proven(graph, proofs) == Lines{"a", "b"});
    CHECK(problems_of(proofs) == Lines{});
    SECTION("and its broken down.sql is found") {
        write_scripted_revision(db.dir(), "b", {"a"},
                                "CREATE INDEX " + concurrently +
                                    "IF NOT EXISTS users_age ON users (age);\n",
                                "SELECT 1;\n", "transactional = false\n");
        CHECK(problems_of(db.prove(db.load())) ==
              Lines{"versions/b/down.sql: down did not restore index users_age on users: left "
                    "behind"});
    }
}

TEST_CASE("Backend verify: from a copy of the configured database, which is left unchanged",
          "[backend][verify]") {
    BackendFixture db;
    const ScopedCurrentPath cwd(db.dir().path());
    write_users(db);
    write_scripted_revision(db.dir(), "b", {"a"}, "ALTER TABLE users ADD COLUMN bio TEXT;\n",
                            "SELECT 1;\n");
    db.move(rev::MoveKind::upgrade, "a");
    db.execute("INSERT INTO users (id, email, age) VALUES (1, 'a@example.com', 30);");
    const rev::SchemaSnapshot schema = db.connect()->snapshot();
    const std::string records = db.records();
    const std::string bytes = db.is_postgresql() ? "" : bytes_of(db.url().sqlite_path);
    const rev::RevisionGraph graph = db.load();
    SECTION("from the copy: a is applied there, so only b is proven") {
        const std::vector<RevisionProof> proofs = db.prove(graph, {}, true, true);
        CHECK(proven(graph, proofs) == Lines{"b"});
        CHECK(problems_of(proofs) ==
              Lines{"versions/b/down.sql: down did not restore column bio on users: left behind",
                    db.is_postgresql() ? "versions/b/up.sql:1: column \"bio\" of "
                                         "relation \"users\" already exists (SQLSTATE 42701)"
                                       : "versions/b/up.sql:1: duplicate column name: bio"});
    }
    SECTION("from an empty scratch") {
        const std::vector<RevisionProof> proofs = db.prove(graph);
        CHECK(proven(graph, proofs) == Lines{"a", "b"});
    }
    CHECK(db.connect()->snapshot() == schema);
    CHECK(db.records() == records);
    CHECK(db.applied_ids() == Lines{"a"});
    if (!db.is_postgresql()) {
        CHECK(bytes_of(db.url().sqlite_path) == bytes);
    }
}

TEST_CASE("Backend verify: the rev verify binary leaves the configured database exactly as it was",
          "[backend][verify]") {
    BackendFixture db;
    write_users(db);
    write_scripted_revision(db.dir(), "b", {"a"}, "ALTER TABLE users ADD COLUMN bio TEXT;\n",
                            "SELECT 1;\n");
    rev::test::write_config(db.dir());
    db.move(rev::MoveKind::upgrade, "a");
    db.execute("INSERT INTO users (id, email, age) VALUES (1, 'a@example.com', 30);");
    const std::string schema = rev::to_text(db.connect()->snapshot());
    const std::string records = db.records();
    const std::string bytes = db.is_postgresql() ? "" : bytes_of(db.url().sqlite_path);
    for (const std::vector<std::string>& args : {std::vector<std::string>{"verify"},
                                                 {"verify", "--from-current"},
                                                 {"lint"},
                                                 {"lint", "--from-current"}}) {
        INFO(args.back());
        std::vector<std::string> with_url = args;
        with_url.insert(with_url.end(), {"--url", db.url_text(), "-q"});
        const rev::test::RunResult result = run_rev(db.dir().path(), with_url);
        INFO(result.out << result.err);
        CHECK(result.exit_code == (args[0] == "verify" ? 1 : 0));
        CHECK(result.out.starts_with("versions/b/down.sql: down did not restore column bio on "
                                     "users: left behind\n") == (args[0] == "verify"));
    }
    CHECK(rev::to_text(db.connect()->snapshot()) == schema);
    CHECK(db.records() == records);
    if (!db.is_postgresql()) {
        CHECK(bytes_of(db.url().sqlite_path) == bytes);
    }
}

TEST_CASE("Backend verify: PostgreSQL's types and sequences are part of the round trip",
          "[backend][verify][postgresql]") {
    BackendFixture db;
    if (!db.is_postgresql()) {
        FAIL("this case needs PostgreSQL: set REV_TEST_DATABASE to a libpq connection string, or "
             "leave it out with the test spec ~[postgresql]");
    }
    const ScopedCurrentPath cwd(db.dir().path());
    write_scripted_revision(db.dir(), "a", {},
                            "CREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE SEQUENCE "
                            "tickets;\nCREATE TABLE moods (id serial PRIMARY KEY, m mood);\n",
                            "DROP TABLE moods;\n");
    SECTION("a type and a sequence left behind") {
        CHECK(problems_of(db.prove(db.load())) ==
              Lines{"versions/a/down.sql: down did not restore type mood: left behind",
                    "versions/a/down.sql: down did not restore sequence tickets: left behind",
                    "versions/a/up.sql:1: type \"mood\" already exists (SQLSTATE "
                    "42710)"});
    }
    SECTION("an enum given back without a value") {
        write_scripted_revision(db.dir(), "b", {"a"}, "ALTER TYPE mood ADD VALUE 'calm';\n",
                                "ALTER TABLE moods ALTER COLUMN m TYPE text;\nDROP TYPE "
                                "mood;\nCREATE TYPE mood AS ENUM ('sad');\nALTER TABLE moods "
                                "ALTER COLUMN m TYPE mood USING m::mood;\n");
        write_scripted_revision(db.dir(), "a", {},
                                "CREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE TABLE "
                                "moods (id serial PRIMARY KEY, m mood);\n",
                                "DROP TABLE moods;\nDROP TYPE mood;\n");
        CHECK(problems_of(db.prove(db.load())) ==
              Lines{"versions/b/down.sql: down did not restore type mood: changed (values sad, "
                    "happy -> sad)",
                    "versions/b/up.sql: up is not repeatable after down: type mood: made "
                    "differently the second time (values sad, happy, calm -> sad, calm)"});
    }
}
