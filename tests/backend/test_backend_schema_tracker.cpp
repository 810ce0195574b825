// SchemaTracker (src/move/schema_tracker.cpp) on each engine: after every change, what it read in
// parts through the engine's fingerprints is exactly what a whole snapshot reads. The changes
// are the ones that alter how a part reads without touching the part itself: a renamed parent
// table, column, type, function, sequence or schema, a parent recreated with another key.
#include "backend_fixture.hpp"
#include "move/schema_tracker.hpp"

#include <rev/database.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using rev::SchemaTracker;
using rev::test::BackendFixture;

namespace {

// Runs each script in turn, on the tracker's own connection as `rev verify` does (SQLite then
// reads only what its authorizer saw touched) or on another one, and checks after each that the
// tracker agrees with a whole snapshot, and that the change it reports is the one the whole
// snapshots show.
enum class RunOn { own_connection, both_in_turn };

void check_tracking(const BackendFixture& db, const std::vector<std::string>& scripts,
                    RunOn run_on = RunOn::own_connection) {
    const std::unique_ptr<rev::Database> database = db.connect();
    SchemaTracker tracker(*database);
    SchemaTracker::State before = tracker.read();
    rev::SchemaSnapshot whole_before = database->snapshot();
    bool own_connection = true;
    for (const std::string& script : scripts) {
        INFO(script << (own_connection ? " (on the tracker's connection)" : ""));
        if (own_connection) {
            database->runner().execute({script, "test.sql"});
        } else {
            db.execute(script);
        }
        own_connection = run_on == RunOn::own_connection || !own_connection;
        const SchemaTracker::State after = tracker.read();
        const rev::SchemaSnapshot whole_after = database->snapshot();
        CHECK(rev::to_text(rev::snapshot_of(after)) == rev::to_text(whole_after));
        CHECK(rev::diff(before, after).size() == rev::diff(whole_before, whole_after).size());
        before = after;
        whole_before = whole_after;
    }
}

} // namespace

TEST_CASE("Backend schema tracker: parts read again agree with whole snapshots",
          "[backend][schema]") {
    const BackendFixture db;
    const RunOn run_on = GENERATE(RunOn::own_connection, RunOn::both_in_turn);
    check_tracking(db,
                   {
                       R"(CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users);)",
                       "CREATE INDEX posts_user ON posts (user_id);",
                       "ALTER TABLE users RENAME TO members;",
                       "ALTER TABLE members RENAME COLUMN id TO member_id;",
                       "CREATE VIEW mails AS SELECT email FROM members;",
                       "ALTER TABLE members RENAME COLUMN email TO mail;",
                       "ALTER TABLE posts ADD COLUMN title TEXT NOT NULL DEFAULT 'untitled';",
                       "DROP INDEX posts_user;",
                       "DROP VIEW mails;\nDROP TABLE posts;\nDROP TABLE members;",
                       "CREATE TABLE members (member_id INTEGER PRIMARY KEY);",
                   },
                   run_on);
}

TEST_CASE("Backend schema tracker: a snapshot of some parts holds what the whole one holds of them",
          "[backend][schema]") {
    const BackendFixture db;
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE);\nCREATE TABLE "
               "posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users);\nCREATE INDEX "
               "posts_user ON posts (user_id);\nCREATE VIEW emails AS SELECT email FROM users;");
    const std::unique_ptr<rev::Database> database = db.connect();
    rev::SchemaSnapshot expected = database->snapshot();
    std::erase_if(expected.objects,
                  [](const rev::SchemaObject& object) { return object.part() == "users"; });
    CHECK(rev::to_text(database->snapshot({"posts", "emails"})) == rev::to_text(expected));
}

TEST_CASE("Backend schema tracker: a change reads again only the parts it touched",
          "[backend][schema]") {
    const BackendFixture db;
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY);\nCREATE TABLE posts (id INTEGER "
               "PRIMARY KEY, user_id INTEGER REFERENCES users (id));\nCREATE TABLE tags (name "
               "TEXT);\nCREATE VIEW tag_names AS SELECT name FROM tags;");
    const std::unique_ptr<rev::Database> database = db.connect();
    SchemaTracker tracker(*database);
    const SchemaTracker::State before = tracker.read();
    REQUIRE(before.size() == 4);

    database->runner().execute({"CREATE INDEX posts_user ON posts (user_id);", "test.sql"});
    const SchemaTracker::State after = tracker.read();
    for (const char* untouched : {"users", "tags", "tag_names"}) {
        INFO(untouched);
        CHECK(after.at(untouched) == before.at(untouched));
    }
    CHECK(after.at("posts") != before.at("posts"));
    CHECK(rev::to_text(rev::snapshot_of(after)) == rev::to_text(database->snapshot()));
}

