#include "db/dialect.hpp"

#include <rev/checksum.hpp>
#include <rev/error.hpp>
#include <rev/version.hpp>

#include <cctype>

namespace rev::db {

Dialect::Dialect(DatabaseUrl::Kind kind, VersionTables tables)
    : m_kind(kind), m_tables(std::move(tables)) {
    // Here, so that a connection and a --sql script refuse it alike.
    if (m_kind == DatabaseUrl::Kind::sqlite && !m_tables.schema.empty()) {
        throw ConfigError("[database] schema '" + m_tables.schema +
                          "' is for PostgreSQL; a SQLite database has no schemas");
    }
}

std::string Dialect::quote(std::string_view text) {
    std::string quoted = "'";
    for (char c : text) {
        quoted += c;
        if (c == '\'') {
            quoted += '\'';
        }
    }
    return quoted + "'";
}

std::string Dialect::qualified(std::string_view suffix) const {
    // Names were checked by is_safe_identifier(); quoting keeps their case on PostgreSQL.
    const std::string table = "\"" + m_tables.table + std::string(suffix) + "\"";
    return m_tables.schema.empty() ? table : "\"" + m_tables.schema + "\"." + table;
}

std::string Dialect::timestamp(const std::string& placeholder) const {
    // In INSERT ... SELECT PostgreSQL would take an untyped literal for text.
    return m_kind == DatabaseUrl::Kind::postgresql ? "CAST(" + placeholder + " AS TIMESTAMPTZ)"
                                                   : placeholder;
}

std::string Dialect::as_text(const std::string& column) const {
    // The alias matters: PostgreSQL names a cast after its column, and ORDER BY would then
    // sort the text ('10' before '9').
    return "CAST(" + column + " AS TEXT) AS " + column + "_text";
}

std::vector<std::string> Dialect::create_tables() const {
    const bool pg = m_kind == DatabaseUrl::Kind::postgresql;
    const std::string timestamp = pg ? "TIMESTAMPTZ" : "TEXT";
    const std::string log_id =
        pg ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY";
    std::vector<std::string> statements;
    if (pg && !m_tables.schema.empty()) {
        statements.push_back("CREATE SCHEMA IF NOT EXISTS \"" + m_tables.schema + "\"");
    }
    statements.push_back("CREATE TABLE IF NOT EXISTS " + qualified("_meta") +
                         " (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    statements.push_back("INSERT INTO " + qualified("_meta") +
                         " (key, value) VALUES ('layout_version', '" +
                         std::to_string(k_layout_version) + "') ON CONFLICT (key) DO NOTHING");
    statements.push_back("CREATE TABLE IF NOT EXISTS " + qualified("") +
                         " (revision TEXT PRIMARY KEY, seq BIGINT NOT NULL UNIQUE, "
                         "up_sha256 TEXT NOT NULL, down_sha256 TEXT NOT NULL, "
                         "manifest_sha256 TEXT NOT NULL, applied_at " +
                         timestamp +
                         " NOT NULL, applied_by TEXT NOT NULL, duration_ms BIGINT NOT NULL, "
                         "rev_version TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'applied', "
                         "error TEXT)");
    statements.push_back("CREATE TABLE IF NOT EXISTS " + qualified("_log") + " (id " + log_id +
                         ", event TEXT NOT NULL, revision TEXT, up_sha256 TEXT, "
                         "down_sha256 TEXT, manifest_sha256 TEXT, event_at " +
                         timestamp +
                         " NOT NULL, actor TEXT NOT NULL, duration_ms BIGINT NOT NULL, "
                         "rev_version TEXT NOT NULL, detail TEXT)");
    return statements;
}

std::vector<std::string> Dialect::upgrade_layout_from_1() const {
    return {"ALTER TABLE " + qualified("") + " ADD COLUMN state TEXT NOT NULL DEFAULT 'applied'",
            "ALTER TABLE " + qualified("") + " ADD COLUMN error TEXT",
            "ALTER TABLE " + qualified("_log") + " ADD COLUMN detail TEXT",
            // Layout 1 as released had no UNIQUE on seq, which layout 2 declares.
            "CREATE UNIQUE INDEX IF NOT EXISTS \"" + m_tables.table + "_seq\"" + " ON " +
                qualified("") + " (seq)",
            "UPDATE " + qualified("_meta") + " SET value = '" + std::to_string(k_layout_version) +
                "' WHERE key = 'layout_version'"};
}

namespace {

// Collects a statement's values; each call returns the placeholder of the value it took, so the
// numbering holds whatever order the operands of a `+` chain are evaluated in.
class Values {
public:
    std::string text(std::string_view value) {
        return add({BoundStatement::Value::Kind::text, std::string(value), 0});
    }
    // NULL for an empty text.
    std::string nullable(std::string_view value) { return value.empty() ? add({}) : text(value); }
    std::string integer(long long value) {
        return add({BoundStatement::Value::Kind::integer, "", value});
    }
    BoundStatement statement(std::string text) { return {std::move(text), std::move(m_values)}; }

private:
    std::string add(BoundStatement::Value value) {
        m_values.push_back(std::move(value));
        return std::string("?").append(std::to_string(m_values.size()));
    }

