#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

// A database's schema as its catalog describes it, read by the database layer (one reader per
// engine, Database::snapshot()) and compared here. `rev verify` proves a down.sql undoes its
// up.sql by comparing snapshots; `rev lint` reads what a revision changed from the diff, so the
// engine, not a SQL parser of ours, decides what a script did (docs/verify.md, docs/lint.md).
namespace rev {

// One object of a schema. Objects that belong to a table (columns, indexes, constraints,
// triggers) name it in `table`. What defines the object is in `attributes`, as text: a reader
// spells each attribute one way per engine, so equal definitions compare equal.
struct SchemaObject {
    enum class Kind {
        type,
        sequence,
        table,
        column,
        constraint,
        index,
        view,
        materialized_view,
        trigger,
    };

    Kind kind = Kind::table;
    std::string name;
    std::string table;
    std::map<std::string, std::string> attributes;

    // Objects sort by kind, table, then name: the order snapshots and diffs are printed in.
    auto key() const { return std::tie(kind, table, name); }
    bool operator==(const SchemaObject&) const = default;

    // "table users", "column email on users", "index i_posts_user on posts".
    std::string describe() const;
    // Whether it belongs to `table` (a column, constraint, index or trigger): dropping the table
    // drops it.
    bool is_table_part() const;
    // The attribute `name`, or "" when the object does not have it.
    const std::string& attribute(std::string_view name) const;
    // The part of the schema it is read with (Database::snapshot(parts)): its table for a table
    // part, else its own name.
    const std::string& part() const { return is_table_part() ? table : name; }
};

// Attribute names that readers share, so that lint rules ask for the same thing on every engine.
namespace schema_attribute {
inline constexpr std::string_view type = "type";             // a column's type
inline constexpr std::string_view nullable = "nullable";     // "yes" or "no"
inline constexpr std::string_view default_value = "default"; // a column's default expression
inline constexpr std::string_view columns = "columns";       // "a, b" for indexes, keys
inline constexpr std::string_view position = "position";     // a column's place, from 1
inline constexpr std::string_view definition = "definition"; // a view's or trigger's text
} // namespace schema_attribute

const char* kind_name(SchemaObject::Kind kind);

// All the objects of one database (or of the schemas rev was told to look at), rev's own tables
// left out. normalise() sorts them; readers call it before they return.
struct SchemaSnapshot {
    std::vector<SchemaObject> objects;

    void normalise();
    bool operator==(const SchemaSnapshot&) const = default;
    const SchemaObject* find(SchemaObject::Kind kind, std::string_view table,
                             std::string_view name) const;
    // The names of the objects of `kind`, sorted (with their table first, for table parts).
    std::vector<std::string> names_of(SchemaObject::Kind kind) const;
};

// Per part of a schema (a table with its columns, constraints, indexes and triggers; a view; a
// sequence; a type), by the name SchemaObject::part() gives: text that changes whenever what a
// snapshot says of the part may have changed. Engines make it from what is cheap to read (the
// CREATE statements SQLite keeps, the row versions of PostgreSQL's catalog); it means nothing
// but equal or not.
using SchemaFingerprints = std::map<std::string, std::string>;

// What Database::schema_fingerprints() read: every part's fingerprint (`complete`), or only those
// of the parts that may have changed since the last call, a part that is gone with "". An engine
// that cannot tell its parts apart cheaply says `whole`: read the whole snapshot again.
struct SchemaFingerprintsRead {
    bool complete = true;
    bool whole = false;
    SchemaFingerprints parts;
};

// How one object differs between two snapshots.
struct SchemaChange {
    enum class Kind { added, removed, changed };

    Kind kind = Kind::added;
    // The object before (removed, changed) and after (added, changed).
    std::optional<SchemaObject> before;
    std::optional<SchemaObject> after;
    // For `changed`: the attributes whose value differs, sorted.
    std::vector<std::string> changed_attributes;

    const SchemaObject& object() const { return after ? *after : *before; }
};

// What changed from `before` to `after`, in snapshot order. Both must be normalised.
std::vector<SchemaChange> diff(const SchemaSnapshot& before, const SchemaSnapshot& after);

// "nullable yes -> no, type INTEGER -> TEXT": what a `changed` change changed; an absent
// attribute shows as "(none)".
std::string describe_attribute_changes(const SchemaChange& change);

// One line per object, for `rev schema`: "table users", "  column id: type integer, ...".
std::string to_text(const SchemaSnapshot& snapshot);

// Collapses runs of white space to one space and trims both ends: view and trigger bodies as the
// catalog gives them differ only in layout after a round trip through some engines.
std::string normalise_whitespace(std::string_view text);

} // namespace rev