TEST_CASE("Backend schema tracker: SQLite's foreign key to a parent recreated with another key",
          "[backend][schema]") {
    const BackendFixture db;
    if (db.is_postgresql()) {
        return; // PostgreSQL will not drop a referenced table without its foreign keys.
    }
    check_tracking(db, {
                           R"(CREATE TABLE a (x INTEGER PRIMARY KEY, y INTEGER UNIQUE);
CREATE TABLE b (a_ref INTEGER REFERENCES a);)",
                           "DROP TABLE a;\nCREATE TABLE a (x INTEGER, y INTEGER PRIMARY KEY);",
                           "CREATE TRIGGER t AFTER INSERT ON B BEGIN SELECT 1; END;",
                           "ALTER TABLE b ADD COLUMN c TEXT;",
                           "ALTER TABLE b DROP COLUMN c;",
                       });
}

TEST_CASE("Backend schema tracker: renames PostgreSQL definitions name",
          "[backend][schema][postgresql]") {
    const BackendFixture db;
    if (!db.is_postgresql()) {
        FAIL("this case needs PostgreSQL: set REV_TEST_DATABASE to a libpq connection string, or "
             "leave it out with the test spec ~[postgresql]");
    }
    check_tracking(
        db,
        {
            R"(CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TABLE t (id integer PRIMARY KEY, m mood, p positive);)",
            "ALTER TYPE mood RENAME TO feeling;",
            "ALTER TYPE feeling ADD VALUE 'calm';",
            "ALTER DOMAIN positive RENAME TO above_zero;",
            R"(CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();)",
            "ALTER FUNCTION touch() RENAME TO retouch;",
            R"(CREATE SEQUENCE counter;
ALTER TABLE t ADD COLUMN n bigint DEFAULT nextval('counter');)",
            "ALTER SEQUENCE counter RENAME TO tally;",
            R"(CREATE SCHEMA elsewhere;
CREATE TABLE elsewhere.parent (id integer PRIMARY KEY);
CREATE TABLE child (parent_id integer REFERENCES elsewhere.parent);)",
            "ALTER SCHEMA elsewhere RENAME TO faraway;",
            "CREATE MATERIALIZED VIEW counts AS SELECT count(*) AS n FROM t;",
            "ALTER TABLE t RENAME TO things;",
            "CREATE INDEX things_m ON things (m) WHERE p > 3;",
            "ALTER INDEX things_m RENAME TO things_mood;",
            "ALTER TABLE things ALTER COLUMN n TYPE integer;",
            "DROP SCHEMA faraway CASCADE;",
        });
}

TEST_CASE("Backend schema tracker: PostgreSQL changes that drop rows or roll back",
          "[backend][schema][postgresql]") {
    const BackendFixture db;
    if (!db.is_postgresql()) {
        FAIL("this case needs PostgreSQL: set REV_TEST_DATABASE to a libpq connection string, or "
             "leave it out with the test spec ~[postgresql]");
    }
    const RunOn run_on = GENERATE(RunOn::own_connection, RunOn::both_in_turn);
    check_tracking(db,
                   {
                       R"(CREATE TABLE p (id integer PRIMARY KEY, code text UNIQUE);
CREATE TABLE c (id integer PRIMARY KEY, p_id integer CONSTRAINT c_p REFERENCES p,
    n integer DEFAULT 7 CONSTRAINT c_n CHECK (n > 0));
CREATE INDEX c_n_index ON c (n);
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER c_f BEFORE INSERT ON c FOR EACH ROW EXECUTE FUNCTION f();)",
                       "DROP INDEX c_n_index;",
                       "ALTER TABLE c DROP CONSTRAINT c_p;",
                       "ALTER TABLE c DROP CONSTRAINT c_n;",
                       "DROP TRIGGER c_f ON c;",
                       "ALTER TABLE c ALTER COLUMN n DROP DEFAULT;",
                       "CREATE INDEX c_p_index ON c (p_id);",
                       "ALTER TABLE p DROP CONSTRAINT p_code_key;",
                       R"(BEGIN;
SAVEPOINT s;
CREATE INDEX c_id_n ON c (id, n);
ROLLBACK TO s;
CREATE INDEX c_n_p ON c (n, p_id);
SAVEPOINT t;
DROP INDEX c_p_index;
RELEASE t;
COMMIT;)",
                       "DROP TABLE c;",
                   },
                   run_on);
}

TEST_CASE("Backend schema tracker: a PostgreSQL script rolled back changes nothing",
          "[backend][schema][postgresql]") {
    const BackendFixture db;
    if (!db.is_postgresql()) {
        FAIL("this case needs PostgreSQL: set REV_TEST_DATABASE to a libpq connection string, or "
             "leave it out with the test spec ~[postgresql]");
    }
    db.execute("CREATE TABLE a (id integer PRIMARY KEY);\nCREATE INDEX a_id ON a (id);");
    const std::unique_ptr<rev::Database> database = db.connect();
    SchemaTracker tracker(*database);
    const SchemaTracker::State before = tracker.read();
    // One implicit transaction, which the failure rolls back.
    CHECK_THROWS(database->runner().execute(
        {"DROP INDEX a_id;\nCREATE TABLE b (x integer);\nSELECT 1/0;", "test.sql"}));
    const SchemaTracker::State after = tracker.read();
    CHECK(after == before);
    CHECK(rev::to_text(rev::snapshot_of(after)) == rev::to_text(database->snapshot()));
}
