// `rev -g GROUP upgrade` on each engine: a group of 20 good databases and one whose schema makes
// the first revision fail. The 20 reach head, the broken one is reported and left as it was.
// On PostgreSQL the group mixes a named target (the test database) with databases of a
// urls_file, all on the test server.
#include "backend_fixture.hpp"
#include "run_rev.hpp"

#include <rev/connect.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using rev::test::BackendFixture;
using rev::test::run_rev;
using rev::test::write_scripted_revision;

namespace {

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++count;
    }
    return count;
}

std::vector<std::string> applied_ids(rev::Database& database) {
    std::vector<std::string> ids;
    for (const rev::AppliedRevision& row : database.applied()) {
        ids.push_back(row.revision);
    }
    return ids;
}

} // namespace

TEST_CASE("fleet: one broken database of 21 fails alone", "[fleet]") {
    const BackendFixture db;
    write_scripted_revision(db.dir(), "a1", {}, "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
                            "DROP TABLE users;\n");
    write_scripted_revision(db.dir(), "b2", {"a1"},
                            "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
                            "DROP TABLE posts;\n");
    // 19 fresh databases and a broken one beside the test database, each dropped at the end.
    std::vector<std::unique_ptr<rev::ScratchDatabase>> tenants;
    std::string urls = "# tenants, one URL a line\n";
    for (int i = 0; i < 20; ++i) {
        tenants.push_back(rev::create_scratch(db.url(), rev::VersionTables{}, {}));
        urls += tenants.back()->database().name() + "\n";
    }
    rev::Database& broken = tenants.back()->database();
    broken.runner().execute({"CREATE TABLE users (name TEXT);", "broken.sql"});
    const rev::SchemaSnapshot before = broken.snapshot();
    db.dir().write("tenants.txt", urls);
    db.dir().write("migrate.toml", "[revisions]\ndir = \"versions\"\n\n[targets.main]\nurl = \"" +
                                       db.url_text() +
                                       "\"\n\n[groups.tenants]\ntargets = [\"main\"]\n"
                                       "urls_file = \"tenants.txt\"\n");

    const auto result = run_rev(
        db.dir().path(), {"-g", "tenants", "upgrade", "head", "--format", "json", "-j", "4"});
    INFO(result.err);
    CHECK(result.exit_code == 1);
    CHECK(count_of(result.out, "\"outcome\" : ") == 21);
    CHECK(count_of(result.out, "\"outcome\" : \"ok\"") == 20);
    CHECK(count_of(result.out, "\"outcome\" : \"failed\"") == 1);
    CHECK(count_of(result.out, "\"revisions_moved\" : 2") == 20);
    CHECK(count_of(result.err, "\nok ") + (result.err.starts_with("ok ") ? 1 : 0) == 20);
    CHECK(count_of(result.err, "failed ") == 1);
    CHECK(count_of(result.err, "upgrade a1 failed: ") == 1);
    CHECK(count_of(result.out, "already exists") == 1);

    CHECK(applied_ids(*db.connect()) == std::vector<std::string>{"a1", "b2"});
    for (std::size_t i = 0; i + 1 < tenants.size(); ++i) {
        CHECK(applied_ids(tenants[i]->database()) == std::vector<std::string>{"a1", "b2"});
    }
    CHECK(applied_ids(broken).empty());
    CHECK(broken.snapshot() == before);
}
