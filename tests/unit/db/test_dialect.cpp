// The SQL of rev's own tables (src/db/dialect.cpp), as text: both engines run these statements
// and --sql prints them, so the text is the contract.
#include "db/dialect.hpp"

#include <rev/error.hpp>
#include <rev/step_record.hpp>
#include <rev/version.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <climits>
#include <regex>
#include <string>
#include <vector>

using rev::StepRecord;
using rev::VersionTables;
using rev::db::BoundStatement;
using rev::db::Dialect;
using Kind = rev::DatabaseUrl::Kind;
using Event = StepRecord::Event;
using Lines = std::vector<std::string>;
using Value = BoundStatement::Value;

namespace {

const std::string k_at = "2024-01-02T03:04:05.678Z";

StepRecord record_of(Event event, const std::string& revision = "r1",
                     const std::string& detail = "") {
    StepRecord record;
    record.event = event;
    record.revision = revision;
    record.checksums = {"u1", "d1", "m1"};
    record.at = k_at;
    record.by = "ann@host";
    record.duration_ms = 42;
    record.detail = detail;
    return record;
}

// The log insert of the sqlite dialect for `event`, with `values` (revision, up, down,
// manifest, ..., detail) already written as literals.
std::string log_insert(const std::string& table, const std::string& event,
                       const std::string& revision, const std::string& sums,
                       const std::string& detail) {
    return "INSERT INTO " + table +
           " (event, revision, up_sha256, down_sha256, manifest_sha256, event_at, actor, "
           "duration_ms, rev_version, detail) VALUES ('" +
           event + "', " + revision + ", " + sums + ", '" + k_at + "', 'ann@host', 42, '" +
           rev::k_version + "', " + detail + ")";
}

std::string logged(const std::string& event, const std::string& detail = "NULL") {
    return log_insert("\"rev_version_log\"", event, "'r1'", "'u1', 'd1', 'm1'", detail);
}

// `text` with every placeholder (?1, ?12, ...) replaced by `with`.
std::string numbered(const std::string& text, const std::string& with) {
    return std::regex_replace(text, std::regex(R"(\?[0-9]+)"), with);
}

// The placeholders of `text`, sorted by number.
Lines placeholders(const std::string& text) {
    std::vector<int> numbers;
    const std::regex placeholder(R"(\?([0-9]+))");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), placeholder);
         it != std::sregex_iterator(); ++it) {
        numbers.push_back(std::stoi((*it)[1].str()));
    }
    std::sort(numbers.begin(), numbers.end());
    Lines result;
    for (const int number : numbers) {
        result.push_back("?" + std::to_string(number));
    }
    return result;
}

Value text(const std::string& value) {
    return {Value::Kind::text, value, 0};
}

Value integer(long long value) {
    return {Value::Kind::integer, "", value};
}

} // namespace

