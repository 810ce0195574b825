// The shared backend suite: every case runs once against SQLite and once against PostgreSQL
// (REV_TEST_DATABASE, see backend_fixture.hpp).
#include "backend_fixture.hpp"
#include "run_rev.hpp"

#include <rev/applier.hpp>
#include <rev/error.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>
#include <thread>

using rev::MoveKind;
using rev::TransactionMode;
using rev::test::BackendFixture;
using rev::test::what_of;
using rev::test::write_revision;
using Ids = std::vector<std::string>;

namespace {

// a - b - c - d - m
//          \- e -/
void write_branch_and_merge(const BackendFixture& db) {
    write_revision(db.dir(), "a", {});
    write_revision(db.dir(), "b", {"a"});
    write_revision(db.dir(), "c", {"b"}, "branch_labels = [\"trunk\"]\n");
    write_revision(db.dir(), "d", {"c"}, "branch_labels = [\"left\"]\n");
    write_revision(db.dir(), "e", {"c"}, "branch_labels = [\"right\"]\n");
    write_revision(db.dir(), "m", {"d", "e"});
}

std::string up_path(const BackendFixture& db, const std::string& id) {
    return (db.dir().path() / "versions" / id / "up.sql").string();
}

} // namespace

TEST_CASE("Backend: upgrade head applies every revision in topological order", "[backend]") {
    BackendFixture db;
    write_branch_and_merge(db);
    CHECK(db.move(MoveKind::upgrade, "head") == 6);
    CHECK(db.applied_ids() == Ids{"a", "b", "c", "d", "e", "m"});
    CHECK(db.tables() == Ids{"t_a", "t_b", "t_c", "t_d", "t_e", "t_m"});
    CHECK(db.connect()->log(100).size() == 6);
    SECTION("a second upgrade has nothing to do") {
        CHECK(db.move(MoveKind::upgrade, "head") == 0);
    }
    SECTION("downgrade base reverts everything, children first") {
        CHECK(db.move(MoveKind::downgrade, "base") == 6);
        CHECK(db.applied_ids().empty());
        CHECK(db.tables().empty());
        const auto log = db.connect()->log(6);
        Ids reverted;
        for (auto it = log.rbegin(); it != log.rend(); ++it) {
            reverted.push_back(it->revision);
        }
        CHECK(reverted == Ids{"m", "e", "d", "c", "b", "a"});
    }
}

TEST_CASE("Backend: relative moves at a merge point and with several heads", "[backend]") {
    BackendFixture db;
    write_branch_and_merge(db);
    db.move(MoveKind::upgrade, "head");
    SECTION("-1 reverts only the merge") {
        CHECK(db.move(MoveKind::downgrade, "-1") == 1);
        CHECK(db.applied_ids() == Ids{"a", "b", "c", "d", "e"});
        SECTION("then -1 again reverts the newest of two heads") {
            CHECK(db.move(MoveKind::downgrade, "-1") == 1);
            CHECK(db.applied_ids() == Ids{"a", "b", "c", "d"});
        }
    }
    SECTION("-3 reverts the three most recently applied") {
        CHECK(db.move(MoveKind::downgrade, "-3") == 3);
        CHECK(db.applied_ids() == Ids{"a", "b", "c"});
    }
    SECTION("LABEL@-1 counts within the branch") {
        db.move(MoveKind::downgrade, "-1");
        CHECK(db.move(MoveKind::downgrade, "left@-1") == 1);
        CHECK(db.applied_ids() == Ids{"a", "b", "c", "e"});
    }
    SECTION("-N beyond what is applied is refused") {
        CHECK(what_of([&] { db.move(MoveKind::downgrade, "-7"); }) ==
              "target '-7' asks for 7 revisions but only 6 are applied");
    }
}

TEST_CASE("Backend: +N applies exactly the next N steps of the plan", "[backend]") {
    BackendFixture db;
    write_branch_and_merge(db);
    CHECK(db.move(MoveKind::upgrade, "+2") == 2);
    CHECK(db.applied_ids() == Ids{"a", "b"});
    CHECK(db.move(MoveKind::upgrade, "+3") == 3);
    CHECK(db.applied_ids() == Ids{"a", "b", "c", "d", "e"});
    CHECK(what_of([&] { db.move(MoveKind::upgrade, "+2"); }) ==
          "target '+2' asks for 2 revisions but only 1 remain to 'head'");
}

