// PostgreSQL's schema fingerprints: what changed since the last read, told by row versions.
//
// Every catalog row carries the transaction that wrote it (xmin). A read keeps the horizon of its
// own snapshot (the oldest transaction still running, or its own); the next read looks for the
// catalog rows written at or after it, by this session or any other, in one prepared statement
// that never calls pg_get_indexdef, format_type and the like. It still scans the catalogs (xmin
// has no index): 1 to 3 ms at 100 tables, 9 to 15 ms at 1,000. A relation or type whose rows
// were written is changed, and so is what depends on one that was (pg_depend): a view over a
// renamed table or column, a foreign key to it, a column of a renamed type, a trigger of a
// renamed function, a default of a renamed sequence.
//
// A dropped index, constraint or trigger leaves no row behind. Each part therefore also counts
// the rows it owns (its own, its indexes', constraints' and non-internal triggers'); a read sums
// them, their owners' oids and the squares of those, over the parts nothing wrote, and compares
// with what the last read left: rows missing from one part show as n rows whose owners sum to n
// times one oid (the squares tell that they are all the same part). Rows missing from several
// parts at once (a script that drops two tables), a renamed or created schema, another search
// path: the whole snapshot is read again.
#include "db/postgresql_changes.hpp"

#include "db/postgresql_catalog.hpp"

#include <string_view>

