// PostgreSQL's catalog reader: seven pg_catalog queries whatever the number of tables.
//
// Which schemas: those of the session's search path that exist (current_schemas(false)), less
// pg_catalog and information_schema; rev's own tables are left out of the schema they live in
// ([database] schema, else the current schema). Objects of the current schema (the first of the
// search path) are named as they are; objects of the other schemas are named "schema.name", so
// that the usual single-schema database reads without prefixes. Objects that belong to an
// extension are left out: CREATE EXTENSION makes them, not the scripts.
//
// What PostgreSQL keeps, and how it is named here:
//   table       persistence "unlogged", partition_by (pg_get_partkeydef), partition_of and
//               partition_bound (each present only when so)
//   column      type (format_type), nullable, default (pg_get_expr, when any), position (among
//               the live columns, so a column dropped long ago leaves no gap), identity
//               "always"/"by default", generated "stored" with expression, collation (when not
//               the type's)
//   constraint  constraint_type "primary key"/"unique"/"check"/"foreign key"/"exclusion",
//               definition (pg_get_constraintdef), columns; foreign keys also references
//               "table(cols)", on_delete, on_update; checks also check (the expression).
//               Constraints a partition inherits from its partitioned table are listed once,
//               on the partitioned table.
//   index       columns ("a, b DESC", expressions as pg_get_indexdef gives them), unique,
//               method, predicate (when partial), include (when any). The index behind a
//               primary key, unique or exclusion constraint is not listed: the constraint is.
//   view, materialized view   definition (pg_get_viewdef, white space normalised)
//   trigger     definition (pg_get_triggerdef); a partition's clones are not listed
//   sequence    type, start, increment, minimum, maximum, cache, cycle; never its current value.
//               A sequence owned by a column (serial, identity, OWNED BY) is not listed: it comes
//               and goes with the column, whose default or identity names it.
//   type        type_kind "enum" with values "a, b" (in their order); "domain" with type (the
//               base type), nullable, default, check; "composite" with fields "a integer, ...";
//               "range" with subtype
#include "db/postgresql_catalog.hpp"
#include "db/schema_reader.hpp"

namespace rev::db {

namespace {

using Kind = SchemaObject::Kind;
using Row = std::vector<std::string>;
namespace attr = schema_attribute;

// The live columns of relation `relation` at the places the int2[] `keys` gives, "a, b".
std::string column_list(const std::string& keys, const std::string& relation) {
    return "(SELECT string_agg(a.attname::text, ', ' ORDER BY u.i) FROM unnest(" + keys +
           ") WITH ORDINALITY u(num, i) JOIN pg_attribute a ON a.attrelid = " + relation +
           " AND a.attnum = u.num)";
}

std::string action(char code) {
    switch (code) {
    case 'r':
        return "RESTRICT";
    case 'c':
        return "CASCADE";
    case 'n':
        return "SET NULL";
    case 'd':
        return "SET DEFAULT";
    default:
        return "NO ACTION";
    }
}

std::string constraint_type(const std::string& code) {
    if (code == "p") {
        return "primary key";
    }
    if (code == "u") {
        return "unique";
    }
    if (code == "c") {
        return "check";
    }
    if (code == "f") {
        return "foreign key";
    }
    return "exclusion";
}

// Sets attributes[name] to `value` unless it is empty.
void set_if(std::map<std::string, std::string>& attributes, std::string_view name,
            std::string value) {
    if (!value.empty()) {
        attributes[std::string(name)] = std::move(value);
    }
}

class PostgresqlReader {
public:
    // All parts, or only `parts` (relations and types by the name snapshots give them).
    PostgresqlReader(const CatalogQuery& query, const Dialect& dialect,
                     const std::vector<std::string>* parts)
        : m_query(query), m_dialect(dialect) {
        if (parts != nullptr) {
            std::string names;
            for (const std::string& part : *parts) {
                names += (names.empty() ? "" : ", ") + Dialect::quote(part);
            }
            m_relation_parts = " AND " + named("n", "c.relname") + " IN (" + names + ")";
            m_type_parts = " AND " + named("n", "t.typname") + " IN (" + names + ")";
        }
    }