TEST_CASE("Dialect: create_tables", "[dialect]") {
    SECTION("SQLite") {
        CHECK(Dialect(Kind::sqlite, {}).create_tables() ==
              Lines{
                  "CREATE TABLE IF NOT EXISTS \"rev_version_meta\" (key TEXT PRIMARY KEY, value "
                  "TEXT NOT NULL)",
                  "INSERT INTO \"rev_version_meta\" (key, value) VALUES ('layout_version', '2') "
                  "ON CONFLICT (key) DO NOTHING",
                  "CREATE TABLE IF NOT EXISTS \"rev_version\" (revision TEXT PRIMARY KEY, seq "
                  "BIGINT NOT NULL UNIQUE, up_sha256 TEXT NOT NULL, down_sha256 TEXT NOT NULL, "
                  "manifest_sha256 TEXT NOT NULL, applied_at TEXT NOT NULL, applied_by TEXT NOT "
                  "NULL, duration_ms BIGINT NOT NULL, rev_version TEXT NOT NULL, state TEXT NOT "
                  "NULL DEFAULT 'applied', error TEXT)",
                  "CREATE TABLE IF NOT EXISTS \"rev_version_log\" (id INTEGER PRIMARY KEY, event "
                  "TEXT NOT NULL, revision TEXT, up_sha256 TEXT, down_sha256 TEXT, "
                  "manifest_sha256 TEXT, event_at TEXT NOT NULL, actor TEXT NOT NULL, "
                  "duration_ms BIGINT NOT NULL, rev_version TEXT NOT NULL, detail TEXT)",
              });
    }
    SECTION("PostgreSQL in a schema, with a mixed-case table") {
        const Lines statements = Dialect(Kind::postgresql, {"Order", "Rev_Ops"}).create_tables();
        REQUIRE(statements.size() == 5);
        CHECK(statements[0] == "CREATE SCHEMA IF NOT EXISTS \"Rev_Ops\"");
        CHECK(statements[1] ==
              "CREATE TABLE IF NOT EXISTS \"Rev_Ops\".\"Order_meta\" (key TEXT PRIMARY KEY, "
              "value TEXT NOT NULL)");
        CHECK(statements[2] == "INSERT INTO \"Rev_Ops\".\"Order_meta\" (key, value) VALUES "
                               "('layout_version', '2') ON CONFLICT (key) DO NOTHING");
        CHECK(statements[3] ==
              "CREATE TABLE IF NOT EXISTS \"Rev_Ops\".\"Order\" (revision TEXT PRIMARY KEY, "
              "seq BIGINT NOT NULL UNIQUE, up_sha256 TEXT NOT NULL, down_sha256 TEXT NOT "
              "NULL, manifest_sha256 TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL, "
              "applied_by TEXT NOT NULL, duration_ms BIGINT NOT NULL, rev_version TEXT NOT "
              "NULL, state TEXT NOT NULL DEFAULT 'applied', error TEXT)");
        CHECK(statements[4] ==
              "CREATE TABLE IF NOT EXISTS \"Rev_Ops\".\"Order_log\" (id BIGINT GENERATED "
              "ALWAYS AS IDENTITY PRIMARY KEY, event TEXT NOT NULL, revision TEXT, up_sha256 "
              "TEXT, down_sha256 TEXT, manifest_sha256 TEXT, event_at TIMESTAMPTZ NOT NULL, "
              "actor TEXT NOT NULL, duration_ms BIGINT NOT NULL, rev_version TEXT NOT NULL, "
              "detail TEXT)");
    }
    SECTION("PostgreSQL without a schema creates none") {
        const Lines statements = Dialect(Kind::postgresql, {}).create_tables();
        REQUIRE(statements.size() == 4);
        CHECK(statements[0] == "CREATE TABLE IF NOT EXISTS \"rev_version_meta\" (key TEXT "
                               "PRIMARY KEY, value TEXT NOT NULL)");
    }
    SECTION("layout 1 is upgraded in place") {
        CHECK(Dialect(Kind::sqlite, {"v", ""}).upgrade_layout_from_1() ==
              Lines{
                  "ALTER TABLE \"v\" ADD COLUMN state TEXT NOT NULL DEFAULT 'applied'",
                  "ALTER TABLE \"v\" ADD COLUMN error TEXT",
                  "ALTER TABLE \"v_log\" ADD COLUMN detail TEXT",
                  "CREATE UNIQUE INDEX IF NOT EXISTS \"v_seq\" ON \"v\" (seq)",
                  "UPDATE \"v_meta\" SET value = '2' WHERE key = 'layout_version'",
              });
    }
}

TEST_CASE("Dialect: a schema is for PostgreSQL only", "[dialect][error]") {
    CHECK_THROWS_AS(Dialect(Kind::sqlite, {"rev_version", "ops"}), rev::ConfigError);
    CHECK_THROWS_WITH(Dialect(Kind::sqlite, {"rev_version", "ops"}),
                      "[database] schema 'ops' is for PostgreSQL; a SQLite database has no "
                      "schemas");
    CHECK_NOTHROW(Dialect(Kind::postgresql, {"rev_version", "ops"}));
}

