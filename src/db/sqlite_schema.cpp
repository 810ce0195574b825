// SQLite's catalog reader: sqlite_schema joined with the table-valued pragma functions, six
// queries whatever the number of tables.
//
// What SQLite keeps, and how it is named here:
//   table       strict "yes", without_rowid "yes" (present only when so)
//   column      type (as declared, upper-cased), nullable, default (when any), position,
//               generated "virtual"/"stored" (when so)
//   constraint  constraint_type "primary key", columns; named <table>_pkey
//               constraint_type "unique", columns; named <table>_<columns>_key. A UNIQUE
//                 constraint is the index SQLite made for it (origin 'u'), modelled as a
//                 constraint, as PostgreSQL's catalog does; the primary key's own index is
//                 not listed. CREATE UNIQUE INDEX stays an index.
//               constraint_type "foreign key", columns, references "table(cols)", on_delete,
//                 on_update, match (when not NONE); named <table>_<columns>_fkey
//               constraint_type "check", check (the expression); named as declared with
//                 CONSTRAINT, else <table>_<column>_check when it uses one column, else
//                 <table>_check (then ..._check1, ...). SQLite's catalog does not list CHECKs:
//                 they are read from the CREATE TABLE's text.
//               The generated names follow PostgreSQL's defaults, so that both engines name
//               the same declaration alike.
//   index       columns ("a, b DESC"; "<expression>" for an expression), unique, predicate
//               (a partial index's WHERE)
//   view        definition (its CREATE VIEW, white space normalised)
//   trigger     definition (its CREATE TRIGGER, white space normalised)
#include "db/schema_reader.hpp"
#include "db/sqlite_catalog.hpp"
#include "db/sqlite_sql_text.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace rev::db {

namespace {

using Kind = SchemaObject::Kind;
using Row = std::vector<std::string>;
namespace attr = schema_attribute;

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
    std::string text;
    for (const std::string& part : parts) {
        text += (text.empty() ? "" : std::string(separator)) + part;
    }
    return text;
}

class SqliteReader {
public:
    // All parts, or only `parts` (tables and views by name, with what belongs to them).
    SqliteReader(const CatalogQuery& query, const Dialect& dialect,
                 const std::vector<std::string>* parts)
        : m_query(query), m_filter(own_objects_filter(dialect)), m_partial(parts != nullptr) {
        if (parts != nullptr) {
            // First: SQLite tests the terms of a scan of sqlite_schema in order.
            m_filter = " m.tbl_name IN (" + literals(*parts) + ") AND" + m_filter;
        }
    }

    SchemaSnapshot read() {
        read_objects();
        read_columns();
        read_indexes();
        read_foreign_keys();
        add_primary_keys();
        add_checks();
        m_snapshot.normalise();
        return std::move(m_snapshot);
    }

private:
    void add(Kind kind, std::string name, std::string table,
             std::map<std::string, std::string> attributes) {
        m_snapshot.objects.push_back(
            {kind, std::move(name), std::move(table), std::move(attributes)});
    }

    void read_objects() {
        // Apart when reading every table: joined with sqlite_schema, pragma_table_list reads
        // every table again for each row; for a few tables, joined it reads only those.
        m_query(m_partial ? "SELECT m.name, t.wr, t.strict FROM sqlite_schema m JOIN "
                            "pragma_table_list(m.name) t WHERE m.type = 'table' AND t.schema = "
                            "'main' AND (t.wr OR t.strict) AND" +
                                m_filter
                          : "SELECT name, wr, strict FROM pragma_table_list WHERE schema = 'main' "
                            "AND (wr OR strict)",
                3, [&](Row& row) {
                    m_table_flags[row[0]] = {row[1] == "1", row[2] == "1"};
                });
        m_query("SELECT m.type, m.name, m.tbl_name, COALESCE(m.sql, '') FROM sqlite_schema m "
                "WHERE" +
                    m_filter,
                4, [&](Row& row) {
                    const std::string& type = row[0];
                    if (type == "table") {
                        table(row);
                    } else if (type == "view" || type == "trigger") {
                        add(type == "view" ? Kind::view : Kind::trigger, row[1],
                            type == "view" ? "" : row[2],
                            {{std::string(attr::definition), normalise_whitespace(row[3])}});
                    } else if (type == "index") {
                        m_index_sql[row[1]] = row[3];
                    }
                });
    }