TEST_CASE("Backend: absolute targets", "[backend]") {
    BackendFixture db;
    write_branch_and_merge(db);
    SECTION("REV+N and a label head") {
        db.move(MoveKind::upgrade, "a+2");
        CHECK(db.applied_ids() == Ids{"a", "b", "c"});
        // right's branch runs on through the merge, so its head is m.
        db.move(MoveKind::upgrade, "right@head");
        CHECK(db.applied_ids() == Ids{"a", "b", "c", "d", "e", "m"});
    }
    SECTION("a fork on the way is an error naming the choices") {
        CHECK(what_of([&] { db.move(MoveKind::upgrade, "c+1"); }) ==
              "target 'c+1' is ambiguous: 'c' has 2 children (d, e)");
    }
    SECTION("downgrade to REV keeps REV") {
        db.move(MoveKind::upgrade, "heads");
        db.move(MoveKind::downgrade, "c");
        CHECK(db.applied_ids() == Ids{"a", "b", "c"});
    }
    SECTION("LABEL@base reverts only that branch") {
        db.move(MoveKind::upgrade, "heads");
        CHECK(db.move(MoveKind::downgrade, "right@base") == 2);
        CHECK(db.applied_ids() == Ids{"a", "b", "c", "d"});
    }
    SECTION("walking down through a merge is an error naming the parents") {
        db.move(MoveKind::upgrade, "heads");
        CHECK(what_of([&] { db.move(MoveKind::downgrade, "m-1"); }) ==
              "target 'm-1' is ambiguous: 'm' has 2 parents (d, e)");
    }
}

TEST_CASE("Backend: depends_on is applied first and reverted along", "[backend]") {
    BackendFixture db;
    // a - x     y - b, where b depends on x
    write_revision(db.dir(), "a", {});
    write_revision(db.dir(), "x", {"a"});
    write_revision(db.dir(), "y", {});
    write_revision(db.dir(), "b", {"y"}, "depends_on = [\"x\"]\n");
    db.move(MoveKind::upgrade, "b");
    CHECK(db.applied_ids() == Ids{"a", "x", "y", "b"});
    // Reverting x must take b, which needs it, but not y.
    CHECK(db.move(MoveKind::downgrade, "a") == 2);
    CHECK(db.applied_ids() == Ids{"a", "y"});
}

TEST_CASE("Backend: stamp records without running scripts", "[backend]") {
    BackendFixture db;
    write_branch_and_merge(db);
    CHECK(db.move(MoveKind::stamp, "d") == 4);
    CHECK(db.applied_ids() == Ids{"a", "b", "c", "d"});
    CHECK(db.tables().empty());
    CHECK(db.move(MoveKind::stamp, "b") == 2);
    CHECK(db.applied_ids() == Ids{"a", "b"});
    CHECK(db.move(MoveKind::stamp, "base") == 2);
    CHECK(db.applied_ids().empty());
    CHECK(db.connect()->log(100).front().event == "stamp-down");
}

TEST_CASE("Backend: a failing statement rolls its step back", "[backend][error]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {});
    write_revision(db.dir(), "b", {"a"});
    write_revision(db.dir(), "c", {"b"});
    db.dir().write("versions/c/up.sql",
                   "CREATE TABLE t_c (x INTEGER);\n\n-- the next statement fails\n"
                   "INSERT INTO nowhere VALUES (1);\n");
    const std::string reason = db.is_postgresql()
                                   ? "relation \"nowhere\" does not exist (SQLSTATE 42P01)"
                                   : "no such table: nowhere";
    SECTION("per revision: the earlier steps stay") {
        CHECK(what_of([&] { db.move(MoveKind::upgrade, "head"); }) ==
              up_path(db, "c") + ":4: upgrade c failed: " + reason +
                  " (this step was rolled back; 2 earlier steps stay applied)");
        CHECK(db.applied_ids() == Ids{"a", "b"});
        CHECK(db.tables() == Ids{"t_a", "t_b"});
    }
    SECTION("all: the whole move is rolled back") {
        CHECK(what_of([&] { db.move(MoveKind::upgrade, "head", TransactionMode::all); }) ==
              up_path(db, "c") + ":4: upgrade c failed: " + reason +
                  " (the whole move was rolled back)");
        CHECK(db.applied_ids().empty());
        CHECK(db.tables().empty());
    }
}

TEST_CASE("Backend: a syntax error names its line", "[backend][error]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {});
    db.dir().write("versions/a/up.sql", "CREATE TABLE t_a (x INTEGER);\nCREATE TABLE (;\n");
    const std::string reason = db.is_postgresql() ? "syntax error at or near \"(\" (SQLSTATE 42601)"
                                                  : "near \"(\": syntax error";
    CHECK(what_of([&] { db.move(MoveKind::upgrade, "head"); }) ==
          up_path(db, "a") + ":2: upgrade a failed: " + reason +
              " (this step was rolled back; 0 earlier steps stay applied)");
    CHECK(db.tables().empty());
}

