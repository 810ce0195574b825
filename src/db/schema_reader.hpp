#pragma once

#include "db/dialect.hpp"

#include <rev/schema.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// The catalog readers behind Database::snapshot(), one per engine (sqlite_schema.cpp,
// postgresql_schema.cpp). Each reads the whole schema in a handful of catalog queries, never
// one per table, and returns it normalised, rev's own tables (Dialect::own_tables) left out.
namespace rev::db {

// Runs one catalog query: calls `on_row` with each row, every one of its `columns` columns as
// text (NULL reads as ""). The engine's, so that errors name the database.
using CatalogQuery = std::function<void(const std::string& statement, std::size_t columns,
                                        const std::function<void(std::vector<std::string>&)>&)>;

// Every part, or only `parts` (SchemaObject::part()) when given.
SchemaSnapshot read_sqlite_schema(const CatalogQuery& query, const Dialect& dialect,
                                  const std::vector<std::string>* parts = nullptr);
SchemaSnapshot read_postgresql_schema(const CatalogQuery& query, const Dialect& dialect,
                                      const std::vector<std::string>* parts = nullptr);

// SQLite's schema is the text of its CREATE statements: a part's fingerprint is the text of its
// own (the table's, its indexes' and triggers'; a view's) and of the CREATE TABLE of each table
// it REFERENCES. One per connection, told by SQLite's authorizer which parts each statement
// touches (touched()), so that a read after a script looks at those parts only.
class SqliteFingerprintReader {
public:
    // Every part's fingerprint the first time, after touched_everything(), or when another
    // connection changed the database; else those of the parts touched since the last read and
    // of the tables that reference them, a part that is gone with "".
    SchemaFingerprintsRead read(const CatalogQuery& query, const Dialect& dialect);
    // A statement creates, drops or alters `part` (a table or view), named in any case.
    void touched(std::string_view part);
    // A statement may change any part; `from_now_on`: every later one may too.
    void touched_everything(bool from_now_on = false) {
        m_everything = true;
        m_always_everything = m_always_everything || from_now_on;
    }

private:
    struct KnownPart {
        std::string table_sql;
        // The tables its CREATE TABLE REFERENCES, upper-cased.
        std::vector<std::string> references;
    };

    std::string condition_for_touched_parts(std::set<std::string>& names) const;
    void note_table(const std::string& part, std::string sql);

    bool m_everything = true;
    bool m_always_everything = false;
    // Upper-cased, as SQLite compares names.
    std::set<std::string> m_touched;
    std::string m_data_version;
    std::map<std::string, KnownPart> m_parts;
    // Each table's CREATE TABLE by its upper-cased name, for the tables that reference it.
    std::map<std::string, std::string> m_table_sql;
};

} // namespace rev::db