    void table(const Row& row) {
        std::map<std::string, std::string> attributes;
        const auto [without_rowid, strict] = m_table_flags[row[1]];
        if (without_rowid) {
            attributes["without_rowid"] = "yes";
        }
        if (strict) {
            attributes["strict"] = "yes";
        }
        add(Kind::table, row[1], "", std::move(attributes));
        for (Check& check : checks_of(row[3])) {
            m_checks.emplace_back(row[1], std::move(check));
        }
    }

    // Named as PostgreSQL names them, which needs the table's columns: <table>_<column>_check
    // when the expression uses one column, else <table>_check; a clash gets a number.
    void add_checks() {
        std::set<std::pair<std::string, std::string>> taken;
        for (auto& [table, check] : m_checks) {
            std::string name = check.name;
            if (name.empty()) {
                std::set<std::string> used;
                for (const Token& token : tokens_of(check.expression)) {
                    if (const auto column = m_columns[table].find(upper(token.text));
                        column != m_columns[table].end()) {
                        used.insert(column->second);
                    }
                }
                const std::string base =
                    table + (used.size() == 1 ? "_" + *used.begin() : "") + "_check";
                name = base;
                for (int n = 1; taken.contains({table, name}); ++n) {
                    name = base + std::to_string(n);
                }
            }
            taken.insert({table, name});
            add(Kind::constraint, std::move(name), table,
                {{"constraint_type", "check"}, {"check", std::move(check.expression)}});
        }
    }

    void read_columns() {
        m_query("SELECT m.name, p.cid + 1, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, "
                "p.hidden FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p WHERE m.type = "
                "'table' AND p.hidden <> 1 AND" +
                    m_filter,
                8, [&](Row& row) {
                    std::map<std::string, std::string> attributes{
                        {std::string(attr::type), normalise_whitespace(upper(row[3]))},
                        {std::string(attr::nullable), row[4] == "1" ? "no" : "yes"},
                        {std::string(attr::position), row[1]}};
                    if (!row[5].empty()) {
                        attributes[std::string(attr::default_value)] = row[5];
                    }
                    if (row[7] == "2" || row[7] == "3") {
                        attributes["generated"] = row[7] == "2" ? "virtual" : "stored";
                    }
                    if (row[6] != "0") {
                        m_primary_keys[row[0]].emplace(std::stoi(row[6]), row[2]);
                    }
                    m_columns[row[0]][upper(row[2])] = row[2];
                    add(Kind::column, row[2], row[0], std::move(attributes));
                });
    }

    void read_indexes() {
        struct Index {
            std::string table;
            std::string origin;
            bool unique = false;
            std::vector<std::string> columns;
        };
        std::map<std::string, Index> indexes;
        m_query(
            "SELECT m.name, il.name, il.\"unique\", il.origin, ii.name, ii.\"desc\" FROM "
            "sqlite_schema m JOIN pragma_index_list(m.name) il JOIN "
            "pragma_index_xinfo(il.name) ii WHERE m.type = 'table' AND ii.key = 1 AND il.origin "
            "<> 'pk' AND" +
                m_filter + " ORDER BY m.name, il.name, ii.seqno",
            6, [&](Row& row) {
                Index& index = indexes[row[1]];
                index.table = row[0];
                index.origin = row[3];
                index.unique = row[2] == "1";
                index.columns.push_back((row[4].empty() ? "<expression>" : row[4]) +
                                        (row[5] == "1" ? " DESC" : ""));
            });
        for (auto& [name, index] : indexes) {
            std::string columns = joined(index.columns, ", ");
            if (index.origin == "u") {
                std::string key_name = index.table;
                for (const std::string& column : index.columns) {
                    key_name += "_" + column;
                }
                add(Kind::constraint, key_name + "_key", index.table,
                    {{"constraint_type", "unique"}, {std::string(attr::columns), columns}});
                continue;
            }
            std::map<std::string, std::string> attributes{
                {std::string(attr::columns), std::move(columns)},
                {"unique", index.unique ? "yes" : "no"}};
            if (std::string predicate = predicate_of(m_index_sql[name]); !predicate.empty()) {
                attributes["predicate"] = std::move(predicate);
            }
            add(Kind::index, name, index.table, std::move(attributes));
        }
    }