    SchemaSnapshot read() {
        m_schemas = snapshot_schemas(m_query);
        if (m_schemas.empty()) {
            return {};
        }
        read_relations();
        read_columns();
        read_constraints();
        read_indexes();
        read_triggers();
        read_types();
        m_snapshot.normalise();
        return std::move(m_snapshot);
    }

private:
    // The relations `c` (in namespace `n`) this snapshot reads.
    std::string relations() const {
        return snapshot_relations(m_schemas, m_dialect) + m_relation_parts;
    }

    // FROM pg_class c and its namespace n, for the parts of tables.
    static std::string of_relation(const std::string& column) {
        return " JOIN pg_class c ON c.oid = " + column +
               " JOIN pg_namespace n ON n.oid = c.relnamespace";
    }

    void add(Kind kind, std::string name, std::string table,
             std::map<std::string, std::string> attributes) {
        m_snapshot.objects.push_back(
            {kind, std::move(name), std::move(table), std::move(attributes)});
    }

    void read_relations() {
        m_query("SELECT c.relkind::text, " + named("n", "c.relname") +
                    ", CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END, "
                    "CASE WHEN c.relpersistence = 'u' THEN 'unlogged' END, CASE WHEN c.relkind "
                    "= 'p' THEN pg_get_partkeydef(c.oid) END, (SELECT " +
                    named("pn", "p.relname") +
                    " FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN "
                    "pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid AND "
                    "c.relispartition), CASE WHEN c.relispartition THEN "
                    "pg_get_expr(c.relpartbound, c.oid) END, format_type(s.seqtypid, NULL), "
                    "s.seqstart::text, s.seqincrement::text, s.seqmin::text, s.seqmax::text, "
                    "s.seqcache::text, CASE WHEN s.seqcycle THEN 'yes' ELSE 'no' END FROM "
                    "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN "
                    "pg_sequence s ON s.seqrelid = c.oid WHERE c.relkind IN ('r', 'p', 'v', "
                    "'m', 'S') AND" +
                    relations() +
                    " AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE "
                    "d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refobjsubid > 0 "
                    "AND d.deptype IN ('a', 'i')))",
                14, [&](Row& row) {
                    if (row[0] == "v" || row[0] == "m") {
                        add(row[0] == "v" ? Kind::view : Kind::materialized_view, row[1], "",
                            {{std::string(attr::definition), normalise_whitespace(row[2])}});
                    } else if (row[0] == "S") {
                        add(Kind::sequence, row[1], "",
                            {{std::string(attr::type), row[7]},
                             {"start", row[8]},
                             {"increment", row[9]},
                             {"minimum", row[10]},
                             {"maximum", row[11]},
                             {"cache", row[12]},
                             {"cycle", row[13]}});
                    } else {
                        std::map<std::string, std::string> attributes;
                        set_if(attributes, "persistence", row[3]);
                        set_if(attributes, "partition_by", row[4]);
                        set_if(attributes, "partition_of", row[5]);
                        set_if(attributes, "partition_bound", row[6]);
                        add(Kind::table, row[1], "", std::move(attributes));
                    }
                });
    }

    void read_columns() {
        m_query("SELECT " + named("n", "c.relname") +
                    ", a.attname::text, row_number() OVER (PARTITION BY a.attrelid ORDER BY "
                    "a.attnum)::text, format_type(a.atttypid, a.atttypmod), CASE WHEN "
                    "a.attnotnull THEN 'no' ELSE 'yes' END, pg_get_expr(d.adbin, d.adrelid), "
                    "a.attidentity::text, a.attgenerated::text, CASE WHEN a.attcollation <> "
                    "t.typcollation THEN co.collname::text END FROM pg_attribute a" +
                    of_relation("a.attrelid") +
                    " JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_attrdef d ON d.adrelid "
                    "= a.attrelid AND d.adnum = a.attnum LEFT JOIN pg_collation co ON co.oid = "
                    "a.attcollation WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN "
                    "('r', 'p') AND" +
                    relations(),
                9, [&](Row& row) {
                    std::map<std::string, std::string> attributes{
                        {std::string(attr::type), row[3]},
                        {std::string(attr::nullable), row[4]},
                        {std::string(attr::position), row[2]}};
                    if (row[7] == "s") {
                        attributes["generated"] = "stored";
                        attributes["expression"] = row[5];
                    } else {
                        set_if(attributes, attr::default_value, row[5]);
                    }
                    if (!row[6].empty()) {
                        attributes["identity"] = row[6] == "a" ? "always" : "by default";
                    }
                    set_if(attributes, "collation", row[8]);
                    add(Kind::column, row[1], row[0], std::move(attributes));
                });
    }