    std::vector<BoundStatement::Value> m_values;
};

std::string literal(const BoundStatement::Value& value) {
    switch (value.kind) {
    case BoundStatement::Value::Kind::text:
        return Dialect::quote(value.text);
    case BoundStatement::Value::Kind::integer:
        return std::to_string(value.integer);
    case BoundStatement::Value::Kind::null:
        break;
    }
    return "NULL";
}

} // namespace

std::string BoundStatement::with_literals() const {
    std::string result;
    bool quoted = false;
    for (std::size_t at = 0; at < text.size(); ++at) {
        const char c = text[at];
        if (c == '\'') {
            quoted = !quoted;
        }
        if (quoted || c != '?') {
            result += c;
            continue;
        }
        std::size_t end = at + 1;
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0) {
            ++end;
        }
        result += literal(values.at(std::stoul(text.substr(at + 1, end - at - 1)) - 1));
        at = end - 1;
    }
    return result;
}

BoundStatement Dialect::log_insert(const StepRecord& record) const {
    Values values;
    std::string text =
        "INSERT INTO " + qualified("_log") +
        " (event, revision, up_sha256, down_sha256, manifest_sha256, event_at, actor, "
        "duration_ms, rev_version, detail) VALUES (" +
        quote(event_name(record.event)) + ", " + values.nullable(record.revision) + ", " +
        values.nullable(record.checksums.up) + ", " + values.nullable(record.checksums.down) +
        ", " + values.nullable(record.checksums.manifest) + ", " + values.text(record.at) + ", " +
        values.text(record.by) + ", " + values.integer(record.duration_ms) + ", " +
        quote(k_version) + ", " + values.nullable(mask_password(record.detail)) + ")";
    return values.statement(std::move(text));
}

BoundStatement Dialect::insert_applied(const StepRecord& record, std::string_view state) const {
    Values values;
    std::string text =
        "INSERT INTO " + qualified("") +
        " (revision, seq, up_sha256, down_sha256, manifest_sha256, applied_at, applied_by, "
        "duration_ms, rev_version, state) SELECT " +
        values.text(record.revision) + ", COALESCE(MAX(seq), 0) + 1, " +
        values.text(record.checksums.up) + ", " + values.text(record.checksums.down) + ", " +
        values.text(record.checksums.manifest) + ", " + timestamp(values.text(record.at)) + ", " +
        values.text(record.by) + ", " + values.integer(record.duration_ms) + ", " +
        quote(k_version) + ", " + quote(state) + " FROM " + qualified("");
    return values.statement(std::move(text));
}

BoundStatement Dialect::update_applied(const StepRecord& record, BoundStatement set) const {
    set.values.push_back({BoundStatement::Value::Kind::text, record.revision, 0});
    set.text = "UPDATE " + qualified("") + " SET " + set.text + " WHERE revision = ?" +
               std::to_string(set.values.size());
    return set;
}