TEST_CASE("Dialect: the record of each event", "[dialect]") {
    const Dialect sqlite(Kind::sqlite, {});
    const std::string insert_head =
        "INSERT INTO \"rev_version\" (revision, seq, up_sha256, down_sha256, manifest_sha256, "
        "applied_at, applied_by, duration_ms, rev_version, state) SELECT 'r1', COALESCE(MAX(seq), "
        "0) + 1, 'u1', 'd1', 'm1', '" +
        k_at + "', 'ann@host', 42, '" + rev::k_version + "', ";
    const std::string deleted = "DELETE FROM \"rev_version\" WHERE revision = 'r1'";
    SECTION("upgrade, stamp-up and upgrade-started insert a row") {
        CHECK(sqlite.record(record_of(Event::upgrade)) ==
              Lines{insert_head + "'applied' FROM \"rev_version\"", logged("upgrade")});
        CHECK(sqlite.record(record_of(Event::stamp_up)) ==
              Lines{insert_head + "'applied' FROM \"rev_version\"", logged("stamp-up")});
        CHECK(sqlite.record(record_of(Event::upgrade_started)) ==
              Lines{insert_head + "'upgrading' FROM \"rev_version\"", logged("upgrade-started")});
    }
    SECTION("upgrade-finished completes the row and logs an upgrade") {
        CHECK(sqlite.record(record_of(Event::upgrade_finished)) ==
              Lines{"UPDATE \"rev_version\" SET state = 'applied', error = NULL, applied_at = '" +
                        k_at +
                        "', duration_ms = 42, up_sha256 = 'u1', down_sha256 = 'd1', "
                        "manifest_sha256 = 'm1' WHERE revision = 'r1'",
                    logged("upgrade")});
    }
    SECTION("the failed events keep the error, its password masked") {
        const std::string detail = "cannot reach postgresql://ann:s3cret@db/app: it's down";
        CHECK(sqlite.record(record_of(Event::upgrade_failed, "r1", detail)) ==
              Lines{"UPDATE \"rev_version\" SET error = 'cannot reach postgresql://ann:***@db/app: "
                    "it''s down' WHERE revision = 'r1'",
                    logged("upgrade-failed",
                           "'cannot reach postgresql://ann:***@db/app: it''s down'")});
        CHECK(sqlite.record(record_of(Event::downgrade_failed, "r1", "boom")) ==
              Lines{"UPDATE \"rev_version\" SET error = 'boom' WHERE revision = 'r1'",
                    logged("downgrade-failed", "'boom'")});
    }
    SECTION("downgrade-started marks the row") {
        CHECK(sqlite.record(record_of(Event::downgrade_started)) ==
              Lines{"UPDATE \"rev_version\" SET state = 'downgrading', error = NULL WHERE "
                    "revision = 'r1'",
                    logged("downgrade-started")});
    }
    SECTION("downgrade, stamp-down and resolve-reverted delete the row") {
        CHECK(sqlite.record(record_of(Event::downgrade)) == Lines{deleted, logged("downgrade")});
        CHECK(sqlite.record(record_of(Event::stamp_down)) == Lines{deleted, logged("stamp-down")});
        CHECK(sqlite.record(record_of(Event::resolved_reverted)) ==
              Lines{deleted, logged("resolve-reverted")});
    }
    SECTION("resolve-applied and rehash update the row") {
        CHECK(sqlite.record(record_of(Event::resolved_applied)) ==
              Lines{"UPDATE \"rev_version\" SET state = 'applied', error = NULL WHERE revision "
                    "= 'r1'",
                    logged("resolve-applied")});
        CHECK(sqlite.record(record_of(Event::rehash)) ==
              Lines{"UPDATE \"rev_version\" SET up_sha256 = 'u1', down_sha256 = 'd1', "
                    "manifest_sha256 = 'm1' WHERE revision = 'r1'",
                    logged("rehash")});
    }
    SECTION("purge deletes every row and names no revision") {
        StepRecord purge = record_of(Event::purge, "");
        purge.checksums = {};
        CHECK(sqlite.record(purge) ==
              Lines{"DELETE FROM \"rev_version\"", log_insert("\"rev_version_log\"", "purge",
                                                              "NULL", "NULL, NULL, NULL", "NULL")});
    }
    SECTION("PostgreSQL: qualified names, and timestamps cast in INSERT ... SELECT") {
        const Dialect pg(Kind::postgresql, {"Order", "Rev_Ops"});
        CHECK(pg.record(record_of(Event::upgrade)) ==
              Lines{"INSERT INTO \"Rev_Ops\".\"Order\" (revision, seq, up_sha256, down_sha256, "
                    "manifest_sha256, applied_at, applied_by, duration_ms, rev_version, state) "
                    "SELECT 'r1', COALESCE(MAX(seq), 0) + 1, 'u1', 'd1', 'm1', CAST('" +
                        k_at + "' AS TIMESTAMPTZ), 'ann@host', 42, '" + rev::k_version +
                        "', 'applied' FROM \"Rev_Ops\".\"Order\"",
                    log_insert("\"Rev_Ops\".\"Order_log\"", "upgrade", "'r1'", "'u1', 'd1', 'm1'",
                               "NULL")});
        CHECK(pg.record(record_of(Event::downgrade)).front() ==
              "DELETE FROM \"Rev_Ops\".\"Order\" WHERE revision = 'r1'");
        CHECK(pg.record(record_of(Event::upgrade_finished)).front() ==
              "UPDATE \"Rev_Ops\".\"Order\" SET state = 'applied', error = NULL, applied_at = "
              "CAST('" +
                  k_at +
                  "' AS TIMESTAMPTZ), duration_ms = 42, up_sha256 = 'u1', down_sha256 = 'd1', "
                  "manifest_sha256 = 'm1' WHERE revision = 'r1'");
    }
}