    void read_constraints() {
        m_query("SELECT " + named("n", "c.relname") +
                    ", k.conname::text, k.contype::text, pg_get_constraintdef(k.oid, true), " +
                    column_list("k.conkey", "k.conrelid") + ", (SELECT " +
                    named("fn", "f.relname") + " || '(' || " +
                    column_list("k.confkey", "k.confrelid") +
                    " || ')' FROM pg_class f JOIN pg_namespace fn ON fn.oid = f.relnamespace "
                    "WHERE f.oid = k.confrelid), k.confdeltype::text, k.confupdtype::text, "
                    "pg_get_expr(k.conbin, k.conrelid, true) FROM pg_constraint k" +
                    of_relation("k.conrelid") +
                    " WHERE k.contype IN ('p', 'u', 'c', 'f', 'x') AND k.conparentid = 0 AND" +
                    relations(),
                9, [&](Row& row) {
                    std::map<std::string, std::string> attributes{
                        {"constraint_type", constraint_type(row[2])},
                        {std::string(attr::definition), row[3]}};
                    set_if(attributes, attr::columns, row[4]);
                    if (row[2] == "f") {
                        attributes["references"] = row[5];
                        attributes["on_delete"] = action(row[6].empty() ? 'a' : row[6][0]);
                        attributes["on_update"] = action(row[7].empty() ? 'a' : row[7][0]);
                    } else if (row[2] == "c") {
                        attributes["check"] = row[8];
                    }
                    add(Kind::constraint, row[1], row[0], std::move(attributes));
                });
    }

    void read_indexes() {
        // indoption: bit 1 is DESC, bit 2 NULLS FIRST; ASC NULLS LAST and DESC NULLS FIRST
        // are the defaults and go unsaid.
        m_query(
            "SELECT " + named("n", "c.relname") + ", " + named("n", "ic.relname") +
                ", CASE WHEN x.indisunique THEN 'yes' ELSE 'no' END, am.amname::text, "
                "pg_get_expr(x.indpred, x.indrelid, true), (SELECT "
                "string_agg(pg_get_indexdef(x.indexrelid, k, true) || CASE "
                "x.indoption[k - 1]::int & 3 WHEN 1 THEN ' DESC NULLS LAST' WHEN 2 THEN ' "
                "NULLS FIRST' WHEN 3 THEN ' DESC' ELSE '' END, ', ' ORDER BY k) FROM "
                "generate_series(1, x.indnkeyatts) k), (SELECT "
                "string_agg(pg_get_indexdef(x.indexrelid, k, true), ', ' ORDER BY k) FROM "
                "generate_series(x.indnkeyatts + 1, x.indnatts) k) FROM pg_index x JOIN "
                "pg_class ic ON ic.oid = x.indexrelid JOIN pg_am am ON am.oid = ic.relam" +
                of_relation("x.indrelid") + " WHERE" + relations() +
                // A primary key's, unique or exclusion constraint's index is on the
                // constraint's table: matching conrelid lets pg_constraint's index on it find
                // the constraint, where conindid alone (no index) scans the whole catalog once
                // per index, 0.27 s of a snapshot at 1,000 tables.
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = x.indrelid "
                "AND k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))",
            7, [&](Row& row) {
                std::map<std::string, std::string> attributes{
                    {std::string(attr::columns), row[5]}, {"unique", row[2]}, {"method", row[3]}};
                set_if(attributes, "predicate", row[4]);
                set_if(attributes, "include", row[6]);
                add(Kind::index, row[1], row[0], std::move(attributes));
            });
    }

    void read_triggers() {
        m_query("SELECT " + named("n", "c.relname") +
                    ", t.tgname::text, pg_get_triggerdef(t.oid, true) FROM pg_trigger t" +
                    of_relation("t.tgrelid") +
                    " WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND" + relations(),
                3, [&](Row& row) {
                    add(Kind::trigger, row[1], row[0],
                        {{std::string(attr::definition), normalise_whitespace(row[2])}});
                });
    }

