// --sql (src/db/sql_printer.cpp): the script a move prints, driven by the Applier as
// src/cli/cmd_migrate.cpp drives it, asserted whole; and the SQLite script run through the
// sqlite3 shell into a fresh file, which must then hold what a real move records.
#include "temp_dir.hpp"

#include <rev/applied_set.hpp>
#include <rev/applier.hpp>
#include <rev/checksum.hpp>
#include <rev/connect.hpp>
#include <rev/loader.hpp>
#include <rev/migrate.hpp>
#include <rev/plan.hpp>
#include <rev/step_record.hpp>
#include <rev/target.hpp>
#include <rev/version.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using rev::test::TempDir;
using rev::test::write_revision;
using Ids = std::vector<std::string>;

namespace {

// Revisions a - b in a temp dir, the current directory; b's up.sql lacks its final ';'.
class Project {
public:
    Project() {
        write_revision(m_dir, "a", {});
        write_revision(m_dir, "b", {"a"});
        m_dir.write("versions/b/up.sql", "CREATE TABLE t_b (x INTEGER)");
    }

    const TempDir& dir() const { return m_dir; }
    rev::RevisionGraph load() const { return rev::load_revision_graph("versions"); }

    // What --sql prints for `kind FROM:TO` on `url`.
    std::string sql(const std::string& url, rev::MoveKind kind, const std::string& from,
                    const std::string& to,
                    rev::TransactionMode mode = rev::TransactionMode::per_revision) const {
        const rev::RevisionGraph graph = load();
        const rev::Plan plan = rev::plan_move(
            kind, graph, rev::applied_at(graph, rev::parse_target(from)), rev::parse_target(to));
        std::ostringstream out;
        auto printer = rev::make_sql_printer(rev::parse_database_url(url, m_dir.path()), {}, out);
        rev::ApplyOptions options;
        options.mode = mode;
        options.stamp = kind == rev::MoveKind::stamp;
        rev::Applier(graph, *printer, options).apply(plan);
        return out.str();
    }