namespace rev::db {

namespace {

using Row = std::vector<std::string>;
__extension__ using Wide = __int128;

// Oids below this are the system's own: what scripts create lies above.
constexpr std::string_view first_normal_oid = "16384";

// Rows of catalog `table` written since the horizon (`age(xmin)` is wraparound-safe: the rows
// and the horizon are both within 2^31 transactions of now). A sequential scan: pg_proc's
// own rows are most of it, so only there does its oid index pay.
std::string written(const std::string& columns, const std::string& table) {
    return "SELECT " + columns + " FROM " + table + " WHERE " +
           (table == "pg_proc" ? "oid >= " + std::string(first_normal_oid) + " AND " : "") +
           "age(xmin) <= (SELECT a FROM h)";
}

// `rows`: one row per catalog row a relation or type of `schemas` owns, by its owner's oid (a
// composite type's, not its pg_class row's): the relation's or type's own, its indexes',
// constraints' and non-internal triggers'. Filters on the rows themselves, no per-row
// look-ups: extensions' and rev's own objects count too, as owners no part is named after.
// `only` narrows it to some owners.
std::string owned_rows(const std::string& schemas, const std::string& only) {
    const std::string rel_only =
        only.empty() ? "" : " AND (oid = ANY(" + only + ") OR reltype = ANY(" + only + "))";
    const std::string oid_only = only.empty() ? "" : " AND oid = ANY(" + only + ")";
    const std::string con_only =
        only.empty() ? "" : " AND (conrelid = ANY(" + only + ") OR contypid = ANY(" + only + "))";
    return "rel0 AS MATERIALIZED (SELECT oid, relkind, reltype FROM pg_class WHERE relnamespace "
           "IN " +
           schemas + " AND relkind IN ('r', 'p', 'v', 'm', 'S', 'c')" + rel_only +
           "), rows(o) AS (SELECT CASE WHEN relkind = 'c' THEN reltype ELSE oid END FROM rel0 "
           "UNION ALL SELECT oid FROM pg_type WHERE typnamespace IN " +
           schemas + " AND typtype IN ('e', 'd', 'r')" + oid_only +
           " UNION ALL SELECT x.indrelid FROM pg_index x JOIN rel0 ON rel0.oid = x.indrelid "
           "UNION ALL SELECT CASE WHEN conrelid <> 0 THEN conrelid ELSE contypid END FROM "
           "pg_constraint WHERE connamespace IN " +
           schemas + con_only +
           " UNION ALL SELECT g.tgrelid FROM pg_trigger g JOIN rel0 ON rel0.oid = g.tgrelid "
           "WHERE NOT g.tgisinternal)";
}

// The relations and types snapshots list, (oid, part); `only` narrows it to some oids.
std::string parts(const std::string& schemas, const Dialect& dialect, const std::string& only) {
    const std::string relation_only = only.empty() ? "" : " AND c.oid = ANY(" + only + ")";
    const std::string type_only = only.empty() ? "" : " AND t.oid = ANY(" + only + ")";
    return "parts(oid, part) AS (SELECT c.oid, " + named("n", "c.relname") +
           " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN "
           "('r', 'p', 'v', 'm', 'S') AND" +
           snapshot_relations(schemas, dialect) + relation_only + " UNION ALL SELECT t.oid, " +
           named("n", "t.typname") +
           " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE" +
           snapshot_types(schemas) + type_only + ")";
}

// The changes since horizon $1 (an xid, 32 bits): rows ('h', new horizon, next xid), ('c', current
// schema, schemas written), ('u', oid) for each relation or type written or depending on one
// that was, ('a', count, sum, sum of squares) of the rows the others own.
std::string changes(const std::string& schemas) {
    const std::string pg_class = "'pg_class'::regclass";
    const std::string pg_type = "'pg_type'::regclass";
    return "WITH h AS (SELECT age($1::xid) AS a), " + owned_rows(schemas, "") +
           // Objects whose name others' definitions show: their dependents change with them.
           ", src(classid, objid) AS (" + written(pg_class + ", oid", "pg_class") + " UNION " +
           written(pg_class + ", attrelid", "pg_attribute") + " UNION " +
           written(pg_type + ", oid", "pg_type") + " UNION " +
           written("'pg_proc'::regclass, oid", "pg_proc") +
           "), obj(classid, objid) AS (SELECT classid, objid FROM src UNION SELECT d.classid, "
           "d.objid FROM src JOIN pg_depend d ON d.refclassid = src.classid AND d.refobjid = "
           "src.objid), owners(o) AS (SELECT objid FROM obj WHERE classid IN (" +
           pg_class + ", " + pg_type + ") UNION SELECT x.indrelid FROM obj JOIN pg_index x ON " +
           "obj.classid = " + pg_class +
           " AND x.indexrelid = obj.objid UNION SELECT c.reltype FROM obj JOIN pg_class c ON "
           "obj.classid = " +
           pg_class +
           " AND c.oid = obj.objid AND c.relkind = 'c' UNION SELECT t.typrelid FROM obj JOIN "
           "pg_type t ON obj.classid = " +
           pg_type +
           " AND t.oid = obj.objid UNION SELECT CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE "
           "k.contypid END FROM obj JOIN pg_constraint k ON obj.classid = "
           "'pg_constraint'::regclass AND k.oid = obj.objid UNION SELECT a.adrelid FROM obj "
           "JOIN pg_attrdef a ON obj.classid = 'pg_attrdef'::regclass AND a.oid = obj.objid "
           "UNION SELECT g.tgrelid FROM obj JOIN pg_trigger g ON obj.classid = "
           "'pg_trigger'::regclass AND g.oid = obj.objid UNION SELECT r.ev_class FROM obj JOIN "
           "pg_rewrite r ON obj.classid = 'pg_rewrite'::regclass AND r.oid = obj.objid UNION " +
           // Rows that only their owner's definition shows.
           written("adrelid", "pg_attrdef") + " UNION " +
           written("CASE WHEN conrelid <> 0 THEN conrelid ELSE contypid END", "pg_constraint") +
           " UNION " + written("indrelid", "pg_index") + " UNION " +
           written("tgrelid", "pg_trigger") + " AND NOT tgisinternal UNION " +
           written("ev_class", "pg_rewrite") + " UNION " + written("seqrelid", "pg_sequence") +
           " UNION " + written("inhrelid", "pg_inherits") + " UNION " +
           written("enumtypid", "pg_enum") + " UNION " + written("rngtypid", "pg_range") +
           "), u AS (SELECT DISTINCT o FROM owners WHERE o <> 0) SELECT 'h', LEAST("
           "pg_snapshot_xmin(pg_current_snapshot()), pg_current_xact_id_if_assigned())::text, "
           "pg_snapshot_xmax(pg_current_snapshot())::text, NULL UNION ALL SELECT 'c', "
           "current_schema()::text, (SELECT count(*) FROM (" +
           written("1", "pg_namespace") +
           ") w)::text, NULL UNION ALL SELECT 'u', o::text, NULL, NULL FROM u UNION ALL SELECT "
           "'a', count(*)::text, COALESCE(sum(o::int8), 0)::text, COALESCE(sum(o::int8::numeric "
           "* o::int8), 0)::text FROM rows WHERE o NOT IN (SELECT o FROM u)";
}

// (owner oid, part or "", rows it owns) of `only` (an oid[], or "" for all).
std::string listing(const std::string& schemas, const Dialect& dialect, const std::string& only) {
    return "WITH " + owned_rows(schemas, only) + ", " + parts(schemas, dialect, only) +
           " SELECT r.o::text, p.part, r.k::text FROM (SELECT o, count(*) AS k FROM rows GROUP "
           "BY o) r LEFT JOIN parts p ON p.oid = r.o";
}

Wide wide(const std::string& digits) {
    Wide value = 0;
    for (const char digit : digits) {
        value = value * 10 + (digit - '0');
    }
    return value;
}

std::uint64_t number(const std::string& digits) {
    return digits.empty() ? 0 : std::stoull(digits);
}

} // namespace

struct PostgresChangeReader::Sums {
    Wide count = 0;
    Wide sum = 0;
    Wide squares = 0;
};

std::string PostgresChangeReader::token() const {
    return std::to_string(m_horizon) + "." + std::to_string(m_reads);
}

void PostgresChangeReader::list(const CatalogQuery& query, const std::string& statement,
                                SchemaFingerprints* changed) {
    query(statement, 3, [&](Row& row) {
        Owner& owner = m_owners[static_cast<std::uint32_t>(number(row[0]))];
        owner = {row[1], static_cast<std::int64_t>(number(row[2]))};
        if (changed != nullptr && !owner.part.empty()) {
            (*changed)[owner.part] = token();
        }
    });
}

SchemaFingerprintsRead PostgresChangeReader::read_all(const CatalogQuery& query,
                                                      const Dialect& dialect,
                                                      const std::string& schemas) {
    // The horizon before the listing: what is written meanwhile is seen again next time.
    query("SELECT LEAST(pg_snapshot_xmin(pg_current_snapshot()), "
          "pg_current_xact_id_if_assigned())::text, current_schema()::text",
          2, [&](Row& row) {
              m_horizon = number(row[0]);
              m_context = schemas + ":" + row[1];
          });
    m_owners.clear();
    m_started = !schemas.empty();
    if (m_started) {
        list(query, listing(schemas, dialect, ""), nullptr);
    }
    return {true, true, {}};
}

SchemaFingerprintsRead PostgresChangeReader::read(const CatalogQuery& query, const Execute& execute,
                                                  const Dialect& dialect) {
    ++m_reads;
    const std::string schemas = snapshot_schemas(query);
    if (!m_started || schemas.empty()) {
        return read_all(query, dialect, schemas);
    }
    std::uint64_t horizon = 0;
    std::uint64_t next = 0;
    std::string context;
    std::set<std::uint32_t> touched;
    Sums sums;
    // Prepared once per connection and schemas: planning these statements costs more than
    // running them.
    if (m_prepared != schemas) {
        if (!m_prepared.empty()) {
            execute("DEALLOCATE rev_schema_changes; DEALLOCATE rev_schema_owners");
        }
        execute("PREPARE rev_schema_changes(xid) AS " + changes(schemas));
        execute("PREPARE rev_schema_owners(oid[]) AS " + listing(schemas, dialect, "$1"));
        m_prepared = schemas;
    }
    query("EXECUTE rev_schema_changes('" + std::to_string(static_cast<std::uint32_t>(m_horizon)) +
              "')",
          4, [&](Row& row) {
              if (row[0] == "h") {
                  horizon = number(row[1]);
                  next = number(row[2]);
              } else if (row[0] == "c") {
                  // A schema written (created, renamed) renames or brings whatever it holds.
                  context = schemas + ":" + row[1] + (row[2] == "0" ? "" : "!");
              } else if (row[0] == "u") {
                  touched.insert(static_cast<std::uint32_t>(number(row[1])));
              } else {
                  sums = {wide(row[1]), wide(row[2]), wide(row[3])};
              }
          });
    // Past 2^30 transactions, age() could wrap around: no longer worth the doubt.
    if (context != m_context || next < m_horizon || next - m_horizon > (1U << 30U)) {
        return read_all(query, dialect, schemas);
    }
    const std::optional<std::uint32_t> dropped = dropped_from(touched, sums);
    if (!dropped) {
        return read_all(query, dialect, schemas);
    }
    if (*dropped != 0) {
        touched.insert(*dropped);
    }
    m_horizon = horizon;
    return changed(query, touched);
}

std::optional<std::uint32_t>
PostgresChangeReader::dropped_from(const std::set<std::uint32_t>& touched, Sums now) const {
    // What the parts nothing wrote owned at the last read, less what they own now: the rows
    // dropped since.
    for (const auto& [oid, owner] : m_owners) {
        if (!touched.contains(oid)) {
            now.count -= owner.rows;
            now.sum -= static_cast<Wide>(oid) * owner.rows;
            now.squares -= static_cast<Wide>(oid) * oid * owner.rows;
        }
    }
    if (now.count == 0 && now.sum == 0 && now.squares == 0) {
        return 0;
    }
    const Wide missing = -now.count;
    // All of one owner's when n * sum of squares = sum^2 (Cauchy-Schwarz).
    if (missing <= 0 || missing > (1 << 20) || (-now.sum) % missing != 0 ||
        missing * -now.squares != now.sum * now.sum) {
        return std::nullopt;
    }
    const auto oid = static_cast<std::uint32_t>(-now.sum / missing);
    const auto owner = m_owners.find(oid);
    if (owner == m_owners.end() || owner->second.rows < missing) {
        return std::nullopt;
    }
    return oid;
}

SchemaFingerprintsRead PostgresChangeReader::changed(const CatalogQuery& query,
                                                     const std::set<std::uint32_t>& touched) {
    SchemaFingerprintsRead read{false, false, {}};
    if (touched.empty()) {
        return read;
    }
    std::string owners = "EXECUTE rev_schema_owners('{";
    for (const std::uint32_t oid : touched) {
        if (const auto owner = m_owners.find(oid); owner != m_owners.end()) {
            if (!owner->second.part.empty()) {
                read.parts[owner->second.part] = "";
            }
            m_owners.erase(owner);
        }
        if (owners.back() != '{') {
            owners += ',';
        }
        owners += std::to_string(oid);
    }
    owners += "}')";
    list(query, owners, &read.parts);
    return read;
}

} // namespace rev::db
