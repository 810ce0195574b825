// Integrity on both engines: changed files, steps left unfinished outside a transaction, and
// the records' layout (src/move/integrity.cpp, src/move/repair.cpp, src/db/dialect.cpp).
#include "backend_fixture.hpp"
#include "run_rev.hpp"

#include <rev/applier.hpp>
#include <rev/error.hpp>
#include <rev/integrity.hpp>
#include <rev/loader.hpp>
#include <rev/repair.hpp>
#include <rev/target.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using rev::MoveKind;
using rev::test::BackendFixture;
using rev::test::what_of;
using rev::test::write_revision;
using Ids = std::vector<std::string>;

namespace {

std::string path_of(const BackendFixture& db, const std::string& relative) {
    return (db.dir().path() / "versions" / relative).string();
}

// Moves like BackendFixture::move, collecting warnings.
std::size_t move_warned(const BackendFixture& db, MoveKind kind, const std::string& target,
                        std::vector<std::string>& warnings) {
    auto database = db.connect();
    rev::MoveOptions options;
    options.kind = kind;
    options.lock_timeout = std::chrono::seconds(10);
    options.on_warning = [&](const std::string& warning) { warnings.push_back(warning); };
    return rev::move_database(*database, db.load(), rev::parse_target(target), options).steps;
}

std::string changed(const BackendFixture& db, const std::string& file, const std::string& id) {
    return path_of(db, id + "/" + file) + ": changed since revision " + id +
           " was applied; restore it and put the change in a new revision, or accept the file "
           "as it is now with 'rev rehash " +
           id + "'";
}

std::string resolve_hint(const std::string& id) {
    return "; complete or undo its changes by hand, then record which with 'rev resolve " + id +
           " --applied' or 'rev resolve " + id + " --reverted'";
}

} // namespace

TEST_CASE("Backend: a changed up.sql or manifest stops every move", "[backend][integrity]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {});
    write_revision(db.dir(), "b", {"a"});
    write_revision(db.dir(), "c", {"b"});
    db.move(MoveKind::upgrade, "b");
    std::vector<std::string> warnings;

    SECTION("edits that cannot change meaning do not count") {
        // A BOM, CRLF, trailing spaces and blank lines.
        db.dir().write("versions/a/up.sql",
                       "\xEF\xBB\xBF\r\nCREATE TABLE t_a (x INTEGER);  \r\n\r\n");
        db.dir().write("versions/a/manifest.toml",
                       "id = \"a\"   \nmessage = \"revision a\"\n\n\nparents = []\n");
        CHECK(move_warned(db, MoveKind::upgrade, "head", warnings) == 1);
        CHECK(warnings.empty());
    }
    SECTION("each changed file is named, and nothing moves") {
        db.dir().write("versions/a/up.sql", "CREATE TABLE t_a (x INTEGER, y INTEGER);\n");
        db.dir().write("versions/b/manifest.toml",
                       "id = \"b\"\nmessage = \"renamed\"\nparents = [\"a\"]\n");
        CHECK(what_of([&] { move_warned(db, MoveKind::upgrade, "head", warnings); }) ==
              changed(db, "up.sql", "a") + "\n" + changed(db, "manifest.toml", "b"));
        CHECK(what_of([&] { move_warned(db, MoveKind::downgrade, "base", warnings); }) ==
              changed(db, "up.sql", "a") + "\n" + changed(db, "manifest.toml", "b"));
        CHECK(db.applied_ids() == Ids{"a", "b"});
        SECTION("rehash accepts the files and logs it; then moves go on") {
            auto database = db.connect();
            const rev::RehashResult result =
                rev::rehash(*database, db.load(), {"a", "b"}, std::chrono::seconds(10));
            CHECK(result.rehashed == Ids{"a", "b"});
            CHECK(database->log(1).front().event == "rehash");
            CHECK(move_warned(db, MoveKind::upgrade, "head", warnings) == 1);
        }
    }
    SECTION("a changed down.sql warns, and the downgrade runs the new file") {
        db.dir().write("versions/b/down.sql",
                       "DROP TABLE t_b;\nCREATE TABLE t_b_gone (x INTEGER);\n");
        CHECK(move_warned(db, MoveKind::downgrade, "a", warnings) == 1);
        CHECK(warnings ==
              Ids{path_of(db, "b/down.sql") +
                  ": changed since revision b was applied; a downgrade runs the new file ('rev "
                  "rehash b' accepts it)"});
        CHECK(db.tables() == Ids{"t_a", "t_b_gone"});
    }
    SECTION("rehash refuses a revision that is not applied") {
        auto database = db.connect();
        CHECK(what_of([&] {
                  rev::rehash(*database, db.load(), {"c"}, std::chrono::seconds(10));
              }) == "revision c is not applied to " + db.url().display +
                        "; only applied revisions have recorded checksums");
    }
    SECTION("rehash refuses an applied revision whose folder is gone") {
        std::filesystem::remove_all(db.dir().path() / "versions" / "c");
        std::filesystem::remove_all(db.dir().path() / "versions" / "b");
        auto database = db.connect();
        CHECK(what_of([&] {
                  rev::rehash(*database, db.load(), {"b"}, std::chrono::seconds(10));
              }) == "revision b is not in the revisions folder; rehash needs its files");
    }
}

