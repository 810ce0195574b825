// `rev lint`'s rules (src/move/lint.cpp) on the diffs each real engine gives: the scripts run on
// a scratch database and the catalog says what they did, including SQLite's rebuild-a-table
// dance for what its ALTER TABLE cannot do.
#include "backend_fixture.hpp"

#include <rev/lint.hpp>
#include <rev/verify.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using rev::LintFinding;
using rev::RevisionGraph;
using rev::RevisionProof;
using rev::test::BackendFixture;
using rev::test::ScopedCurrentPath;
using rev::test::write_scripted_revision;
using Lines = std::vector<std::string>;

namespace {

constexpr const char* k_schema =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, age INTEGER, bio TEXT);\n"
    "CREATE INDEX users_email ON users (email);\n"
    "CREATE TABLE items (id INTEGER PRIMARY KEY, price INTEGER CHECK (price > 0));\n"
    "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);\n"
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);\n"
    "CREATE VIEW adults AS SELECT id FROM people;\n";

// SQLite's ALTER TABLE cannot change a column or a constraint: the table is rebuilt.
std::string rebuild_users(const std::string& columns) {
    return "CREATE TABLE users_new (" + columns +
           ");\nINSERT INTO users_new SELECT * FROM users;\nDROP TABLE users;\nALTER TABLE "
           "users_new RENAME TO users;\nCREATE INDEX users_email ON users (email);\n";
}

// Revision a makes k_schema; b runs `up` (with `extra` in its manifest).
void write_history(const BackendFixture& db, const std::string& up, const std::string& extra = "") {
    write_scripted_revision(db.dir(), "a", {}, k_schema, "SELECT 1;\n");
    write_scripted_revision(db.dir(), "b", {"a"}, up, "SELECT 1;\n", extra);
}

// Every finding of every revision (branch conflicts too), allow lists applied, as lines.
// `locking` is left to test_backend_locking.cpp, so that these cases read the same on both
// engines.
Lines lint(const BackendFixture& db) {
    const RevisionGraph graph = db.load();
    const std::vector<RevisionProof> proofs = db.prove(graph, {}, false);
    std::vector<LintFinding> findings;
    for (const RevisionProof& proof : proofs) {
        CHECK(proof.problems.empty());
        for (LintFinding& finding : rev::lint_revision(graph, proof)) {
            findings.push_back(std::move(finding));
        }
    }
    for (LintFinding& finding : rev::lint_branch_conflicts(graph, proofs)) {
        findings.push_back(std::move(finding));
    }
    rev::apply_allow_lists(graph, findings);
    Lines lines;
    for (const LintFinding& finding : findings) {
        if (finding.code != "locking") {
            lines.push_back(finding.to_string(graph));
        }
    }
    return lines;
}

} // namespace