BoundStatement Dialect::change_applied(const StepRecord& record) const {
    using Event = StepRecord::Event;
    Values values;
    const auto sums = [&] {
        return "up_sha256 = " + values.text(record.checksums.up) +
               ", down_sha256 = " + values.text(record.checksums.down) +
               ", manifest_sha256 = " + values.text(record.checksums.manifest);
    };
    switch (record.event) {
    case Event::upgrade:
    case Event::stamp_up:
        return insert_applied(record, "applied");
    case Event::upgrade_started:
        return insert_applied(record, "upgrading");
    case Event::upgrade_finished: {
        std::string set =
            "state = 'applied', error = NULL, applied_at = " + timestamp(values.text(record.at)) +
            ", ";
        set += "duration_ms = " + values.integer(record.duration_ms) + ", ";
        set += sums();
        return update_applied(record, values.statement(std::move(set)));
    }
    case Event::downgrade_started:
        return update_applied(record, {"state = 'downgrading', error = NULL", {}});
    case Event::upgrade_failed:
    case Event::downgrade_failed: {
        std::string set = "error = " + values.text(mask_password(record.detail));
        return update_applied(record, values.statement(std::move(set)));
    }
    case Event::resolved_applied:
        return update_applied(record, {"state = 'applied', error = NULL", {}});
    case Event::rehash: {
        std::string set = sums();
        return update_applied(record, values.statement(std::move(set)));
    }
    case Event::downgrade:
    case Event::stamp_down:
    case Event::resolved_reverted: {
        std::string text =
            "DELETE FROM " + qualified("") + " WHERE revision = " + values.text(record.revision);
        return values.statement(std::move(text));
    }
    case Event::purge:
    case Event::lock_retry:
        break;
    }
    return {"DELETE FROM " + qualified(""), {}};
}

std::vector<BoundStatement> Dialect::bound_record(const StepRecord& record) const {
    if (record.event == StepRecord::Event::lock_retry) {
        return {log_insert(record)};
    }
    return {change_applied(record), log_insert(record)};
}

std::vector<std::string> Dialect::record(const StepRecord& record) const {
    std::vector<std::string> statements;
    for (const BoundStatement& statement : bound_record(record)) {
        statements.push_back(statement.with_literals());
    }
    return statements;
}

std::string Dialect::count_version_tables() const {
    if (m_kind == DatabaseUrl::Kind::sqlite) {
        return "SELECT CAST(COUNT(*) AS TEXT) FROM sqlite_master WHERE type = 'table' AND name = " +
               quote(m_tables.table);
    }
    return "SELECT CAST(COUNT(*) AS TEXT) FROM information_schema.tables WHERE table_schema = " +
           (m_tables.schema.empty() ? std::string("current_schema()") : quote(m_tables.schema)) +
           " AND table_name = " + quote(m_tables.table);
}

std::string Dialect::select_layout_version() const {
    return "SELECT value FROM " + qualified("_meta") + " WHERE key = 'layout_version'";
}

std::string Dialect::select_applied() const {
    const std::string applied_at =
        m_kind == DatabaseUrl::Kind::postgresql
            ? "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
            : "applied_at";
    return "SELECT revision, " + as_text("seq") + ", up_sha256, down_sha256, manifest_sha256, " +
           applied_at + ", applied_by, " + as_text("duration_ms") +
           ", rev_version, state, COALESCE(error, '') FROM " + qualified("") + " ORDER BY seq";
}

std::string Dialect::select_log(std::size_t limit) const {
    const std::string event_at =
        m_kind == DatabaseUrl::Kind::postgresql
            ? "to_char(event_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
            : "event_at";
    return "SELECT " + as_text("id") + ", event, COALESCE(revision, ''), " + event_at +
           ", actor, " + as_text("duration_ms") + ", rev_version, COALESCE(detail, '') FROM " +
           qualified("_log") + " ORDER BY id DESC LIMIT " + std::to_string(limit);
}

std::string Dialect::count_applied() const {
    return "SELECT CAST(COUNT(*) AS TEXT) FROM " + qualified("");
}

std::vector<std::string> Dialect::own_tables() const {
    return {m_tables.table, m_tables.table + "_log", m_tables.table + "_meta"};
}

long long Dialect::lock_key() const {
    // 60 bits of the table's name: distinct version tables in one database lock separately.
    const std::string digest = sha256_hex("rev:" + qualified(""));
    return static_cast<long long>(std::stoull(digest.substr(0, 15), nullptr, 16));
}

} // namespace rev::db
