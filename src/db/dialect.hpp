#pragma once

#include <rev/step_record.hpp>
#include <rev/url.hpp>
#include <rev/version_table.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace rev::db {

// One of rev's statements with its values kept apart: `?1`, `?2`, ... in `text` stand for
// `values[0]`, `values[1]`, ... An engine that prepares statements binds the values; with_literals
// gives the text that --sql prints, and that engines without binding run.
struct BoundStatement {
    struct Value {
        enum class Kind { null, text, integer };
        Kind kind = Kind::null;
        std::string text;
        long long integer = 0;
    };

    std::string text;
    std::vector<Value> values;

    std::string with_literals() const;
};

// The SQL of rev's own tables, for one engine. The real databases run these texts
// and --sql prints them, so an offline script records exactly what a real run would.
class Dialect {
public:
    static constexpr int k_layout_version = 2;

    Dialect(DatabaseUrl::Kind kind, VersionTables tables);

    DatabaseUrl::Kind kind() const { return m_kind; }
    const VersionTables& tables() const { return m_tables; }
    // The names of rev's own tables (the applied table, `_log`, `_meta`), which schema
    // snapshots leave out.
    std::vector<std::string> own_tables() const;

    std::vector<std::string> create_tables() const;
    // Layout 2 added the state of unfinished steps and the log's detail.
    std::vector<std::string> upgrade_layout_from_1() const;
    // The version table row and the log event of one step.
    std::vector<std::string> record(const StepRecord& record) const;
    // The same statements with their values apart: for one event the texts are always the same.
    std::vector<BoundStatement> bound_record(const StepRecord& record) const;

    // Queries; every column is selected as text so that both engines read the same way.
    std::string count_version_tables() const;
    std::string select_layout_version() const;
    std::string select_applied() const;
    std::string count_applied() const;
    std::string select_log(std::size_t limit) const;

    // The advisory lock key that serialises rev processes on this version table (PostgreSQL).
    long long lock_key() const;

    // `text` as an SQL string literal.
    static std::string quote(std::string_view text);

private:
    std::string qualified(std::string_view suffix) const;
    std::string as_text(const std::string& column) const;
    std::string timestamp(const std::string& placeholder) const;
    BoundStatement log_insert(const StepRecord& record) const;
    BoundStatement change_applied(const StepRecord& record) const;
    BoundStatement insert_applied(const StepRecord& record, std::string_view state) const;
    BoundStatement update_applied(const StepRecord& record, BoundStatement set) const;

    DatabaseUrl::Kind m_kind;
    VersionTables m_tables;
};

} // namespace rev::db
