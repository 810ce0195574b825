// A failing statement names its file and line on both engines (src/db/sqlite.cpp,
// src/db/postgresql.cpp): from the error's position when the engine gives one (a syntax
// error), else from where the failing statement starts (an error at execution).
#include "backend_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using rev::MoveKind;
using rev::test::BackendFixture;
using rev::test::what_of;
using rev::test::write_revision;

namespace {

// What `rev upgrade head` says when revision a's up.sql is `script`.
std::string failure_of(BackendFixture& db, const std::string& script) {
    write_revision(db.dir(), "a", {});
    db.dir().write("versions/a/up.sql", script);
    return what_of([&] { db.move(MoveKind::upgrade, "head"); });
}

std::string expected(const BackendFixture& db, int line, const std::string& reason) {
    return (db.dir().path() / "versions" / "a" / "up.sql").string() + ":" + std::to_string(line) +
           ": upgrade a failed: " + reason +
           " (this step was rolled back; 0 earlier steps stay applied)";
}

} // namespace

TEST_CASE("Backend: a syntax error deep in a script names its line", "[backend][error]") {
    BackendFixture db;
    const std::string reason = db.is_postgresql()
                                   ? "syntax error at or near \"VALUE\" (SQLSTATE 42601)"
                                   : "near \"VALUE\": syntax error";
    CHECK(failure_of(db, "CREATE TABLE t (x INTEGER);\n"
                         "-- a comment; with a semicolon\n"
                         "INSERT INTO t VALUES (1);\n"
                         "\n"
                         "INSERT INTO t\n"
                         "VALUE (2);\n") == expected(db, 6, reason));
    CHECK(db.tables().empty());
}

TEST_CASE("Backend: a unique violation names the line its statement starts on",
          "[backend][error]") {
    BackendFixture db;
    const std::string reason =
        db.is_postgresql()
            ? "duplicate key value violates unique constraint \"t_x_key\" (SQLSTATE 23505)"
            : "UNIQUE constraint failed: t.x";
    CHECK(failure_of(db, "CREATE TABLE t (x INTEGER UNIQUE);\n"
                         "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);\n"
                         "\n"
                         "/* the duplicate; it starts below */\n"
                         "INSERT INTO t\n"
                         "VALUES (1);\n"
                         "INSERT INTO t VALUES (3);\n") == expected(db, 5, reason));
    CHECK(db.tables().empty());
}

TEST_CASE("Backend: a failed CHECK in the first statement names line 1", "[backend][error]") {
    BackendFixture db;
    const std::string reason = db.is_postgresql()
                                   ? "new row for relation \"t\" violates check constraint "
                                     "\"t_x_check\" (SQLSTATE 23514)"
                                   : "CHECK constraint failed: x > 0";
    write_revision(db.dir(), "a", {});
    db.dir().write("versions/a/up.sql", "CREATE TABLE t (x INTEGER CHECK (x > 0));\n");
    db.move(MoveKind::upgrade, "head");
    write_revision(db.dir(), "b", {"a"});
    db.dir().write("versions/b/up.sql", "INSERT INTO t VALUES (-1);\n");
    CHECK(what_of([&] { db.move(MoveKind::upgrade, "head"); }) ==
          (db.dir().path() / "versions" / "b" / "up.sql").string() + ":1: upgrade b failed: " +
              reason + " (this step was rolled back; 0 earlier steps stay applied)");
}

TEST_CASE("Backend: PostgreSQL splits a script as the server does to find the failing line",
          "[backend][error][postgresql]") {
    BackendFixture db;
    REQUIRE(db.is_postgresql());
    // Semicolons inside dollar quotes, E'' strings and quoted names do not end a statement.
    CHECK(failure_of(db, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$\n"
                         "  SELECT 1; $body$;\n"
                         "CREATE TABLE \"a;b\" (x text DEFAULT E'\\';');\n"
                         "DO $$ BEGIN\n"
                         "  RAISE EXCEPTION 'boom; at line 4';\n"
                         "END $$;\n"
                         "SELECT 1;\n") == expected(db, 4, "boom; at line 4 (SQLSTATE P0001)"));
    CHECK(failure_of(db, "SELECT 1;\nSELECT 1\n  / 0;\n") ==
          expected(db, 2, "division by zero (SQLSTATE 22012)"));
}
