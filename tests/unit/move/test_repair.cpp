// rehash and resolve against a real SQLite file: what they write, and what they refuse.
#include "temp_dir.hpp"

#include <rev/checksum.hpp>
#include <rev/connect.hpp>
#include <rev/error.hpp>
#include <rev/loader.hpp>
#include <rev/migrate.hpp>
#include <rev/repair.hpp>
#include <rev/target.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using rev::MoveKind;
using rev::Resolution;
using rev::test::TempDir;
using rev::test::write_revision;
using Ids = std::vector<std::string>;

namespace {

constexpr std::chrono::seconds k_timeout{5};

// A revisions folder (a - b - c, c outside a transaction) and a SQLite file in a temp dir, the
// current directory.
class Project {
public:
    Project() : m_url(rev::parse_database_url("sqlite:///test.db", m_dir.path())) {
        write_revision(m_dir, "a", {});
        write_revision(m_dir, "b", {"a"});
        write_revision(m_dir, "c", {"b"}, "transactional = false\n");
    }

    const TempDir& dir() const { return m_dir; }

    std::unique_ptr<rev::Database> connect() const {
        return rev::connect(m_url, rev::VersionTables{}, rev::IfMissing::create);
    }
    rev::RevisionGraph load() const { return rev::load_revision_graph("versions"); }

    void move(MoveKind kind, const std::string& target) const {
        rev::MoveOptions options;
        options.kind = kind;
        options.lock_timeout = k_timeout;
        auto database = connect();
        rev::move_database(*database, load(), rev::parse_target(target), options);
    }

    std::vector<rev::AppliedRevision> rows() const { return connect()->applied(); }
    Ids log(std::size_t limit = 100) const {
        Ids lines;
        for (const rev::LogEntry& entry : connect()->log(limit)) {
            lines.push_back(entry.event + (entry.revision.empty() ? "" : " " + entry.revision));
        }
        return lines;
    }

    rev::Checksums files_of(const std::string& id) const {
        const rev::RevisionGraph graph = load();
        return rev::checksums_of(
            rev::read_revision_files(graph.revision(*graph.revisions().find(id))));
    }

private:
    TempDir m_dir;
    rev::test::ScopedCurrentPath m_here{m_dir.path()};
    rev::DatabaseUrl m_url;
};

std::string what_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const rev::Error& error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("rehash: records the files as they are now", "[repair][rehash]") {
    Project project;
    project.move(MoveKind::upgrade, "b");
    const rev::Checksums before = project.files_of("a");
    project.dir().write("versions/a/up.sql", "CREATE TABLE t_a (x INTEGER, y INTEGER);\n");
    project.dir().write("versions/a/down.sql", "DROP TABLE IF EXISTS t_a;\n");
    const rev::Checksums now = project.files_of("a");
    REQUIRE(now.up != before.up);
    REQUIRE(now.manifest == before.manifest);

    auto database = project.connect();
    const rev::RehashResult result = rev::rehash(*database, project.load(), {"b", "a"}, k_timeout);
    CHECK(result.rehashed == Ids{"a"});
    CHECK(result.unchanged == Ids{"b"});
    const std::vector<rev::AppliedRevision> rows = project.rows();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].revision == "a");
    CHECK(rows[0].checksums == now);
    // Its place in the order applied does not change.
    CHECK(rows[0].seq == 1);
    CHECK(rows[1].checksums == project.files_of("b"));
    CHECK(project.log() == Ids{"rehash a", "upgrade b", "upgrade a"});
    // Moves go on.
    CHECK_NOTHROW(project.move(MoveKind::upgrade, "head"));

    SECTION("nothing changed: nothing is written") {
        const rev::RehashResult again = rev::rehash(*database, project.load(), {"a"}, k_timeout);
        CHECK(again.rehashed.empty());
        CHECK(again.unchanged == Ids{"a"});
        CHECK(project.log(1) == Ids{"upgrade c"});
    }
}

TEST_CASE("rehash: refusals write nothing", "[repair][rehash][error]") {
    Project project;
    project.move(MoveKind::upgrade, "b");
    const rev::Checksums recorded = project.files_of("a");
    project.dir().write("versions/a/up.sql", "CREATE TABLE t_a (x INTEGER, y INTEGER);\n");
    auto database = project.connect();
    SECTION("a revision that is not applied") {
        CHECK(what_of([&] {
                  rev::rehash(*database, project.load(), {"a", "c"}, k_timeout);
              }) == "revision c is not applied to sqlite:///test.db; only applied revisions have "
                    "recorded checksums");
    }
    SECTION("an id the database does not have") {
        CHECK(what_of([&] { rev::rehash(*database, project.load(), {"zz"}, k_timeout); }) ==
              "revision zz is not applied to sqlite:///test.db; only applied revisions have "
              "recorded checksums");
    }
    SECTION("an applied revision whose folder is gone") {
        std::filesystem::remove_all("versions/c");
        std::filesystem::remove_all("versions/b");
        CHECK(what_of([&] {
                  rev::rehash(*database, project.load(), {"a", "b"}, k_timeout);
              }) == "revision b is not in the revisions folder; rehash needs its files");
    }
    CHECK(project.rows().front().checksums == recorded);
    CHECK(project.log(1) == Ids{"upgrade b"});
}

