// SqliteFingerprintReader (schema_reader.hpp): SQLite's schema fingerprints, read from
// sqlite_schema for the parts SQLite's authorizer saw touched.
#include "db/schema_reader.hpp"
#include "db/sqlite_catalog.hpp"
#include "db/sqlite_sql_text.hpp"

namespace rev::db {

namespace {

using Row = std::vector<std::string>;

} // namespace

SchemaFingerprintsRead SqliteFingerprintReader::read(const CatalogQuery& query,
                                                     const Dialect& dialect) {
    std::string data_version;
    query("PRAGMA data_version", 1, [&](Row& row) { data_version = row[0]; });
    SchemaFingerprintsRead fingerprints;
    fingerprints.complete = m_everything || data_version != m_data_version;
    m_data_version = std::move(data_version);
    std::set<std::string> names;
    std::string condition;
    if (!fingerprints.complete) {
        if (m_touched.empty()) {
            return fingerprints;
        }
        condition = condition_for_touched_parts(names);
    }
    m_everything = m_always_everything;
    m_touched.clear();
    std::set<std::string> seen;
    std::set<std::string> tables;
    query("SELECT m.tbl_name, m.type, m.name, COALESCE(m.sql, '') FROM sqlite_schema m WHERE" +
              condition + own_objects_filter(dialect),
          4, [&](Row& row) {
              std::string& fingerprint = fingerprints.parts[row[0]];
              fingerprint += row[1] + '\x1f' + row[2] + '\x1f' + row[3] + '\x1e';
              seen.insert(row[0]);
              if (row[1] == "table") {
                  tables.insert(row[0]);
                  note_table(row[0], std::move(row[3]));
              }
          });
    for (const std::string& part : seen) {
        if (!tables.contains(part)) {
            m_parts[part] = {};
        }
    }
    // What is gone: every part not seen, or only those of the parts looked at.
    for (auto it = m_parts.begin(); it != m_parts.end();) {
        if (!seen.contains(it->first) &&
            (fingerprints.complete || names.contains(upper(it->first)))) {
            if (!it->second.table_sql.empty()) {
                m_table_sql.erase(upper(it->first));
            }
            if (!fingerprints.complete) {
                fingerprints.parts[it->first] = "";
            }
            it = m_parts.erase(it);
        } else {
            ++it;
        }
    }
    // A REFERENCES without columns means the parent's primary key, which only its text says.
    for (const std::string& part : seen) {
        for (const std::string& parent : m_parts[part].references) {
            const auto found = m_table_sql.find(parent);
            fingerprints.parts[part] += '\x1d' + (found == m_table_sql.end() ? "" : found->second);
        }
    }
    return fingerprints;
}

void SqliteFingerprintReader::touched(std::string_view part) {
    m_touched.insert(upper(part));
}

// The touched parts and the tables that reference them, as the first term of a condition on
// sqlite_schema `m`; `names` gets them upper-cased.
std::string
SqliteFingerprintReader::condition_for_touched_parts(std::set<std::string>& names) const {
    names = m_touched;
    for (const auto& [part, known] : m_parts) {
        for (const std::string& parent : known.references) {
            if (m_touched.contains(parent)) {
                names.insert(upper(part));
            }
        }
    }
    return " m.tbl_name COLLATE NOCASE IN (" + literals({names.begin(), names.end()}) + ") AND";
}

void SqliteFingerprintReader::note_table(const std::string& part, std::string sql) {
    KnownPart& known = m_parts[part];
    if (known.table_sql != sql) {
        known.references.clear();
        const std::vector<Token> tokens = tokens_of(sql);
        for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
            if (tokens[i].word && tokens[i].text == "REFERENCES") {
                known.references.push_back(upper(tokens[i + 1].text));
            }
        }
        known.table_sql = sql;
    }
    m_table_sql[upper(part)] = std::move(sql);
}

} // namespace rev::db