TEST_CASE("Backend: a script that ends rev's transaction is caught", "[backend][error]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {});
    write_revision(db.dir(), "b", {"a"});
    db.dir().write("versions/b/up.sql", "CREATE TABLE t_b (x INTEGER);\nCOMMIT;\n");
    CHECK(what_of([&] { db.move(MoveKind::upgrade, "head"); }) ==
          up_path(db, "b") +
              ": upgrade b failed: the script ended rev's transaction (COMMIT or ROLLBACK in "
              "it?); leave transactions to rev, or set transactional = false (what this step "
              "ran before that is not rolled back; 1 earlier step stays applied)");
    // The table was committed by the script itself; the record says only what rev did.
    CHECK(db.applied_ids() == Ids{"a"});
    CHECK(db.tables() == Ids{"t_a", "t_b"});
}

TEST_CASE("Backend: non-transactional revisions", "[backend]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {});
    write_revision(db.dir(), "b", {"a"}, "transactional = false\n");
    // VACUUM cannot run inside a transaction on either engine.
    db.dir().write("versions/b/up.sql", "VACUUM;\n");
    db.dir().write("versions/b/down.sql", "VACUUM;\n");
    SECTION("run outside a transaction") {
        CHECK(db.move(MoveKind::upgrade, "head") == 2);
        CHECK(db.applied_ids() == Ids{"a", "b"});
        CHECK(db.move(MoveKind::downgrade, "base") == 2);
    }
    SECTION("cannot join --transaction all") {
        CHECK(what_of([&] { db.move(MoveKind::upgrade, "head", TransactionMode::all); }) ==
              (db.dir().path() / "versions/b/manifest.toml").string() +
                  ": revision b has transactional = false and cannot run inside "
                  "--transaction all; run it in per-revision mode");
        CHECK(db.applied_ids().empty());
    }
}

TEST_CASE("Backend: a multi-statement script runs whole", "[backend]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {});
    const std::string sqlite_script =
        "-- a comment first\nCREATE TABLE t_a (x INTEGER);\nCREATE TABLE t_audit (x INTEGER);\n"
        "CREATE TRIGGER t_a_audit AFTER INSERT ON t_a BEGIN\n"
        "  INSERT INTO t_audit VALUES (NEW.x); INSERT INTO t_audit VALUES (NEW.x + 1);\nEND;\n"
        "INSERT INTO t_a VALUES (1);\n/* a trailing comment */\n";
    const std::string pg_script =
        "-- a comment first\nCREATE TABLE t_a (x INTEGER);\nCREATE TABLE t_audit (x INTEGER);\n"
        "CREATE FUNCTION t_a_audit() RETURNS trigger AS $body$\nBEGIN\n"
        "  INSERT INTO t_audit VALUES (NEW.x); INSERT INTO t_audit VALUES (NEW.x + 1);\n"
        "  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;\n"
        "CREATE TRIGGER t_a_audit AFTER INSERT ON t_a FOR EACH ROW EXECUTE FUNCTION t_a_audit();\n"
        "INSERT INTO t_a VALUES (1);\n/* a trailing comment */\n";
    db.dir().write("versions/a/up.sql", db.is_postgresql() ? pg_script : sqlite_script);
    db.dir().write("versions/a/down.sql", "DROP TABLE t_a; DROP TABLE t_audit;\n");
    db.move(MoveKind::upgrade, "head");
    CHECK(db.tables() == Ids{"t_a", "t_audit"});
    // Two rows in the audit table prove the trigger body and the final insert both ran.
    db.execute("CREATE TABLE t_count AS SELECT COUNT(*) AS n FROM t_audit;");
    db.execute("DELETE FROM t_count WHERE n = 2;");
    db.execute("INSERT INTO t_a SELECT n FROM t_count;"); // inserts nothing when n was 2
    db.execute("DROP TABLE t_count;");
    db.move(MoveKind::downgrade, "base");
    CHECK(db.tables().empty());
}