TEST_CASE("resolve: settles a step left unfinished outside a transaction", "[repair][resolve]") {
    Project project;
    project.move(MoveKind::upgrade, "b");
    project.dir().write("versions/c/up.sql", "CREATE TABLE t_c (x INTEGER);\nCREATE TABLE (;\n");
    CHECK(what_of([&] { project.move(MoveKind::upgrade, "head"); }) ==
          "versions/c/up.sql:2: upgrade c failed: near \"(\": syntax error (this step ran "
          "outside a transaction and may be partly applied, so it is recorded as failed; see "
          "'rev resolve --help'; 0 earlier steps stay applied)");
    std::vector<rev::AppliedRevision> rows = project.rows();
    REQUIRE(rows.size() == 3);
    REQUIRE(rows[2].state == rev::AppliedRevision::State::upgrading);
    CHECK(rows[2].error == "versions/c/up.sql:2: near \"(\": syntax error");
    // The first statement ran and stays: the step is half done.
    CHECK(project.connect()->snapshot().names_of(rev::SchemaObject::Kind::table) ==
          Ids{"t_a", "t_b", "t_c"});
    auto database = project.connect();

    SECTION("--applied: the revision counts as applied") {
        rev::resolve(*database, "c", Resolution::applied, k_timeout);
        rows = project.rows();
        REQUIRE(rows.size() == 3);
        CHECK(rows[2].revision == "c");
        CHECK(rows[2].state == rev::AppliedRevision::State::applied);
        CHECK(rows[2].error.empty());
        CHECK(project.log(3) == Ids{"resolve-applied c", "upgrade-failed c", "upgrade-started c"});
        // The checksums recorded are those of the files that were run.
        project.dir().write("versions/c/up.sql", "CREATE TABLE t_c (x INTEGER);\n");
        CHECK(what_of([&] { project.move(MoveKind::downgrade, "b"); }) ==
              "versions/c/up.sql: changed since revision c was applied; restore it and put the "
              "change in a new revision, or accept the file as it is now with 'rev rehash c'");
    }
    SECTION("--reverted: the revision is forgotten, and applies again once fixed") {
        rev::resolve(*database, "c", Resolution::reverted, k_timeout);
        CHECK(project.rows().size() == 2);
        CHECK(project.log(1) == Ids{"resolve-reverted c"});
        project.connect()->runner().execute({"DROP TABLE t_c;", "fix.sql"});
        project.dir().write("versions/c/up.sql", "CREATE TABLE t_c (x INTEGER);\n");
        project.move(MoveKind::upgrade, "head");
        CHECK(project.rows().size() == 3);
        CHECK(project.log(1) == Ids{"upgrade c"});
    }
    SECTION("a second resolve finds nothing to settle") {
        rev::resolve(*database, "c", Resolution::applied, k_timeout);
        CHECK(what_of([&] { rev::resolve(*database, "c", Resolution::reverted, k_timeout); }) ==
              "revision c has no unfinished step recorded in sqlite:///test.db; 'rev resolve' "
              "only settles a step that failed outside a transaction (see 'rev check')");
    }
}

TEST_CASE("resolve: refuses a revision with no unfinished step", "[repair][resolve][error]") {
    Project project;
    project.move(MoveKind::upgrade, "b");
    auto database = project.connect();
    for (const std::string id : {"a", "c", "zz"}) {
        INFO(id);
        CHECK(what_of([&] { rev::resolve(*database, id, Resolution::applied, k_timeout); }) ==
              "revision " + id +
                  " has no unfinished step recorded in sqlite:///test.db; 'rev resolve' only "
                  "settles a step that failed outside a transaction (see 'rev check')");
    }
    CHECK(project.log(1) == Ids{"upgrade b"});
}

TEST_CASE("rehash and resolve: wait for the lock, then give up", "[repair][lock]") {
    Project project;
    project.move(MoveKind::upgrade, "b");
    auto holder = project.connect();
    holder->lock(std::chrono::seconds(1));
    auto database = project.connect();
    const std::string gave_up = "sqlite:///test.db: another rev process is moving this "
                                "database; gave up after 0.05 s (--lock-timeout)";
    const auto timeout = std::chrono::milliseconds(50);
    CHECK(what_of([&] { rev::rehash(*database, project.load(), {"a"}, timeout); }) == gave_up);
    CHECK(what_of([&] { rev::resolve(*database, "a", Resolution::applied, timeout); }) == gave_up);
    holder->unlock();
    CHECK(rev::rehash(*database, project.load(), {"a"}, timeout).unchanged == Ids{"a"});
}