    rev::Checksums checksums(const std::string& id) const {
        const rev::RevisionGraph graph = load();
        return rev::checksums_of(
            rev::read_revision_files(graph.revision(*graph.revisions().find(id))));
    }

private:
    TempDir m_dir;
    rev::test::ScopedCurrentPath m_here{m_dir.path()};
};

// `text` with what changes from run to run written as <at>, <by> and <ms>.
std::string normalized(const std::string& text) {
    std::string result = std::regex_replace(
        text, std::regex(R"('\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z')"), "'<at>'");
    std::string actor;
    for (const char c : rev::current_actor()) {
        actor += std::string(std::strchr(".^$|()[]{}*+?\\", c) != nullptr ? "\\" : "") + c;
    }
    return std::regex_replace(result, std::regex("'" + actor + "', [0-9]+, "), "'<by>', <ms>, ");
}

const std::string k_sqlite_tables =
    "CREATE TABLE IF NOT EXISTS \"rev_version_meta\" (key TEXT PRIMARY KEY, value TEXT NOT "
    "NULL);\n"
    "INSERT INTO \"rev_version_meta\" (key, value) VALUES ('layout_version', '2') ON CONFLICT "
    "(key) DO NOTHING;\n"
    "CREATE TABLE IF NOT EXISTS \"rev_version\" (revision TEXT PRIMARY KEY, seq BIGINT NOT NULL "
    "UNIQUE, up_sha256 TEXT NOT NULL, down_sha256 TEXT NOT NULL, manifest_sha256 TEXT NOT NULL, "
    "applied_at TEXT NOT NULL, applied_by TEXT NOT NULL, duration_ms BIGINT NOT NULL, "
    "rev_version TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'applied', error TEXT);\n"
    "CREATE TABLE IF NOT EXISTS \"rev_version_log\" (id INTEGER PRIMARY KEY, event TEXT NOT "
    "NULL, revision TEXT, up_sha256 TEXT, down_sha256 TEXT, manifest_sha256 TEXT, event_at TEXT "
    "NOT NULL, actor TEXT NOT NULL, duration_ms BIGINT NOT NULL, rev_version TEXT NOT NULL, "
    "detail TEXT);\n";

const std::string k_pg_tables =
    "CREATE TABLE IF NOT EXISTS \"rev_version_meta\" (key TEXT PRIMARY KEY, value TEXT NOT "
    "NULL);\n"
    "INSERT INTO \"rev_version_meta\" (key, value) VALUES ('layout_version', '2') ON CONFLICT "
    "(key) DO NOTHING;\n"
    "CREATE TABLE IF NOT EXISTS \"rev_version\" (revision TEXT PRIMARY KEY, seq BIGINT NOT NULL "
    "UNIQUE, up_sha256 TEXT NOT NULL, down_sha256 TEXT NOT NULL, manifest_sha256 TEXT NOT NULL, "
    "applied_at TIMESTAMPTZ NOT NULL, applied_by TEXT NOT NULL, duration_ms BIGINT NOT NULL, "
    "rev_version TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'applied', error TEXT);\n"
    "CREATE TABLE IF NOT EXISTS \"rev_version_log\" (id BIGINT GENERATED ALWAYS AS IDENTITY "
    "PRIMARY KEY, event TEXT NOT NULL, revision TEXT, up_sha256 TEXT, down_sha256 TEXT, "
    "manifest_sha256 TEXT, event_at TIMESTAMPTZ NOT NULL, actor TEXT NOT NULL, duration_ms "
    "BIGINT NOT NULL, rev_version TEXT NOT NULL, detail TEXT);\n";

// The two statements that record `event` of `id`, normalized; `at` is how the dialect writes
// the time in the version table.
std::string recorded(const std::string& event, const std::string& id, const rev::Checksums& sums,
                     const std::string& at = "'<at>'") {
    const std::string version = rev::k_version;
    const std::string values = "'" + sums.up + "', '" + sums.down + "', '" + sums.manifest + "'";
    const std::string log = "INSERT INTO \"rev_version_log\" (event, revision, up_sha256, "
                            "down_sha256, manifest_sha256, event_at, actor, duration_ms, "
                            "rev_version, detail) VALUES ('" +
                            event + "', '" + id + "', " + values + ", '<at>', '<by>', <ms>, '" +
                            version + "', NULL);\n";
    if (event == "downgrade") {
        return "DELETE FROM \"rev_version\" WHERE revision = '" + id + "';\n" + log;
    }
    return "INSERT INTO \"rev_version\" (revision, seq, up_sha256, down_sha256, manifest_sha256, "
           "applied_at, applied_by, duration_ms, rev_version, state) SELECT '" +
           id + "', COALESCE(MAX(seq), 0) + 1, " + values + ", " + at + ", '<by>', <ms>, '" +
           version + "', 'applied' FROM \"rev_version\";\n" + log;
}

} // namespace

TEST_CASE("make_sql_printer: an upgrade on SQLite", "[sql_printer]") {
    Project project;
    const rev::Checksums a = project.checksums("a");
    const rev::Checksums b = project.checksums("b");
    SECTION("one transaction per revision") {
        CHECK(normalized(project.sql("sqlite:///app.db", rev::MoveKind::upgrade, "base", "head")) ==
              "-- Generated by rev: run it with sqlite3 -bail DB < FILE\n\n" + k_sqlite_tables +
                  "\n"
                  "BEGIN;\n\n"
                  "-- versions/a/up.sql\n"
                  "CREATE TABLE t_a (x INTEGER);\n\n" +
                  recorded("upgrade", "a", a) +
                  "\n"
                  "COMMIT;\n\n"
                  "BEGIN;\n\n"
                  // The missing ';' is added, so the script does not swallow what follows.
                  "-- versions/b/up.sql\n"
                  "CREATE TABLE t_b (x INTEGER)\n;\n\n" +
                  recorded("upgrade", "b", b) +
                  "\n"
                  "COMMIT;\n\n");
    }
    SECTION("one transaction for the whole move") {
        CHECK(normalized(project.sql("sqlite:///app.db", rev::MoveKind::upgrade, "a", "head",
                                     rev::TransactionMode::all)) ==
              "-- Generated by rev: run it with sqlite3 -bail DB < FILE\n\n" + k_sqlite_tables +
                  "\n"
                  "BEGIN;\n\n"
                  "-- versions/b/up.sql\n"
                  "CREATE TABLE t_b (x INTEGER)\n;\n\n" +
                  recorded("upgrade", "b", b) +
                  "\n"
                  "COMMIT;\n\n");
    }
    SECTION("nothing to do prints nothing, not even the tables") {
        CHECK(project.sql("sqlite:///app.db", rev::MoveKind::upgrade, "head", "a").empty());
    }
}

