// Scratch databases (create_scratch, src/db/scratch.cpp and postgresql_scratch.cpp): empty or a
// copy of the configured database, never touching it, and gone after destruction, also when
// Ctrl-C ends the run (rev/interrupt.hpp).
#include "backend_fixture.hpp"

#include <rev/connect.hpp>
#include <rev/error.hpp>
#include <rev/interrupt.hpp>
#include <rev/schema.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

using rev::create_scratch;
using rev::ScratchOptions;
using rev::test::BackendFixture;
using rev::test::what_of;
using Ids = std::vector<std::string>;

namespace {

std::unique_ptr<rev::ScratchDatabase> scratch_of(const BackendFixture& db,
                                                 bool from_current = false) {
    ScratchOptions options;
    options.from_current = from_current;
    return create_scratch(db.url(), rev::VersionTables{}, options);
}

Ids tables_of(rev::Database& database) {
    return database.snapshot().names_of(rev::SchemaObject::Kind::table);
}

// What shows that the scratch exists: its SQLite folder, or its name in pg_database.
std::string where_of(rev::ScratchDatabase& scratch) {
    const std::string& name = scratch.database().name();
    if (name.starts_with("sqlite:///")) {
        return std::filesystem::path(name.substr(10)).parent_path().string();
    }
    return name.substr(name.rfind('/') + 1);
}

// "(no error)" when the scratch named by `where` is gone; what says it is still there if not.
std::string still_there(const BackendFixture& db, const std::string& where) {
    if (!db.is_postgresql()) {
        return std::filesystem::exists(where) ? "still there" : "(no error)";
    }
    return what_of([&] {
        db.execute("DO $$ BEGIN IF EXISTS (SELECT FROM pg_database WHERE datname = '" + where +
                   "') THEN RAISE EXCEPTION 'still there'; END IF; END $$;");
    });
}

// Run on SQLite (without the SQLite run's test spec), a [postgresql] case fails saying why.
void require_postgresql(const BackendFixture& db) {
    if (!db.is_postgresql()) {
        FAIL("this case needs PostgreSQL: set REV_TEST_DATABASE to a libpq connection string, or "
             "leave it out with the test spec ~[postgresql]");
    }
}

std::string bytes_of(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

} // namespace

TEST_CASE("Backend scratch: an empty database, gone once destroyed", "[backend][scratch]") {
    BackendFixture db;
    db.execute("CREATE TABLE configured (x INTEGER);");
    std::string where;
    {
        const auto scratch = scratch_of(db);
        where = where_of(*scratch);
        CHECK(where.find("rev") != std::string::npos);
        CHECK(scratch->database().snapshot().objects.empty());
        scratch->database().runner().execute({"CREATE TABLE made_here (x INTEGER);", "t.sql"});
        CHECK(tables_of(scratch->database()) == Ids{"made_here"});
        CHECK(still_there(db, where) != "(no error)");
    }
    CHECK(still_there(db, where) == "(no error)");
    CHECK(db.tables() == Ids{"configured"});
}

TEST_CASE("Backend scratch: from_current copies the schema and leaves the configured database as "
          "it was",
          "[backend][scratch]") {
    BackendFixture db;
    db.execute("CREATE TABLE configured (x INTEGER PRIMARY KEY, y TEXT);\nCREATE INDEX "
               "configured_y ON configured (y);\nINSERT INTO configured VALUES (1, 'one');");
    const rev::SchemaSnapshot before = db.connect()->snapshot();
    const std::string bytes = db.is_postgresql() ? "" : bytes_of(db.url().sqlite_path);
    std::string where;
    {
        const auto scratch = scratch_of(db, true);
        where = where_of(*scratch);
        CHECK(scratch->database().snapshot() == before);
        scratch->database().runner().execute(
            {"DROP TABLE configured;\nCREATE TABLE other (x INTEGER);", "t.sql"});
        CHECK(tables_of(scratch->database()) == Ids{"other"});
    }
    CHECK(still_there(db, where) == "(no error)");
    CHECK(db.connect()->snapshot() == before);
    if (!db.is_postgresql()) {
        CHECK(bytes_of(db.url().sqlite_path) == bytes);
    }
}

TEST_CASE("Backend scratch: Ctrl-C during a run drops it while the error unwinds",
          "[backend][scratch]") {
    BackendFixture db;
    std::string where;
    std::string what;
    {
        const rev::CancelOnInterrupt cancel;
        try {
            const auto scratch = scratch_of(db);
            where = where_of(*scratch);
            std::raise(SIGINT);
            CHECK(rev::interrupt_requested());
            rev::throw_if_interrupted();
        } catch (const rev::InterruptedError& error) {
            what = error.what();
            CHECK(still_there(db, where) == "(no error)");
        }
        CHECK_FALSE(rev::interrupt_requested());
    }
    CHECK(what == "interrupted");
    CHECK(still_there(db, where) == "(no error)");
}

TEST_CASE("Backend scratch: SQLite in memory cannot be copied", "[backend][scratch]") {
    ScratchOptions options;
    options.from_current = true;
    CHECK(what_of([&] {
              create_scratch(rev::parse_database_url("sqlite://", "."), rev::VersionTables{},
                             options);
          }) == "sqlite://: cannot copy an in-memory database into a scratch database");
}

TEST_CASE("Backend scratch: made on options.server, whose database name is ignored",
          "[backend][scratch][postgresql]") {
    BackendFixture db;
    require_postgresql(db);
    ScratchOptions options;
    options.server = rev::parse_database_url(db.url_text() + " dbname=postgres", db.dir().path());
    std::string where;
    {
        const auto scratch = create_scratch(db.url(), rev::VersionTables{}, options);
        where = where_of(*scratch);
        CHECK(where.starts_with("rev_scratch_"));
        CHECK(where.size() == 28);
        CHECK(scratch->database().snapshot().objects.empty());
    }
    CHECK(still_there(db, where) == "(no error)");
}

TEST_CASE("Backend scratch: a role that may not create databases is told so, password masked",
          "[backend][scratch][postgresql]") {
    BackendFixture db;
    require_postgresql(db);
    db.execute("DROP ROLE IF EXISTS rev_no_createdb; CREATE ROLE rev_no_createdb LOGIN PASSWORD "
               "'Pw0rd-Zq7Xk9';");
    const rev::DatabaseUrl url = rev::parse_database_url(
        db.url_text() + " user=rev_no_createdb password=Pw0rd-Zq7Xk9", db.dir().path());
    const std::string what =
        what_of([&] { create_scratch(url, rev::VersionTables{}, ScratchOptions{}); });
    db.execute("DROP ROLE rev_no_createdb;");
    CHECK(url.display.find("rev_no_createdb:***@") != std::string::npos);
    CHECK(what == url.display + ": cannot create a scratch database: permission denied to create "
                                "database");
}
