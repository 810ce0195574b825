// Schema snapshots read from each engine's catalog (src/db/sqlite_schema.cpp,
// src/db/postgresql_schema.cpp): what they hold, that equal schemas compare equal however they
// were built, and that diff() sees what a down.sql failed to undo.
#include "backend_fixture.hpp"

#include <rev/schema.hpp>

#include <catch2/catch.hpp>

#include <string>

using rev::SchemaChange;
using rev::SchemaSnapshot;
using rev::test::BackendFixture;
using rev::test::write_revision;

namespace {

// One object of each kind both engines have.
constexpr const char* k_library = R"(
CREATE TABLE authors (id INTEGER PRIMARY KEY, name text NOT NULL UNIQUE,
                      born integer DEFAULT 1900 CHECK (born > 0));
CREATE TABLE books (id INTEGER PRIMARY KEY,
                    author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
                    title TEXT);
CREATE INDEX books_title ON books (title DESC) WHERE title IS NOT NULL;
CREATE VIEW titles AS SELECT title FROM books;
)";

std::string trigger(const BackendFixture& db) {
    if (db.is_postgresql()) {
        return "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; "
               "END $$;\nCREATE TRIGGER books_touch BEFORE INSERT ON books FOR EACH ROW EXECUTE "
               "FUNCTION touch();\n";
    }
    return "CREATE TRIGGER books_touch AFTER INSERT ON books BEGIN SELECT 1; END;\n";
}

// The same objects as k_library plus the trigger, created in another order.
std::string library_reordered(const BackendFixture& db) {
    return "CREATE TABLE authors (id INTEGER PRIMARY KEY, name text NOT NULL UNIQUE, born "
           "integer DEFAULT 1900 CHECK (born > 0));\n"
           "CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES "
           "authors (id) ON DELETE CASCADE, title TEXT);\n" +
           trigger(db) +
           "CREATE VIEW titles AS SELECT title FROM books;\n"
           "CREATE INDEX books_title ON books (title DESC) WHERE title IS NOT NULL;\n";
}

std::string drop_library(const BackendFixture& db) {
    return std::string("DROP VIEW titles;\nDROP TABLE books;\nDROP TABLE authors;\n") +
           (db.is_postgresql() ? "DROP FUNCTION touch();\n" : "");
}

// The changes, one line each: "removed column note on items", "changed view cheap: ...".
std::string changes_text(const SchemaSnapshot& before, const SchemaSnapshot& after) {
    std::string text;
    for (const SchemaChange& change : rev::diff(before, after)) {
        switch (change.kind) {
        case SchemaChange::Kind::added:
            text += "added ";
            break;
        case SchemaChange::Kind::removed:
            text += "removed ";
            break;
        case SchemaChange::Kind::changed:
            text += "changed ";
            break;
        }
        text += change.object().describe();
        if (change.kind == SchemaChange::Kind::changed) {
            text += ": " + rev::describe_attribute_changes(change);
        }
        text += "\n";
    }
    return text;
}

} // namespace

TEST_CASE("Backend schema: a snapshot of one object of each kind, as text", "[backend][schema]") {
    BackendFixture db;
    db.execute(k_library + trigger(db));
    const std::string text = rev::to_text(db.connect()->snapshot());
    if (db.is_postgresql()) {
        CHECK(text ==
              "table authors\n"
              "table books\n"
              "  column born on authors: default 1900, nullable yes, position 3, type integer\n"
              "  column id on authors: nullable no, position 1, type integer\n"
              "  column name on authors: nullable no, position 2, type text\n"
              "  column author_id on books: nullable no, position 2, type integer\n"
              "  column id on books: nullable no, position 1, type integer\n"
              "  column title on books: nullable yes, position 3, type text\n"
              "  constraint authors_born_check on authors: check born > 0, columns born, "
              "constraint_type check, definition CHECK (born > 0)\n"
              "  constraint authors_name_key on authors: columns name, constraint_type unique, "
              "definition UNIQUE (name)\n"
              "  constraint authors_pkey on authors: columns id, constraint_type primary key, "
              "definition PRIMARY KEY (id)\n"
              "  constraint books_author_id_fkey on books: columns author_id, constraint_type "
              "foreign key, definition FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE "
              "CASCADE, on_delete CASCADE, on_update NO ACTION, references authors(id)\n"
              "  constraint books_pkey on books: columns id, constraint_type primary key, "
              "definition PRIMARY KEY (id)\n"
              "  index books_title on books: columns title DESC, method btree, predicate title IS "
              "NOT NULL, unique no\n"
              "view titles: definition SELECT books.title FROM books;\n"
              "  trigger books_touch on books: definition CREATE TRIGGER books_touch BEFORE INSERT "
              "ON books FOR EACH ROW EXECUTE FUNCTION touch()\n");
    } else {
        CHECK(text ==
              "table authors\n"
              "table books\n"
              "  column born on authors: default 1900, nullable yes, position 3, type INTEGER\n"
              "  column id on authors: nullable yes, position 1, type INTEGER\n"
              "  column name on authors: nullable no, position 2, type TEXT\n"
              "  column author_id on books: nullable no, position 2, type INTEGER\n"
              "  column id on books: nullable yes, position 1, type INTEGER\n"
              "  column title on books: nullable yes, position 3, type TEXT\n"
              "  constraint authors_born_check on authors: check born > 0, constraint_type check\n"
              "  constraint authors_name_key on authors: columns name, constraint_type unique\n"
              "  constraint authors_pkey on authors: columns id, constraint_type primary key\n"
              "  constraint books_author_id_fkey on books: columns author_id, constraint_type "
              "foreign key, on_delete CASCADE, on_update NO ACTION, references authors(id)\n"
              "  constraint books_pkey on books: columns id, constraint_type primary key\n"
              "  index books_title on books: columns title DESC, predicate title IS NOT NULL, "
              "unique no\n"
              "view titles: definition CREATE VIEW titles AS SELECT title FROM books\n"
              "  trigger books_touch on books: definition CREATE TRIGGER books_touch AFTER INSERT "
              "ON books BEGIN SELECT 1; END\n");
    }
}

