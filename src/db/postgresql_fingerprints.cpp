// PostgreSQL's schema fingerprints: two catalog queries that read row versions, never
// definitions. pg_get_indexdef, pg_get_constraintdef and format_type are what make a snapshot
// expensive; a row's xmin changes with every UPDATE of it, and a row that is dropped or added
// changes the list it is in, so equal lists mean the snapshot would read the same.
//
// A part's list holds the rows of the relation (pg_class, and its namespace), its columns (with
// their type's row), indexes, constraints, defaults, rewrite rules (views), triggers, sequence
// parameters and inheritance, and, through pg_depend, the rows of what those refer to: the
// tables and columns a foreign key or view names, the types and functions they use. That is
// what makes a rename elsewhere (a parent table, a referenced column, an enum type, a trigger's
// function) change the fingerprint of the part whose definition names it.
#include "db/postgresql_catalog.hpp"

namespace rev::db {

namespace {

using Row = std::vector<std::string>;

std::string relation_fingerprints(const std::string& schemas, const Dialect& dialect) {
    return "WITH rel AS (SELECT c.oid, " + named("n", "c.relname") +
           " AS part, c.xmin::text || '.' || n.xmin::text AS x FROM pg_class c JOIN pg_namespace "
           "n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND" +
           snapshot_relations(schemas, dialect) +
           "), own(rel, classid, objid, x) AS (SELECT oid, 'pg_class'::regclass::oid, oid, x FROM "
           "rel UNION ALL SELECT a.attrelid, 0::oid, 0::oid, 'a' || a.attnum || ':' || "
           "a.xmin::text || ':' || y.xmin::text FROM pg_attribute a JOIN rel ON rel.oid = "
           "a.attrelid JOIN pg_type y ON y.oid = a.atttypid WHERE a.attnum > 0 UNION ALL SELECT "
           "x.indrelid, 'pg_class'::regclass::oid, x.indexrelid, 'i' || x.xmin::text || ':' || "
           "i.xmin::text FROM pg_index x JOIN rel ON rel.oid = x.indrelid JOIN pg_class i ON "
           "i.oid = x.indexrelid UNION ALL SELECT k.conrelid, 'pg_constraint'::regclass::oid, "
           "k.oid, 'k' || k.xmin::text FROM pg_constraint k JOIN rel ON rel.oid = k.conrelid "
           "UNION ALL SELECT d.adrelid, 'pg_attrdef'::regclass::oid, d.oid, 'd' || d.xmin::text "
           "FROM pg_attrdef d JOIN rel ON rel.oid = d.adrelid UNION ALL SELECT r.ev_class, "
           "'pg_rewrite'::regclass::oid, r.oid, 'r' || r.xmin::text FROM pg_rewrite r JOIN rel ON "
           "rel.oid = r.ev_class UNION ALL SELECT t.tgrelid, 'pg_trigger'::regclass::oid, t.oid, "
           "'t' || t.xmin::text FROM pg_trigger t JOIN rel ON rel.oid = t.tgrelid UNION ALL "
           "SELECT s.seqrelid, 0::oid, 0::oid, 's' || s.xmin::text FROM pg_sequence s JOIN rel ON "
           "rel.oid = s.seqrelid UNION ALL SELECT h.inhrelid, 0::oid, 0::oid, 'h' || "
           "h.xmin::text FROM pg_inherits h JOIN rel ON rel.oid = h.inhrelid), refs(rel, x) AS "
           "(SELECT o.rel, 'p' || COALESCE(rc.xmin::text || '.' || rn.xmin::text, '') || ':' || "
           "COALESCE(ra.xmin::text, '') || ':' || COALESCE(ty.xmin::text, '') || ':' || "
           "COALESCE(pr.xmin::text, '') FROM own o JOIN pg_depend d ON d.classid = o.classid AND "
           "d.objid = o.objid LEFT JOIN pg_class rc ON d.refclassid = 'pg_class'::regclass AND "
           "rc.oid = d.refobjid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace LEFT JOIN "
           "pg_attribute ra ON d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND "
           "ra.attrelid = d.refobjid AND ra.attnum = d.refobjsubid LEFT JOIN pg_type ty ON "
           "d.refclassid = 'pg_type'::regclass AND ty.oid = d.refobjid LEFT JOIN pg_proc pr ON "
           "d.refclassid = 'pg_proc'::regclass AND pr.oid = d.refobjid WHERE o.classid <> 0 AND "
           "d.refobjid <> o.rel) SELECT rel.part, string_agg(f.x, ',' ORDER BY f.x) FROM (SELECT "
           "rel, x FROM own UNION ALL SELECT rel, x FROM refs) f JOIN rel ON rel.oid = f.rel "
           "GROUP BY rel.part";
}

std::string type_fingerprints(const std::string& schemas) {
    return "SELECT " + named("n", "t.typname") +
           ", t.xmin::text || '.' || n.xmin::text || ';' || COALESCE((SELECT "
           "string_agg(e.xmin::text, ',' ORDER BY e.oid) FROM pg_enum e WHERE e.enumtypid = "
           "t.oid), '') || ';' || COALESCE((SELECT string_agg(a.xmin::text || ':' || "
           "y.xmin::text, ',' ORDER BY a.attnum) FROM pg_attribute a JOIN pg_type y ON y.oid = "
           "a.atttypid WHERE a.attrelid = t.typrelid), '') || ';' || COALESCE((SELECT "
           "string_agg(k.xmin::text, ',' ORDER BY k.oid) FROM pg_constraint k WHERE k.contypid = "
           "t.oid), '') || ';' || COALESCE((SELECT r.xmin::text || ':' || s.xmin::text FROM "
           "pg_range r JOIN pg_type s ON s.oid = r.rngsubtype WHERE r.rngtypid = t.oid), '') || "
           "';' || COALESCE((SELECT b.xmin::text FROM pg_type b WHERE b.oid = t.typbasetype), '') "
           "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE" +
           snapshot_types(schemas);
}

} // namespace

SchemaFingerprintsRead read_postgresql_fingerprints(const CatalogQuery& query,
                                                    const Dialect& dialect) {
    const std::string schemas = snapshot_schemas(query);
    if (schemas.empty()) {
        return {};
    }
    // Which schemas are looked at, and which is current, decide how every name reads.
    std::string context;
    query("SELECT current_schema()", 1, [&](Row& row) { context = schemas + row[0] + ";"; });
    SchemaFingerprintsRead fingerprints;
    const auto add = [&](Row& row) { fingerprints.parts[row[0]] = context + row[1]; };
    query(relation_fingerprints(schemas, dialect), 2, add);
    query(type_fingerprints(schemas), 2, add);
    return fingerprints;
}

} // namespace rev::db