TEST_CASE("make_sql_printer: an upgrade and a downgrade on PostgreSQL", "[sql_printer]") {
    Project project;
    const rev::Checksums a = project.checksums("a");
    const rev::Checksums b = project.checksums("b");
    const std::string header =
        "-- Generated by rev: run it with psql -v ON_ERROR_STOP=1 -f FILE\n\n" + k_pg_tables + "\n";
    const std::string at = "CAST('<at>' AS TIMESTAMPTZ)";
    SECTION("upgrade") {
        CHECK(normalized(project.sql("postgresql://ann@db.example/app", rev::MoveKind::upgrade,
                                     "base", "head")) == header +
                                                             "BEGIN;\n\n"
                                                             "-- versions/a/up.sql\n"
                                                             "CREATE TABLE t_a (x INTEGER);\n\n" +
                                                             recorded("upgrade", "a", a, at) +
                                                             "\n"
                                                             "COMMIT;\n\n"
                                                             "BEGIN;\n\n"
                                                             "-- versions/b/up.sql\n"
                                                             "CREATE TABLE t_b (x INTEGER)\n;\n\n" +
                                                             recorded("upgrade", "b", b, at) +
                                                             "\n"
                                                             "COMMIT;\n\n");
    }
    SECTION("downgrade, children first") {
        CHECK(normalized(project.sql("postgresql://ann@db.example/app", rev::MoveKind::downgrade,
                                     "head", "base", rev::TransactionMode::all)) ==
              header +
                  "BEGIN;\n\n"
                  "-- versions/b/down.sql\n"
                  "DROP TABLE t_b;\n\n" +
                  recorded("downgrade", "b", b) +
                  "\n"
                  "-- versions/a/down.sql\n"
                  "DROP TABLE t_a;\n\n" +
                  recorded("downgrade", "a", a) +
                  "\n"
                  "COMMIT;\n\n");
    }
}

TEST_CASE("make_sql_printer: the SQLite script runs in the sqlite3 shell", "[sql_printer]") {
    Project project;
    const auto run_in_shell = [&](const std::string& script) {
        project.dir().write("move.sql", script);
        return std::system("sqlite3 -bail fresh.db < move.sql");
    };
    const auto database = [&] {
        return rev::connect(rev::parse_database_url("sqlite:///fresh.db", project.dir().path()), {},
                            rev::IfMissing::fail);
    };
    REQUIRE(run_in_shell(
                project.sql("sqlite:///fresh.db", rev::MoveKind::upgrade, "base", "head")) == 0);
    std::vector<rev::AppliedRevision> rows = database()->applied();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].revision == "a");
    CHECK(rows[0].seq == 1);
    CHECK(rows[0].checksums == project.checksums("a"));
    CHECK(rows[1].revision == "b");
    CHECK(rows[1].seq == 2);
    CHECK(rows[1].checksums == project.checksums("b"));
    CHECK(database()->snapshot().names_of(rev::SchemaObject::Kind::table) == Ids{"t_a", "t_b"});
    CHECK(database()->log(10).size() == 2);

    // rev reads the offline record as its own: nothing is left to do.
    {
        auto db = database();
        rev::MoveOptions options;
        options.lock_timeout = std::chrono::seconds(5);
        CHECK(rev::move_database(*db, project.load(), rev::parse_target("head"), options).steps ==
              0);
    }

    REQUIRE(run_in_shell(
                project.sql("sqlite:///fresh.db", rev::MoveKind::downgrade, "head", "base")) == 0);
    CHECK(database()->applied().empty());
    CHECK(database()->snapshot().names_of(rev::SchemaObject::Kind::table).empty());
    const std::vector<rev::LogEntry> log = database()->log(10);
    REQUIRE(log.size() == 4);
    CHECK(log[0].event == "downgrade");
    CHECK(log[0].revision == "a");
    CHECK(log[1].event == "downgrade");
    CHECK(log[1].revision == "b");
}