TEST_CASE("Dialect: bound statements keep one text per event", "[dialect]") {
    const Dialect sqlite(Kind::sqlite, {});
    SECTION("the values stand apart from the text, and with_literals puts them back") {
        // The numbering follows the order the compiler evaluates a `+` chain in (g++: right to
        // left), so only its shape is asserted: ?1..?N once each, N values.
        const std::vector<BoundStatement> bound = sqlite.bound_record(record_of(Event::rehash));
        REQUIRE(bound.size() == 2);
        CHECK(numbered(bound[0].text, "?N") == "UPDATE \"rev_version\" SET up_sha256 = ?N, "
                                               "down_sha256 = ?N, manifest_sha256 = ?N WHERE "
                                               "revision = ?N");
        CHECK(placeholders(bound[0].text) == Lines{"?1", "?2", "?3", "?4"});
        CHECK(bound[0].values.size() == 4);
        CHECK(numbered(bound[1].text, "?N") ==
              "INSERT INTO \"rev_version_log\" (event, revision, up_sha256, down_sha256, "
              "manifest_sha256, event_at, actor, duration_ms, rev_version, detail) VALUES "
              "('rehash', ?N, ?N, ?N, ?N, ?N, ?N, ?N, '" +
                  std::string(rev::k_version) + "', ?N)");
        CHECK(placeholders(bound[1].text) == Lines{"?1", "?2", "?3", "?4", "?5", "?6", "?7", "?8"});
        CHECK(bound[1].values.size() == 8);
        CHECK(bound[0].with_literals() + "\n" + bound[1].with_literals() ==
              "UPDATE \"rev_version\" SET up_sha256 = 'u1', down_sha256 = 'd1', manifest_sha256 "
              "= 'm1' WHERE revision = 'r1'\n" +
                  logged("rehash"));
    }
    SECTION("other values, same texts") {
        for (const Event event : {Event::upgrade, Event::downgrade, Event::upgrade_started,
                                  Event::upgrade_finished, Event::upgrade_failed, Event::purge}) {
            INFO(rev::event_name(event));
            StepRecord other = record_of(event, "x2", "failed: it's 'quoted'");
            other.checksums = {"", "", ""};
            other.duration_ms = 0;
            const std::vector<BoundStatement> first = sqlite.bound_record(record_of(event));
            const std::vector<BoundStatement> second = sqlite.bound_record(other);
            REQUIRE(first.size() == second.size());
            for (std::size_t i = 0; i < first.size(); ++i) {
                CHECK(first[i].text == second[i].text);
            }
        }
    }
}