    void read_foreign_keys() {
        struct Key {
            std::string table;
            std::string parent;
            std::vector<std::string> from;
            std::vector<std::string> to;
            std::string on_update;
            std::string on_delete;
            std::string match;
        };
        std::map<std::pair<std::string, int>, Key> keys;
        m_query("SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, "
                "f.on_delete, f.match FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f "
                "WHERE m.type = 'table' AND" +
                    m_filter + " ORDER BY m.name, f.id, f.seq",
                8, [&](Row& row) {
                    Key& key = keys[{row[0], std::stoi(row[1])}];
                    if (key.table.empty()) {
                        key = {row[0], row[2], {}, {}, row[5], row[6], row[7]};
                    }
                    key.from.push_back(row[3]);
                    key.to.push_back(row[4]);
                });
        // Declared last is listed first (id 0): named in declaration order, a clash gets a number.
        for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
            add_foreign_key(it->second);
        }
    }

    template <class Key>
    void add_foreign_key(Key& key) {
        std::string name = key.table;
        for (const std::string& column : key.from) {
            name += "_" + column;
        }
        name += "_fkey";
        for (int n = 1; !m_fkey_names.insert({key.table, name}).second; ++n) {
            name = name.substr(0, name.rfind("_fkey") + 5) + std::to_string(n);
        }
        // REFERENCES parent without columns means the parent's primary key.
        if (std::all_of(key.to.begin(), key.to.end(),
                        [](const std::string& column) { return column.empty(); })) {
            key.to.clear();
            for (const auto& [position, column] : primary_key_of(key.parent)) {
                key.to.push_back(column);
            }
        }
        std::map<std::string, std::string> attributes{
            {"constraint_type", "foreign key"},
            {std::string(attr::columns), joined(key.from, ", ")},
            {"references", key.parent + "(" + joined(key.to, ", ") + ")"},
            {"on_update", key.on_update},
            {"on_delete", key.on_delete}};
        if (key.match != "NONE") {
            attributes["match"] = key.match;
        }
        add(Kind::constraint, std::move(name), key.table, std::move(attributes));
    }

    // A table's primary key columns by their place in the key; read apart when a partial read
    // left the table out.
    const std::map<int, std::string>& primary_key_of(const std::string& table) {
        const auto inserted = m_primary_keys.try_emplace(table);
        std::map<int, std::string>& columns = inserted.first->second;
        if (inserted.second && m_partial) {
            m_query("SELECT pk, name FROM pragma_table_info(" + Dialect::quote(table) +
                        ") WHERE pk > 0",
                    2, [&](Row& row) { columns.emplace(std::stoi(row[0]), row[1]); });
            m_borrowed_keys.insert(table);
        }
        return columns;
    }

    void add_primary_keys() {
        for (const auto& [table, columns] : m_primary_keys) {
            if (columns.empty() || m_borrowed_keys.contains(table)) {
                continue;
            }
            std::vector<std::string> names;
            for (const auto& [position, column] : columns) {
                names.push_back(column);
            }
            add(Kind::constraint, table + "_pkey", table,
                {{"constraint_type", "primary key"},
                 {std::string(attr::columns), joined(names, ", ")}});
        }
    }

    const CatalogQuery& m_query;
    std::string m_filter;
    bool m_partial = false;
    SchemaSnapshot m_snapshot;
    // Per table, its primary key's columns by their place in the key.
    std::map<std::string, std::map<int, std::string>> m_primary_keys;
    std::map<std::string, std::string> m_index_sql;
    // WITHOUT ROWID and STRICT, for the tables that are either.
    std::map<std::string, std::pair<bool, bool>> m_table_flags;
    // Per table, its columns by their upper-cased names (SQLite's names ignore case).
    std::map<std::string, std::map<std::string, std::string>> m_columns;
    std::vector<std::pair<std::string, Check>> m_checks;
    std::set<std::pair<std::string, std::string>> m_fkey_names;
    // Tables outside a partial read whose primary key a foreign key needed.
    std::set<std::string> m_borrowed_keys;
};

} // namespace

std::string literals(const std::vector<std::string>& names) {
    std::string list;
    for (const std::string& name : names) {
        list += (list.empty() ? "" : ", ") + Dialect::quote(name);
    }
    return list;
}

std::string own_objects_filter(const Dialect& dialect) {
    return " m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.tbl_name NOT IN (" +
           literals(dialect.own_tables()) + ")";
}

SchemaSnapshot read_sqlite_schema(const CatalogQuery& query, const Dialect& dialect,
                                  const std::vector<std::string>* parts) {
    return SqliteReader(query, dialect, parts).read();
}

} // namespace rev::db