TEST_CASE("Backend: --sql output builds the same schema and records as a real run",
          "[backend][sql]") {
    BackendFixture db;
    write_branch_and_merge(db);
    std::ostringstream sql;
    {
        const rev::RevisionGraph graph = db.load();
        auto printer = rev::make_sql_printer(db.url(), rev::VersionTables{}, sql);
        rev::AppliedSet none;
        rev::Applier(graph, *printer, {})
            .apply(rev::plan_upgrade(graph, none, rev::parse_target("heads")));
    }
    db.dir().write("offline.sql", sql.str());
    const std::string script = (db.dir().path() / "offline.sql").string();
    const std::string command =
        db.is_postgresql() ? "psql -q -v ON_ERROR_STOP=1 '" + db.url().conninfo + "' -f " + script
                           : "sqlite3 " + db.url().sqlite_path.string() + " < " + script;
    REQUIRE(std::system((command + " > /dev/null").c_str()) == 0);
    const Ids offline_applied = db.applied_ids();
    const Ids offline_tables = db.tables();
    CHECK(offline_applied == Ids{"a", "b", "c", "d", "e", "m"});

    db.execute("DROP TABLE rev_version; DROP TABLE rev_version_log; DROP TABLE rev_version_meta;");
    db.move(MoveKind::downgrade, "base"); // nothing recorded: a no-op that must not fail
    for (const std::string& table : offline_tables) {
        db.execute("DROP TABLE " + table + ";");
    }
    db.move(MoveKind::upgrade, "heads");
    CHECK(db.applied_ids() == offline_applied);
    CHECK(db.tables() == offline_tables);
}

TEST_CASE("Backend: the lock makes a second mover wait, then give up", "[backend][lock]") {
    BackendFixture db;
    auto holder = db.connect();
    holder->lock(std::chrono::seconds(1));
    auto waiter = db.connect();
    CHECK(what_of([&] { waiter->lock(std::chrono::milliseconds(200)); }) ==
          db.url().display + ": another rev process is moving this database; gave up after 0.2 s "
                             "(--lock-timeout)");
    holder->unlock();
    waiter->lock(std::chrono::milliseconds(200));
}

TEST_CASE("Backend: 8 rev processes upgrading at once apply each revision once",
          "[backend][concurrency]") {
    BackendFixture db;
    constexpr int k_revisions = 40;
    write_revision(db.dir(), "r0", {});
    for (int i = 1; i < k_revisions; ++i) {
        write_revision(db.dir(), "r" + std::to_string(i), {"r" + std::to_string(i - 1)});
    }
    db.dir().write("migrate.toml", "[database]\nurl = \"" + db.url_text() + "\"\n");
    std::vector<rev::test::RunResult> results(8);
    std::vector<std::thread> runners;
    runners.reserve(results.size());
    for (auto& result : results) {
        runners.emplace_back([&db, &result] {
            result = rev::test::run_rev(db.dir().path(), {"-q", "upgrade", "head"});
        });
    }
    for (auto& runner : runners) {
        runner.join();
    }
    for (const auto& result : results) {
        CHECK(result.err == "");
        CHECK(result.exit_code == 0);
    }
    Ids expected;
    for (int i = 0; i < k_revisions; ++i) {
        expected.push_back("r" + std::to_string(i));
    }
    // In applied order, which also proves seq sorts as a number (r10 after r9).
    CHECK(db.applied_ids() == expected);
    CHECK(db.tables().size() == k_revisions);
    CHECK(db.connect()->log(1000).size() == k_revisions);
}

TEST_CASE("Backend: stamp --purge recovers from revisions the folder lost", "[backend][stamp]") {
    BackendFixture db;
    write_branch_and_merge(db);
    db.move(MoveKind::stamp, "head");
    std::filesystem::remove_all(db.dir().path() / "versions" / "m");
    const std::string unknown = db.url().display +
                                " has applied revisions that the revisions folder does not "
                                "have: m (switched branch or deleted files? see docs/safety.md)";
    CHECK(what_of([&] { db.move(MoveKind::upgrade, "head"); }) == unknown);
    SECTION("a purge with a bad target changes nothing") {
        CHECK(what_of([&] {
                  db.move(MoveKind::stamp, "zzzz", TransactionMode::per_revision, true);
              }) == "unknown revision 'zzzz'");
        CHECK(db.applied_ids() == Ids{"a", "b", "c", "d", "e", "m"});
    }
    SECTION("a purge and the stamp share one transaction, whatever mode is asked") {
        CHECK(db.move(MoveKind::stamp, "d", TransactionMode::per_revision, true) == 4);
        CHECK(db.applied_ids() == Ids{"a", "b", "c", "d"});
        const auto log = db.connect()->log(5);
        CHECK(log.back().event == "purge");
        CHECK(log.back().revision == "");
    }
}
