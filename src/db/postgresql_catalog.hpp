#pragma once

#include "db/dialect.hpp"
#include "db/schema_reader.hpp"

#include <string>

// The pieces of catalog SQL that PostgreSQL's snapshots and fingerprints share, so that both
// look at the same objects under the same names.
namespace rev::db {

// The name of `object` in schema alias `ns` as snapshots give it: qualified unless it is in the
// current schema.
std::string named(const std::string& ns, const std::string& object);

// "(2200, 16384)": the oids of the schemas snapshots look at, the session's search path less
// pg_catalog and information_schema; "" when there are none.
std::string snapshot_schemas(const CatalogQuery& query);

// A condition on relations `c` (in namespace `n`) of `schemas`: rev's tables and extensions'
// objects left out.
std::string snapshot_relations(const std::string& schemas, const Dialect& dialect);

// A condition on types `t` of `schemas` that snapshots list: enums, domains, ranges and
// composite types of their own, not an extension's.
std::string snapshot_types(const std::string& schemas);

} // namespace rev::db