TEST_CASE("BoundStatement::with_literals", "[dialect]") {
    SECTION("text is quoted with its quotes doubled, and nothing else escaped") {
        const BoundStatement statement{
            "SELECT ?1, ?2, ?3",
            {text("O'Brien's"), text("back\\slash\nnew line ?1 'x'"), text("")}};
        CHECK(statement.with_literals() ==
              "SELECT 'O''Brien''s', 'back\\slash\nnew line ?1 ''x''', ''");
    }
    SECTION("integers and NULL") {
        const BoundStatement statement{"VALUES (?1, ?2, ?3, ?4)",
                                       {integer(0), integer(-7), integer(LLONG_MAX), Value{}}};
        CHECK(statement.with_literals() == "VALUES (0, -7, 9223372036854775807, NULL)");
    }
    SECTION("placeholders of two digits, in any order, and repeated") {
        std::vector<Value> values;
        for (int i = 1; i <= 11; ++i) {
            values.push_back(integer(static_cast<long long>(i) * 100));
        }
        const BoundStatement statement{"SELECT ?11, ?1, ?10, ?2, ?1", values};
        CHECK(statement.with_literals() == "SELECT 1100, 100, 1000, 200, 100");
    }
    SECTION("a ? inside a literal of the text is not a placeholder") {
        const BoundStatement statement{"SELECT '?1', 'it''s ?1', ?1", {text("v")}};
        CHECK(statement.with_literals() == "SELECT '?1', 'it''s ?1', 'v'");
    }
    SECTION("quote") {
        CHECK(Dialect::quote("") == "''");
        CHECK(Dialect::quote("a'b''c") == "'a''b''''c'");
        CHECK(Dialect::quote("\xC3\xA9t\xC3\xA9") == "'\xC3\xA9t\xC3\xA9'");
    }
}

TEST_CASE("Dialect: the queries read the qualified tables", "[dialect]") {
    const Dialect pg(Kind::postgresql, {"Order", "Rev_Ops"});
    CHECK(pg.count_version_tables() ==
          "SELECT CAST(COUNT(*) AS TEXT) FROM information_schema.tables WHERE table_schema = "
          "'Rev_Ops' AND table_name = 'Order'");
    CHECK(Dialect(Kind::postgresql, {}).count_version_tables() ==
          "SELECT CAST(COUNT(*) AS TEXT) FROM information_schema.tables WHERE table_schema = "
          "current_schema() AND table_name = 'rev_version'");
    CHECK(Dialect(Kind::sqlite, {}).count_version_tables() ==
          "SELECT CAST(COUNT(*) AS TEXT) FROM sqlite_master WHERE type = 'table' AND name = "
          "'rev_version'");
    CHECK(pg.select_layout_version() ==
          "SELECT value FROM \"Rev_Ops\".\"Order_meta\" WHERE key = 'layout_version'");
    CHECK(pg.count_applied() == "SELECT CAST(COUNT(*) AS TEXT) FROM \"Rev_Ops\".\"Order\"");
    CHECK(Dialect(Kind::sqlite, {}).select_applied() ==
          "SELECT revision, CAST(seq AS TEXT) AS seq_text, up_sha256, down_sha256, "
          "manifest_sha256, applied_at, applied_by, CAST(duration_ms AS TEXT) AS "
          "duration_ms_text, rev_version, state, COALESCE(error, '') FROM \"rev_version\" ORDER "
          "BY seq");
    CHECK(Dialect(Kind::sqlite, {}).select_log(5) ==
          "SELECT CAST(id AS TEXT) AS id_text, event, COALESCE(revision, ''), event_at, actor, "
          "CAST(duration_ms AS TEXT) AS duration_ms_text, rev_version, COALESCE(detail, '') FROM "
          "\"rev_version_log\" ORDER BY id DESC LIMIT 5");
}

TEST_CASE("Dialect: lock_key is stable and names the version table", "[dialect][lock]") {
    // 60 bits of SHA-256 of 'rev:"rev_version"': rev processes of every version, and both
    // engines, must agree on it.
    CHECK(Dialect(Kind::postgresql, {}).lock_key() == 201002858844037982LL);
    CHECK(Dialect(Kind::sqlite, {}).lock_key() == 201002858844037982LL);
    CHECK(Dialect(Kind::postgresql, {"Order", "Rev_Ops"}).lock_key() == 1115491405799793610LL);
    CHECK(Dialect(Kind::postgresql, {"other", ""}).lock_key() == 956228234266202921LL);
    CHECK(Dialect(Kind::postgresql, {"rev_version", "ops"}).lock_key() !=
          Dialect(Kind::postgresql, {}).lock_key());
}