    void read_types() {
        m_query("SELECT " + named("n", "t.typname") +
                    ", t.typtype::text, CASE t.typtype WHEN 'e' THEN (SELECT "
                    "string_agg(e.enumlabel::text, ', ' ORDER BY e.enumsortorder) FROM pg_enum e "
                    "WHERE e.enumtypid = t.oid) WHEN 'c' THEN (SELECT string_agg(a.attname || ' ' "
                    "|| format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) FROM "
                    "pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT "
                    "a.attisdropped) WHEN 'r' THEN format_type(r.rngsubtype, NULL) ELSE "
                    "format_type(t.typbasetype, t.typtypmod) END, CASE WHEN t.typnotnull THEN "
                    "'no' ELSE 'yes' END, t.typdefault, (SELECT "
                    "string_agg(pg_get_constraintdef(k.oid, true), ', ' ORDER BY k.conname) FROM "
                    "pg_constraint k WHERE k.contypid = t.oid) FROM pg_type t JOIN pg_namespace n "
                    "ON n.oid = t.typnamespace LEFT JOIN pg_range r ON r.rngtypid = t.oid WHERE" +
                    snapshot_types(m_schemas) + m_type_parts,
                6, [&](Row& row) { add_type(row); });
    }

    void add_type(Row& row) {
        std::map<std::string, std::string> attributes;
        if (row[1] == "e") {
            attributes = {{"type_kind", "enum"}, {"values", row[2]}};
        } else if (row[1] == "c") {
            attributes = {{"type_kind", "composite"}, {"fields", row[2]}};
        } else if (row[1] == "r") {
            attributes = {{"type_kind", "range"}, {"subtype", row[2]}};
        } else {
            attributes = {{"type_kind", "domain"},
                          {std::string(attr::type), row[2]},
                          {std::string(attr::nullable), row[3]}};
            set_if(attributes, attr::default_value, row[4]);
            set_if(attributes, "check", row[5]);
        }
        add(Kind::type, row[0], "", std::move(attributes));
    }

    const CatalogQuery& m_query;
    const Dialect& m_dialect;
    // "(2200, 16384)": the oids of the snapshot's schemas.
    std::string m_schemas;
    // For a partial read: "AND <name> IN (...)" on relations and on types.
    std::string m_relation_parts;
    std::string m_type_parts;
    SchemaSnapshot m_snapshot;
};

} // namespace

std::string named(const std::string& ns, const std::string& object) {
    return "CASE WHEN " + ns + ".nspname = current_schema() THEN " + object + "::text ELSE " + ns +
           ".nspname || '.' || " + object + " END";
}

std::string snapshot_schemas(const CatalogQuery& query) {
    std::string oids;
    query("SELECT n.oid::text FROM unnest(current_schemas(false)) WITH ORDINALITY s(name, i) JOIN "
          "pg_namespace n ON n.nspname = s.name WHERE s.name NOT IN ('pg_catalog', "
          "'information_schema') ORDER BY s.i",
          1, [&](Row& row) { oids += (oids.empty() ? "" : ", ") + row[0]; });
    return oids.empty() ? "" : "(" + oids + ")";
}

std::string snapshot_relations(const std::string& schemas, const Dialect& dialect) {
    const VersionTables& tables = dialect.tables();
    std::string own;
    for (const std::string& table : dialect.own_tables()) {
        own += (own.empty() ? "" : ", ") + Dialect::quote(table);
    }
    return " c.relnamespace IN " + schemas + " AND NOT (n.nspname = " +
           (tables.schema.empty() ? "current_schema()" : Dialect::quote(tables.schema)) +
           " AND c.relname IN (" + own +
           ")) AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = "
           "'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')";
}

std::string snapshot_types(const std::string& schemas) {
    return " t.typnamespace IN " + schemas +
           " AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM "
           "pg_class WHERE oid = t.typrelid) = 'c')) AND NOT EXISTS (SELECT 1 FROM pg_depend e "
           "WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')";
}

SchemaSnapshot read_postgresql_schema(const CatalogQuery& query, const Dialect& dialect,
                                      const std::vector<std::string>* parts) {
    return PostgresqlReader(query, dialect, parts).read();
}

} // namespace rev::db
