// move_database against a real SQLite file: what it returns, what it records, and what it
// refuses. The shared backend suite (tests/backend) runs moves on both engines; this file pins
// down migrate.cpp's own contract.
#include "temp_dir.hpp"

#include <rev/checksum.hpp>
#include <rev/connect.hpp>
#include <rev/error.hpp>
#include <rev/loader.hpp>
#include <rev/migrate.hpp>
#include <rev/step_record.hpp>
#include <rev/target.hpp>
#include <rev/version.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

using rev::MoveKind;
using rev::test::TempDir;
using rev::test::write_revision;
using Ids = std::vector<std::string>;

namespace {

// A revisions folder and a SQLite file in a temp dir, which is the current directory so that
// messages name files as "versions/a/up.sql".
class Project {
public:
    Project() : m_url(rev::parse_database_url("sqlite:///test.db", m_dir.path())) {}

    const TempDir& dir() const { return m_dir; }
    // Options for a test: a short lock timeout, so that a stuck lock fails the test quickly.
    static rev::MoveOptions options() {
        rev::MoveOptions options;
        options.lock_timeout = std::chrono::seconds(5);
        return options;
    }

    std::unique_ptr<rev::Database> connect() const {
        return rev::connect(m_url, rev::VersionTables{}, rev::IfMissing::create);
    }
    rev::RevisionGraph load() const { return rev::load_revision_graph("versions"); }

    rev::MoveResult move(MoveKind kind, const std::string& target) const {
        return move(kind, target, options());
    }
    rev::MoveResult move(MoveKind kind, const std::string& target, rev::MoveOptions options) const {
        options.kind = kind;
        auto database = connect();
        return rev::move_database(*database, load(), rev::parse_target(target), options);
    }