TEST_CASE("Backend lint: each code, from what the engine did", "[backend][lint]") {
    BackendFixture db;
    const ScopedCurrentPath cwd(db.dir().path());
    const bool pg = db.is_postgresql();
    SECTION("nothing destructive: no finding") {
        write_history(db, "ALTER TABLE users ADD COLUMN nick TEXT;\nCREATE TABLE fresh (id "
                          "INTEGER NOT NULL);\nCREATE INDEX users_age ON users (age);\n");
        CHECK(lint(db) == Lines{});
    }
    SECTION("drop-table") {
        write_history(db, "DROP TABLE audit;\n");
        CHECK(lint(db) == Lines{"versions/b/up.sql: drop-table: table audit: dropped with its "
                                "data; stop using it, and drop it in a later revision once no "
                                "running code reads it"});
    }
    SECTION("drop-column") {
        write_history(db, "ALTER TABLE users DROP COLUMN bio;\n");
        CHECK(lint(db) == Lines{"versions/b/up.sql: drop-column: column bio on users: dropped "
                                "with its data; stop reading and writing it first, and drop it "
                                "in a later revision"});
    }
    SECTION("change-column-type") {
        write_history(db, pg ? "ALTER TABLE users ALTER COLUMN age TYPE smallint;\n"
                             : rebuild_users("id INTEGER PRIMARY KEY, email TEXT, age TEXT, bio "
                                             "TEXT"));
        CHECK(lint(db) ==
              Lines{std::string("versions/b/up.sql: change-column-type: column age on users: "
                                "type ") +
                    (pg ? "integer -> smallint" : "INTEGER -> TEXT") +
                    ": rewrites the column and may fail or lose data; add a column of the new "
                    "type, backfill it, switch the code, then drop the old one"});
    }
    SECTION("add-not-null on an existing column") {
        write_history(db, pg ? "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
                             : rebuild_users("id INTEGER PRIMARY KEY, email TEXT NOT NULL, age "
                                             "INTEGER, bio TEXT"));
        CHECK(lint(db) == Lines{"versions/b/up.sql: add-not-null: column email on users: set NOT "
                                "NULL on an existing column: fails if any row holds NULL, and "
                                "breaks code that writes NULL; backfill first, and check no code "
                                "writes NULL"});
    }
    SECTION("add-not-null: a new NOT NULL column without a default") {
        // SQLite refuses to add one; a rebuild adds it.
        write_history(db, pg ? "ALTER TABLE users ADD COLUMN tenant_id integer NOT NULL;\n"
                             : "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT, age "
                               "INTEGER, bio TEXT, tenant_id INTEGER NOT NULL);\nINSERT INTO "
                               "users_new SELECT *, 1 FROM users;\nDROP TABLE users;\nALTER "
                               "TABLE users_new RENAME TO users;\nCREATE INDEX users_email ON "
                               "users (email);\n");
        CHECK(lint(db) == Lines{"versions/b/up.sql: add-not-null: column tenant_id on users: a "
                                "NOT NULL column without a default on an existing table: fails "
                                "on a table with rows, and breaks inserts that do not name it; "
                                "add it with a default, or nullable, backfill, then set NOT "
                                "NULL"});
    }
    SECTION("a new NOT NULL column with a default is fine") {
        write_history(db, "ALTER TABLE users ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1;\n");
        CHECK(lint(db) == Lines{});
    }
    SECTION("drop-index") {
        write_history(db, "DROP INDEX users_email;\n");
        CHECK(lint(db) == Lines{"versions/b/up.sql: drop-index: index users_email on users: "
                                "dropped: queries that used it may become slow, and a unique "
                                "index no longer guards its data"});
    }
    SECTION("drop-constraint") {
        write_history(db, pg ? "ALTER TABLE items DROP CONSTRAINT items_price_check;\n"
                             : "CREATE TABLE items_new (id INTEGER PRIMARY KEY, price "
                               "INTEGER);\nINSERT INTO items_new SELECT * FROM items;\nDROP "
                               "TABLE items;\nALTER TABLE items_new RENAME TO items;\n");
        CHECK(lint(db) == Lines{"versions/b/up.sql: drop-constraint: constraint "
                                "items_price_check on items: dropped: the database no longer "
                                "checks what it guarded"});
    }
    SECTION("rename: a table") {
        write_history(db, "ALTER TABLE audit RENAME TO audit_log;\n");
        CHECK(lint(db) == Lines{"versions/b/up.sql: rename: table audit -> audit_log: renamed: "
                                "running code that uses the old name breaks; add the new name "
                                "beside the old one (a view), switch the code, then drop the "
                                "old"});
    }
    SECTION("rename: a column") {
        write_history(db, "ALTER TABLE users RENAME COLUMN bio TO about;\n");
        CHECK(lint(db) == Lines{"versions/b/up.sql: rename: column bio -> about on users: "
                                "renamed: running code that uses the old name breaks; add the "
                                "new column beside the old one, write both, switch the readers, "
                                "then drop the old"});
    }
    SECTION("drop-view") {
        write_history(db, "DROP VIEW adults;\n");
        CHECK(lint(db) == Lines{"versions/b/up.sql: drop-view: view adults: dropped: running "
                                "code that reads it breaks; drop it once nothing does"});
    }
    SECTION("a view replaced with a new definition is not reported") {
        write_history(db, "DROP VIEW adults;\nCREATE VIEW adults AS SELECT id, name FROM "
                          "people;\n");
        CHECK(lint(db) == Lines{});
    }
    SECTION("several findings of one revision, each once") {
        write_history(db, "DROP TABLE audit;\nDROP VIEW adults;\nDROP INDEX users_email;\n");
        CHECK(lint(db) == Lines{"versions/b/up.sql: drop-table: table audit: dropped with its "
                                "data; stop using it, and drop it in a later revision once no "
                                "running code reads it",
                                "versions/b/up.sql: drop-index: index users_email on users: "
                                "dropped: queries that used it may become slow, and a unique "
                                "index no longer guards its data",
                                "versions/b/up.sql: drop-view: view adults: dropped: running "
                                "code that reads it breaks; drop it once nothing does"});
    }
}