TEST_CASE("Backend schema: PostgreSQL's types, sequences, identity and materialized views",
          "[backend][schema][postgresql]") {
    BackendFixture db;
    if (!db.is_postgresql()) {
        FAIL("this case needs PostgreSQL: set REV_TEST_DATABASE to a libpq connection string, or "
             "leave it out with the test spec ~[postgresql]");
    }
    db.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n"
               "CREATE DOMAIN positive AS integer NOT NULL DEFAULT 1 CHECK (VALUE > 0);\n"
               "CREATE TYPE pair AS (a integer, b text);\n"
               "CREATE SEQUENCE tickets START 100 INCREMENT 5;\n"
               "CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
               "                   serial_no serial, mood mood, weight positive,\n"
               "                   label varchar(20) COLLATE \"C\", doubled integer GENERATED "
               "ALWAYS AS (weight * 2) STORED,\n"
               "                   EXCLUDE USING btree (label WITH =));\n"
               "CREATE UNIQUE INDEX tags_lower ON tags (lower(label)) INCLUDE (mood);\n"
               "CREATE MATERIALIZED VIEW heavy AS SELECT mood, count(*) AS n FROM tags GROUP "
               "BY mood;\n"
               "DROP SCHEMA IF EXISTS other CASCADE;\nCREATE SCHEMA other;\nCREATE TABLE "
               "other.hidden (x integer);\n");
    const std::string tags_and_more =
        "  column doubled on tags: expression ((weight)::integer * 2), generated stored, nullable "
        "yes, position 6, type integer\n"
        "  column id on tags: identity always, nullable no, position 1, type bigint\n"
        "  column label on tags: collation C, nullable yes, position 5, type character "
        "varying(20)\n"
        "  column mood on tags: nullable yes, position 3, type mood\n"
        "  column serial_no on tags: default nextval('tags_serial_no_seq'::regclass), nullable no, "
        "position 2, type integer\n"
        "  column weight on tags: nullable yes, position 4, type positive\n"
        "  constraint tags_label_excl on tags: columns label, constraint_type exclusion, "
        "definition EXCLUDE USING btree (label WITH =)\n"
        "  constraint tags_pkey on tags: columns id, constraint_type primary key, definition "
        "PRIMARY KEY (id)\n"
        "  index tags_lower on tags: columns lower(label::text), include mood, method btree, "
        "unique yes\n"
        "materialized view heavy: definition SELECT tags.mood, count(*) AS n FROM tags GROUP BY "
        "tags.mood;\n";
    CHECK(rev::to_text(db.connect()->snapshot()) ==
          "type mood: type_kind enum, values sad, ok, happy\n"
          "type pair: fields a integer, b text, type_kind composite\n"
          "type positive: check CHECK (VALUE > 0), default 1, nullable no, type integer, type_kind "
          "domain\n"
          "sequence tickets: cache 1, cycle no, increment 5, maximum 9223372036854775807, minimum "
          "1, start 100, type bigint\n"
          "table tags\n" +
              tags_and_more);
    SECTION("a schema on the search path is read too, its objects named with it") {
        db.execute("ALTER DATABASE rev_test SET search_path = public, other;");
        const std::string text = rev::to_text(db.connect()->snapshot());
        db.execute("ALTER DATABASE rev_test RESET search_path;");
        CHECK(text == "type mood: type_kind enum, values sad, ok, happy\n"
                      "type pair: fields a integer, b text, type_kind composite\n"
                      "type positive: check CHECK (VALUE > 0), default 1, nullable no, type "
                      "integer, type_kind domain\n"
                      "sequence tickets: cache 1, cycle no, increment 5, maximum "
                      "9223372036854775807, minimum 1, start 100, type bigint\n"
                      "table other.hidden\n"
                      "table tags\n"
                      "  column x on other.hidden: nullable yes, position 1, type integer\n" +
                          tags_and_more);
    }
    db.execute("DROP SCHEMA other CASCADE;");
}