    Ids applied_ids() const {
        Ids ids;
        for (const rev::AppliedRevision& row : connect()->applied()) {
            ids.push_back(row.revision);
        }
        return ids;
    }
    // The newest `limit` events as "event revision", newest first.
    Ids log(std::size_t limit = 100) const {
        Ids lines;
        for (const rev::LogEntry& entry : connect()->log(limit)) {
            lines.push_back(entry.event + (entry.revision.empty() ? "" : " " + entry.revision));
        }
        return lines;
    }

private:
    TempDir m_dir;
    rev::test::ScopedCurrentPath m_here{m_dir.path()};
    rev::DatabaseUrl m_url;
};

Ids ids_of(const rev::RevisionGraph& graph, const rev::AppliedSet& set) {
    Ids ids;
    for (const rev::RevisionGraph::Vertex v : set.in_order) {
        ids.push_back(graph.revision(v).id);
    }
    return ids;
}

// a - b - c
void write_abc(const Project& project) {
    write_revision(project.dir(), "a", {});
    write_revision(project.dir(), "b", {"a"});
    write_revision(project.dir(), "c", {"b"});
}

std::string what_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const rev::Error& error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("move_database: the result says where the database is", "[migrate]") {
    Project project;
    write_abc(project);
    const rev::RevisionGraph graph = project.load();
    SECTION("upgrade, then nothing to do") {
        rev::MoveResult result = project.move(MoveKind::upgrade, "b");
        CHECK(result.steps == 2);
        CHECK(ids_of(graph, result.applied) == Ids{"a", "b"});
        CHECK(project.applied_ids() == Ids{"a", "b"});
        result = project.move(MoveKind::upgrade, "a");
        CHECK(result.steps == 0);
        CHECK(ids_of(graph, result.applied) == Ids{"a", "b"});
        result = project.move(MoveKind::upgrade, "+1");
        CHECK(result.steps == 1);
        CHECK(ids_of(graph, result.applied) == Ids{"a", "b", "c"});
    }
    SECTION("downgrade") {
        project.move(MoveKind::upgrade, "head");
        const rev::MoveResult result = project.move(MoveKind::downgrade, "-2");
        CHECK(result.steps == 2);
        CHECK(ids_of(graph, result.applied) == Ids{"a"});
        CHECK(project.applied_ids() == Ids{"a"});
        CHECK(project.connect()->snapshot().names_of(rev::SchemaObject::Kind::table) == Ids{"t_a"});
    }
    SECTION("stamp records without running scripts") {
        rev::MoveResult result = project.move(MoveKind::stamp, "b");
        CHECK(result.steps == 2);
        CHECK(ids_of(graph, result.applied) == Ids{"a", "b"});
        CHECK(project.connect()->snapshot().names_of(rev::SchemaObject::Kind::table).empty());
        result = project.move(MoveKind::stamp, "a");
        CHECK(result.steps == 1);
        CHECK(ids_of(graph, result.applied) == Ids{"a"});
        CHECK(project.log() == Ids{"stamp-down b", "stamp-up b", "stamp-up a"});
    }
    SECTION("the version tables are created by the first move, even one with nothing to do") {
        CHECK_FALSE(project.connect()->has_version_tables());
        const rev::MoveResult result = project.move(MoveKind::upgrade, "base");
        CHECK(result.steps == 0);
        CHECK(result.applied.in_order.empty());
        CHECK(project.connect()->has_version_tables());
        CHECK(project.log().empty());
    }
}

TEST_CASE("move_database: each step is recorded in the version table and the log", "[migrate]") {
    Project project;
    write_abc(project);
    const rev::RevisionGraph graph = project.load();
    project.move(MoveKind::upgrade, "head");
    const std::vector<rev::AppliedRevision> rows = project.connect()->applied();
    REQUIRE(rows.size() == 3);
    const std::regex utc(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const rev::AppliedRevision& row = rows[i];
        INFO(row.revision);
        CHECK(row.revision == Ids{"a", "b", "c"}[i]);
        CHECK(row.seq == static_cast<long long>(i) + 1);
        CHECK(row.state == rev::AppliedRevision::State::applied);
        CHECK(row.error.empty());
        CHECK(row.checksums == rev::checksums_of(rev::read_revision_files(
                                   graph.revision(*graph.revisions().find(row.revision)))));
        CHECK(std::regex_match(row.applied_at, utc));
        CHECK(row.applied_by == rev::current_actor());
        CHECK(row.duration_ms >= 0);
        CHECK(row.rev_version == rev::k_version);
    }
    project.move(MoveKind::downgrade, "a");
    CHECK(project.log() ==
          Ids{"downgrade b", "downgrade c", "upgrade c", "upgrade b", "upgrade a"});
    const std::vector<rev::LogEntry> log = project.connect()->log(1);
    REQUIRE(log.size() == 1);
    CHECK(log[0].by == rev::current_actor());
    CHECK(log[0].rev_version == rev::k_version);
    CHECK(std::regex_match(log[0].at, utc));
    CHECK(log[0].detail.empty());
    CHECK(project.connect()->log(2).size() == 2);
}

TEST_CASE("move_database: refuses to move a database that disagrees with the folder",
          "[migrate][error]") {
    Project project;
    write_abc(project);
    project.move(MoveKind::upgrade, "head");
    SECTION("applied revisions that the folder does not have") {
        std::filesystem::remove_all("versions/c");
        std::filesystem::remove_all("versions/b");
        CHECK(what_of([&] { project.move(MoveKind::downgrade, "base"); }) ==
              "sqlite:///test.db has applied revisions that the revisions folder does not have: "
              "b, c (switched branch or deleted files? see docs/safety.md)");
        CHECK(project.applied_ids() == Ids{"a", "b", "c"});
    }
    SECTION("a changed up.sql") {
        project.dir().write("versions/b/up.sql", "CREATE TABLE t_b (x INTEGER, y INTEGER);\n");
        const std::string refusal =
            "versions/b/up.sql: changed since revision b was applied; restore it and put the "
            "change in a new revision, or accept the file as it is now with 'rev rehash b'";
        CHECK(what_of([&] { project.move(MoveKind::downgrade, "a"); }) == refusal);
        CHECK(what_of([&] { project.move(MoveKind::stamp, "a"); }) == refusal);
        CHECK(project.applied_ids() == Ids{"a", "b", "c"});
        CHECK(project.log(1) == Ids{"upgrade c"});
    }
    SECTION("a changed down.sql only warns, and the new file runs") {
        project.dir().write("versions/c/down.sql", "DROP TABLE t_c;\nCREATE TABLE t_gone (x);\n");
        rev::MoveOptions options = Project::options();
        Ids warnings;
        options.on_warning = [&](const std::string& warning) { warnings.push_back(warning); };
        CHECK(project.move(MoveKind::downgrade, "b", options).steps == 1);
        CHECK(warnings == Ids{"versions/c/down.sql: changed since revision c was applied; a "
                              "downgrade runs the new file ('rev rehash c' accepts it)"});
        CHECK(project.connect()->snapshot().names_of(rev::SchemaObject::Kind::table) ==
              Ids{"t_a", "t_b", "t_gone"});
    }
    SECTION("a target that the plan refuses changes nothing") {
        project.move(MoveKind::downgrade, "a");
        CHECK(what_of([&] { project.move(MoveKind::downgrade, "c"); }) ==
              "revision 'c' is not applied; downgrade moves only to an applied revision (use "
              "upgrade to go forward)");
        CHECK(project.applied_ids() == Ids{"a"});
    }
    SECTION("the lock is released after a refusal") {
        project.dir().write("versions/a/up.sql", "CREATE TABLE t_a (y INTEGER);\n");
        CHECK_THROWS_AS(project.move(MoveKind::upgrade, "head"), rev::RefusedError);
        auto database = project.connect();
        CHECK_NOTHROW(database->lock(std::chrono::milliseconds(0)));
        database->unlock();
    }
}

TEST_CASE("move_database: stamp --purge forgets the record first", "[migrate][stamp]") {
    Project project;
    write_abc(project);
    project.move(MoveKind::upgrade, "head");
    std::filesystem::remove_all("versions/c");
    const rev::RevisionGraph graph = project.load();
    rev::MoveOptions options = Project::options();
    options.purge = true;
    const rev::MoveResult result = project.move(MoveKind::stamp, "a", options);
    CHECK(result.steps == 1);
    CHECK(ids_of(graph, result.applied) == Ids{"a"});
    CHECK(project.applied_ids() == Ids{"a"});
    CHECK(project.log(3) == Ids{"stamp-up a", "purge", "upgrade c"});
    // The scripts did not run: the tables stay as the upgrade left them.
    CHECK(project.connect()->snapshot().names_of(rev::SchemaObject::Kind::table) ==
          Ids{"t_a", "t_b", "t_c"});
}

TEST_CASE("move_database: one transaction for the whole move rolls it all back",
          "[migrate][error]") {
    Project project;
    write_abc(project);
    project.dir().write("versions/c/up.sql", "CREATE TABLE t_c (x INTEGER);\nCREATE TABLE (;\n");
    rev::MoveOptions options = Project::options();
    SECTION("per revision: the steps before the failing one stay") {
        CHECK(what_of([&] { project.move(MoveKind::upgrade, "head", options); }) ==
              "versions/c/up.sql:2: upgrade c failed: near \"(\": syntax error (this step was "
              "rolled back; 2 earlier steps stay applied)");
        CHECK(project.applied_ids() == Ids{"a", "b"});
        CHECK(project.connect()->snapshot().names_of(rev::SchemaObject::Kind::table) ==
              Ids{"t_a", "t_b"});
    }
    SECTION("all: nothing stays") {
        options.apply.mode = rev::TransactionMode::all;
        CHECK(what_of([&] { project.move(MoveKind::upgrade, "head", options); }) ==
              "versions/c/up.sql:2: upgrade c failed: near \"(\": syntax error (the whole move "
              "was rolled back)");
        CHECK(project.applied_ids().empty());
        CHECK(project.connect()->snapshot().names_of(rev::SchemaObject::Kind::table).empty());
    }
}

TEST_CASE("move_database: waits for the lock, then gives up", "[migrate][lock]") {
    Project project;
    write_abc(project);
    auto holder = project.connect();
    holder->lock(std::chrono::seconds(1));
    rev::MoveOptions options = Project::options();
    options.lock_timeout = std::chrono::milliseconds(100);
    CHECK(what_of([&] { project.move(MoveKind::upgrade, "head", options); }) ==
          "sqlite:///test.db: another rev process is moving this database; gave up after 0.1 s "
          "(--lock-timeout)");
    // Nothing was touched, not even the version tables.
    CHECK_FALSE(project.connect()->has_version_tables());
    holder->unlock();
    CHECK(project.move(MoveKind::upgrade, "head", options).steps == 3);
}