TEST_CASE("Backend lint: a manifest's [lint] allow marks its findings allowed", "[backend][lint]") {
    BackendFixture db;
    const ScopedCurrentPath cwd(db.dir().path());
    write_history(db, "ALTER TABLE users DROP COLUMN bio;\nDROP TABLE audit;\n",
                  "\n[lint]\nallow = [\"drop-column\"]\n");
    CHECK(lint(db) == Lines{"versions/b/up.sql: drop-table: table audit: dropped with its data; "
                            "stop using it, and drop it in a later revision once no running code "
                            "reads it",
                            "versions/b/up.sql: drop-column: column bio on users: dropped with "
                            "its data; stop reading and writing it first, and drop it in a later "
                            "revision (allowed)"});
}

TEST_CASE("Backend lint: branch-conflict across a real merge", "[backend][lint]") {
    BackendFixture db;
    const ScopedCurrentPath cwd(db.dir().path());
    write_scripted_revision(db.dir(), "a", {}, k_schema, "SELECT 1;\n");
    // b and c both change users, d changes items on c's side; m joins them.
    write_scripted_revision(db.dir(), "b", {"a"}, "ALTER TABLE users ADD COLUMN nick TEXT;\n",
                            "SELECT 1;\n");
    write_scripted_revision(db.dir(), "c", {"a"}, "CREATE INDEX users_age ON users (age);\n",
                            "SELECT 1;\n");
    write_scripted_revision(db.dir(), "d", {"c"}, "CREATE INDEX items_price ON items (price);\n",
                            "SELECT 1;\n");
    const std::string conflict =
        "versions/b/up.sql: branch-conflict: table users: changed on two branches written apart "
        "(b and c); check that together they do what both meant";
    SECTION("two heads not merged yet") {
        CHECK(lint(db) == Lines{conflict});
    }
    SECTION("joined by a merge revision") {
        write_scripted_revision(db.dir(), "m", {"b", "d"}, "", "");
        CHECK(lint(db) == Lines{conflict});
    }
    SECTION("allowed by either revision") {
        write_scripted_revision(db.dir(), "c", {"a"}, "CREATE INDEX users_age ON users (age);\n",
                                "SELECT 1;\n", "\n[lint]\nallow = [\"branch-conflict\"]\n");
        write_scripted_revision(db.dir(), "m", {"b", "d"}, "", "");
        CHECK(lint(db) == Lines{conflict + " (allowed)"});
    }
    SECTION("as rev merge checks the heads it joins") {
        const RevisionGraph graph = db.load();
        const RevisionGraph::Vertices sides{*graph.revisions().find("b"),
                                            *graph.revisions().find("d")};
        const RevisionGraph::Vertices members = rev::join_revisions(graph, sides);
        Lines ids;
        for (const RevisionGraph::Vertex vertex : members) {
            ids.push_back(graph.revision(vertex).id);
        }
        CHECK(ids == Lines{"b", "c", "d"});
        const std::vector<RevisionProof> proofs = db.prove(graph, ids, false);
        Lines lines;
        for (const LintFinding& finding : rev::lint_join(graph, proofs, sides)) {
            lines.push_back(finding.to_string(graph));
            CHECK(finding.other_revision == graph.revisions().find("c"));
        }
        CHECK(lines == Lines{conflict});
    }
    SECTION("branches that change different tables do not conflict") {
        write_scripted_revision(db.dir(), "c", {"a"}, "CREATE INDEX audit_what ON audit (what);\n",
                                "SELECT 1;\n");
        write_scripted_revision(db.dir(), "m", {"b", "d"}, "", "");
        CHECK(lint(db) == Lines{});
    }
}

TEST_CASE("Backend lint: a DROP inside a DO block is seen for what it does",
          "[backend][lint][postgresql]") {
    BackendFixture db;
    if (!db.is_postgresql()) {
        FAIL("this case needs PostgreSQL: set REV_TEST_DATABASE to a libpq connection string, or "
             "leave it out with the test spec ~[postgresql]");
    }
    const ScopedCurrentPath cwd(db.dir().path());
    write_history(db, "DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'audit'; END $$;\n");
    CHECK(lint(db) == Lines{"versions/b/up.sql: drop-table: table audit: dropped with its data; "
                            "stop using it, and drop it in a later revision once no running code "
                            "reads it"});
}
