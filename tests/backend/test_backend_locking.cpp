// rev lint's `locking` on the real engine: the table locks a revision's up.sql holds, as
// Database::held_table_locks() reads them (pg_locks on PostgreSQL; none on SQLite).
#include "backend_fixture.hpp"

#include <rev/connect.hpp>
#include <rev/lint.hpp>
#include <rev/verify.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using rev::test::BackendFixture;
using rev::test::write_revision;
using Lines = std::vector<std::string>;

namespace {

// a1 creates t(a, b) with a row; b2 runs `up` against it.
Lines locking_findings(const BackendFixture& db, const std::string& up) {
    write_revision(db.dir(), "a1", {});
    db.dir().write("versions/a1/up.sql",
                   "CREATE TABLE t (a integer, b text);\nINSERT INTO t VALUES (1, 'x');\n");
    db.dir().write("versions/a1/down.sql", "DROP TABLE t;\n");
    write_revision(db.dir(), "b2", {"a1"});
    db.dir().write("versions/b2/up.sql", up);
    const rev::RevisionGraph graph = db.load();
    const auto scratch = rev::create_scratch(db.url(), rev::VersionTables{}, {});
    rev::ProofOptions options;
    options.round_trip = false;
    Lines lines;
    for (const rev::RevisionProof& proof :
         rev::prove_revisions(scratch->database(), graph, graph.topological_order(), options)) {
        for (const rev::LintFinding& finding : rev::lint_revision(graph, proof)) {
            if (finding.code == "locking") {
                lines.push_back(finding.to_string(graph));
            }
        }
    }
    return lines;
}

} // namespace

TEST_CASE("backend: held_table_locks names the tables a transaction locks", "[backend][lint]") {
    BackendFixture db;
    db.execute("CREATE TABLE held (a integer);");
    const auto database = db.connect();
    database->runner().begin();
    database->runner().execute(
        {db.is_postgresql() ? "LOCK TABLE held IN SHARE MODE;" : "INSERT INTO held VALUES (1);",
         "lock.sql"});
    const std::vector<rev::TableLock> locks = database->held_table_locks();
    database->runner().rollback();
    if (db.is_postgresql()) {
        CHECK(locks == std::vector<rev::TableLock>{{"held", "ShareLock"}});
    } else {
        CHECK(locks.empty());
    }
    CHECK(database->held_table_locks().empty());
}

TEST_CASE("backend: lint locking, from the locks up.sql really takes", "[backend][lint]") {
    BackendFixture db;
    const rev::test::ScopedCurrentPath cwd(db.dir().path());
    SECTION("CREATE INDEX without CONCURRENTLY on a table that existed") {
        const Lines found = locking_findings(db, "CREATE INDEX t_a ON t (a);\n");
        if (db.is_postgresql()) {
            CHECK(found == Lines{"versions/b2/up.sql: locking: table t: CREATE INDEX without "
                                 "CONCURRENTLY holds a SHARE lock that blocks every write to the "
                                 "table while the index builds; use CREATE INDEX CONCURRENTLY in "
                                 "a revision with transactional = false"});
        } else {
            CHECK(found.empty());
        }
    }
    SECTION("SET NOT NULL on a table that existed") {
        const Lines found = locking_findings(db, "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n");
        if (db.is_postgresql()) {
            CHECK(found == Lines{"versions/b2/up.sql: locking: table t: SET NOT NULL scans the "
                                 "whole table under an ACCESS EXCLUSIVE lock that blocks reads "
                                 "and writes; add CHECK (column IS NOT NULL) NOT VALID, VALIDATE "
                                 "it in a later revision, then SET NOT NULL"});
        } else {
            CHECK(found.empty());
        }
    }
    SECTION("adding a nullable column, or indexing a new table, is not reported") {
        CHECK(locking_findings(db, "ALTER TABLE t ADD COLUMN c text;\nCREATE TABLE u (x int);\n"
                                   "CREATE INDEX u_x ON u (x);\n")
                  .empty());
    }
}