TEST_CASE("Backend: a non-transactional step that fails is recorded and blocks moves",
          "[backend][integrity]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {});
    write_revision(db.dir(), "b", {"a"}, "transactional = false\n");
    write_revision(db.dir(), "c", {"b"});
    db.dir().write("versions/b/up.sql", "SELECT * FROM no_such_table;\n");
    const std::string name = db.url().display;
    const std::string error = db.is_postgresql()
                                  ? "relation \"no_such_table\" does not exist (SQLSTATE 42P01)"
                                  : "no such table: no_such_table";
    const std::string detail = path_of(db, "b/up.sql") + ":1: " + error;

    CHECK(what_of([&] { db.move(MoveKind::upgrade, "head"); }) ==
          detail.substr(0, detail.size() - error.size()) + "upgrade b failed: " + error +
              " (this step ran outside a transaction and may be partly applied, so it is "
              "recorded as failed; see 'rev resolve --help'; 1 earlier step stays applied)");
    auto rows = db.connect()->applied();
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].state == rev::AppliedRevision::State::upgrading);
    CHECK(rows[1].error == detail);
    const std::string refusal = name +
                                ": revision b failed half-way through its upgrade, "
                                "outside a transaction: " +
                                detail + resolve_hint("b");
    CHECK(what_of([&] { db.move(MoveKind::upgrade, "head"); }) == refusal);
    CHECK(what_of([&] { db.move(MoveKind::downgrade, "base"); }) == refusal);
    CHECK(what_of([&] { db.move(MoveKind::stamp, "head"); }) == refusal);
    const auto log = db.connect()->log(2);
    CHECK(log[0].event == "upgrade-failed");
    CHECK(log[0].detail == detail);
    CHECK(log[1].event == "upgrade-started");

    SECTION("resolve --reverted forgets it; fixed, it applies") {
        rev::resolve(*db.connect(), "b", rev::Resolution::reverted, std::chrono::seconds(10));
        CHECK(db.applied_ids() == Ids{"a"});
        db.dir().write("versions/b/up.sql", "CREATE TABLE t_b (x INTEGER);\n");
        CHECK(db.move(MoveKind::upgrade, "head") == 2);
        CHECK(db.applied_ids() == Ids{"a", "b", "c"});
    }
    SECTION("resolve --applied keeps it as applied") {
        rev::resolve(*db.connect(), "b", rev::Resolution::applied, std::chrono::seconds(10));
        CHECK(db.connect()->log(1).front().event == "resolve-applied");
        CHECK(db.move(MoveKind::upgrade, "head") == 1);
        CHECK(db.applied_ids() == Ids{"a", "b", "c"});
    }
    SECTION("resolve refuses a revision with no unfinished step") {
        CHECK(what_of([&] {
                  rev::resolve(*db.connect(), "a", rev::Resolution::applied,
                               std::chrono::seconds(10));
              }) == "revision a has no unfinished step recorded in " + name +
                        "; 'rev resolve' only settles a step that failed outside a transaction "
                        "(see 'rev check')");
    }
    SECTION("stamp --purge forgets it with everything else") {
        CHECK(db.move(MoveKind::stamp, "a", rev::TransactionMode::per_revision, true) == 1);
        CHECK(db.applied_ids() == Ids{"a"});
    }
}

TEST_CASE("Backend: a step interrupted outside a transaction stays marked",
          "[backend][integrity]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {}, "transactional = false\n");
    // What a crash between the mark and the script's end leaves behind.
    auto database = db.connect();
    database->ensure_version_tables();
    const rev::RevisionGraph graph = db.load();
    database->runner().record(
        rev::make_record(rev::StepRecord::Event::upgrade_started, "a",
                         rev::checksums_of(rev::read_revision_files(graph.revision(0)))));
    CHECK(what_of([&] { db.move(MoveKind::upgrade, "head"); }) ==
          db.url().display +
              ": revision a was interrupted during its upgrade, outside a transaction" +
              resolve_hint("a"));
    CHECK(db.applied_ids() == Ids{"a"});
}

TEST_CASE("Backend: layout 1 tables are upgraded by the next move", "[backend][integrity]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {});
    write_revision(db.dir(), "b", {"a"});
    db.move(MoveKind::upgrade, "a");
    // Back to what rev 0.1.0 pre-releases wrote: no state or error, no UNIQUE on seq, no detail.
    const std::string layout_1_columns = "revision, seq, up_sha256, down_sha256, manifest_sha256, "
                                         "applied_at, applied_by, duration_ms, rev_version";
    db.execute("ALTER TABLE rev_version RENAME TO rev_version_2;\n"
               "CREATE TABLE rev_version (revision TEXT PRIMARY KEY, seq BIGINT NOT NULL, "
               "up_sha256 TEXT NOT NULL, down_sha256 TEXT NOT NULL, manifest_sha256 TEXT NOT NULL, "
               "applied_at " +
               std::string(db.is_postgresql() ? "TIMESTAMPTZ" : "TEXT") +
               " NOT NULL, applied_by TEXT NOT NULL, duration_ms BIGINT NOT NULL, "
               "rev_version TEXT NOT NULL);\n"
               "INSERT INTO rev_version SELECT " +
               layout_1_columns +
               " FROM rev_version_2;\n"
               "DROP TABLE rev_version_2;\n"
               "ALTER TABLE rev_version_log DROP COLUMN detail;\n"
               "UPDATE rev_version_meta SET value = '1' WHERE key = 'layout_version';\n");
    CHECK(what_of([&] { db.connect()->applied(); }) ==
          db.url().display + ": rev's tables have layout version 1, from an older rev; any "
                             "upgrade, downgrade or stamp updates them to 2");
    CHECK(db.move(MoveKind::upgrade, "head") == 1);
    CHECK(db.applied_ids() == Ids{"a", "b"});
    CHECK(db.connect()->log(10).size() == 2);
    // The upgrade gave seq the uniqueness layout 2 declares.
    CHECK_THROWS(db.execute("INSERT INTO rev_version (" + layout_1_columns + ") SELECT 'x', " +
                            layout_1_columns.substr(10) +
                            " FROM rev_version WHERE revision = 'a'"));
}
