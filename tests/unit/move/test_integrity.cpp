#include "temp_dir.hpp"

#include <rev/applier.hpp>
#include <rev/error.hpp>
#include <rev/integrity.hpp>
#include <rev/loader.hpp>
#include <rev/migrate.hpp>

#include <catch2/catch.hpp>

using rev::AppliedRevision;
using rev::ChangedFile;

namespace {

// The row a database holds for `id` right after applying it.
AppliedRevision applied_row(const rev::RevisionGraph& graph, const std::string& id) {
    AppliedRevision row;
    row.revision = id;
    row.checksums =
        rev::checksums_of(rev::read_revision_files(graph.revision(*graph.revisions().find(id))));
    return row;
}

std::vector<std::string> describe_all(const std::vector<ChangedFile>& changes) {
    std::vector<std::string> lines;
    lines.reserve(changes.size());
    for (const ChangedFile& change : changes) {
        lines.push_back(change.describe());
    }
    return lines;
}

} // namespace

TEST_CASE("changed_files: only edits that change meaning count", "[integrity]") {
    rev::test::TempDir dir;
    rev::test::write_revision(dir, "a", {});
    const rev::RevisionGraph graph = rev::load_revision_graph(dir.path() / "versions");
    const std::vector<AppliedRevision> rows = {applied_row(graph, "a")};
    const std::string up = (dir.path() / "versions/a/up.sql").string();
    SECTION("unchanged") {
        CHECK(rev::changed_files(graph, rows).empty());
    }
    SECTION("line endings, trailing blanks, blank lines and a BOM do not count") {
        dir.write("versions/a/up.sql", "\xEF\xBB\xBF\r\n\r\nCREATE TABLE t_a (x INTEGER); \t\r\n");
        CHECK(rev::changed_files(graph, rows).empty());
    }
    SECTION("a change inside a line counts") {
        dir.write("versions/a/up.sql", "CREATE TABLE t_a (x  INTEGER);\n");
        CHECK(describe_all(rev::changed_files(graph, rows)) ==
              std::vector<std::string>{
                  up + ": changed since revision a was applied; restore it and put the change "
                       "in a new revision, or accept the file as it is now with 'rev rehash a'"});
    }
    SECTION("a deleted file counts as changed") {
        std::filesystem::remove(dir.path() / "versions/a/up.sql");
        REQUIRE(rev::changed_files(graph, rows).size() == 1);
        CHECK(rev::changed_files(graph, rows).front().kind == ChangedFile::Kind::up);
    }
    SECTION("a changed down.sql does not block moves") {
        dir.write("versions/a/down.sql", "DROP TABLE IF EXISTS t_a;\n");
        const auto changes = rev::changed_files(graph, rows);
        REQUIRE(changes.size() == 1);
        CHECK_FALSE(changes.front().blocks_moves());
    }
}

TEST_CASE("guard_move: refuses with one line per problem and warns on down.sql",
          "[integrity][error]") {
    rev::test::TempDir dir;
    rev::test::write_revision(dir, "a", {});
    rev::test::write_revision(dir, "b", {"a"}, "transactional = false\n");
    const rev::RevisionGraph graph = rev::load_revision_graph(dir.path() / "versions");
    std::vector<AppliedRevision> rows = {applied_row(graph, "a"), applied_row(graph, "b")};
    std::vector<std::string> warnings;
    const auto warn = [&](const std::string& warning) { warnings.push_back(warning); };
    SECTION("nothing wrong: the applied set") {
        CHECK(rev::guard_move(graph, rows, "db", warn).in_order.size() == 2);
    }
    SECTION("an unfinished step and a changed manifest") {
        rows[1].state = AppliedRevision::State::downgrading;
        dir.write("versions/a/manifest.toml", "id = \"a\"\nmessage = \"new\"\nparents = []\n");
        dir.write("versions/b/down.sql", "SELECT 2;\n");
        CHECK_THROWS_WITH(
            rev::guard_move(graph, rows, "db", warn),
            "db: revision b was interrupted during its downgrade, outside a transaction; "
            "complete or undo its changes by hand, then record which with 'rev resolve b "
            "--applied' or 'rev resolve b --reverted'\n" +
                (dir.path() / "versions/a/manifest.toml").string() +
                ": changed since revision a was applied; restore it and put the change in a new "
                "revision, or accept the file as it is now with 'rev rehash a'");
        CHECK(warnings == std::vector<std::string>{
                              (dir.path() / "versions/b/down.sql").string() +
                              ": changed since revision b was applied; a downgrade runs the new "
                              "file ('rev rehash b' accepts it)"});
    }
    SECTION("an unfinished step is left out of the applied set") {
        rows[1].state = AppliedRevision::State::upgrading;
        rows[1].error = "up.sql:1: boom";
        CHECK(rev::describe_unfinished(rows[1], "db") ==
              "db: revision b failed half-way through its upgrade, outside a transaction: "
              "up.sql:1: boom; complete or undo its changes by hand, then record which with 'rev "
              "resolve b --applied' or 'rev resolve b --reverted'");
        CHECK(rev::to_applied_set(graph, rows, "db").in_order.size() == 1);
    }
}