TEST_CASE("Backend schema: rev's own tables are not in the snapshot", "[backend][schema]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {});
    db.move(rev::MoveKind::upgrade, "head");
    CHECK(rev::to_text(db.connect()->snapshot()) ==
          "table t_a\n  column x on t_a: nullable yes, position 1, type " +
              std::string(db.is_postgresql() ? "integer" : "INTEGER") + "\n");
}

TEST_CASE("Backend schema: equal schemas built in different orders compare equal",
          "[backend][schema]") {
    BackendFixture db;
    db.execute(k_library + trigger(db));
    const SchemaSnapshot first = db.connect()->snapshot();
    db.execute(drop_library(db));
    db.execute(library_reordered(db));
    const SchemaSnapshot second = db.connect()->snapshot();
    CHECK(changes_text(first, second) == "");
    CHECK(first == second);
}

TEST_CASE("Backend schema: create, drop and create again reads the same", "[backend][schema]") {
    BackendFixture db;
    const SchemaSnapshot empty = db.connect()->snapshot();
    CHECK(empty.objects.empty());
    db.execute(k_library + trigger(db));
    const SchemaSnapshot created = db.connect()->snapshot();
    db.execute(drop_library(db));
    CHECK(db.connect()->snapshot() == empty);
    db.execute(k_library + trigger(db));
    CHECK(changes_text(created, db.connect()->snapshot()) == "");
}

TEST_CASE("Backend schema: diff sees what a down.sql did not undo", "[backend][schema]") {
    BackendFixture db;
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT, price INTEGER, note "
               "TEXT);\nCREATE VIEW cheap AS SELECT label FROM items WHERE price < 10;\n");
    const SchemaSnapshot before = db.connect()->snapshot();
    SECTION("a table left behind") {
        db.execute("CREATE TABLE leftover (x INTEGER);");
        CHECK(changes_text(before, db.connect()->snapshot()) ==
              "added table leftover\nadded column x on leftover\n");
    }
    SECTION("an index left behind") {
        db.execute("CREATE INDEX items_label ON items (label);");
        CHECK(changes_text(before, db.connect()->snapshot()) ==
              "added index items_label on items\n");
    }
    SECTION("a column not restored") {
        db.execute("ALTER TABLE items DROP COLUMN note;");
        CHECK(changes_text(before, db.connect()->snapshot()) == "removed column note on items\n");
    }
    SECTION("a column's type changed") {
        db.execute("DROP VIEW cheap;\nDROP TABLE items;\nCREATE TABLE items (id INTEGER PRIMARY "
                   "KEY, label TEXT, price REAL, note TEXT);\nCREATE VIEW cheap AS SELECT label "
                   "FROM items WHERE price < 10;\n");
        // PostgreSQL's view text says it compares a real now.
        CHECK(changes_text(before, db.connect()->snapshot()) ==
              (db.is_postgresql()
                   ? "changed column price on items: type integer -> real\n"
                     "changed view cheap: definition SELECT items.label FROM items WHERE "
                     "items.price < 10; -> SELECT items.label FROM items WHERE items.price < "
                     "10::double precision;\n"
                   : "changed column price on items: type INTEGER -> REAL\n"));
    }
    SECTION("a view's definition changed") {
        db.execute("DROP VIEW cheap;\nCREATE VIEW cheap AS SELECT label FROM items WHERE price < "
                   "20;\n");
        CHECK(changes_text(before, db.connect()->snapshot()) ==
              (db.is_postgresql()
                   ? "changed view cheap: definition SELECT items.label FROM items WHERE "
                     "items.price < 10; -> SELECT items.label FROM items WHERE items.price < 20;\n"
                   : "changed view cheap: definition CREATE VIEW cheap AS SELECT label FROM "
                     "items WHERE price < 10 -> CREATE VIEW cheap AS SELECT label FROM items "
                     "WHERE price < 20\n"));
    }
}
