#pragma once

#include "db/dialect.hpp"

#include <rev/schema.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

// The catalog readers behind Database::snapshot(), one per engine (sqlite_schema.cpp,
// postgresql_schema.cpp). Each reads the whole schema in a handful of catalog queries, never
// one per table, and returns it normalised, rev's own tables (Dialect::own_tables) left out.
namespace rev::db {

// Runs one catalog query: calls `on_row` with each row, every one of its `columns` columns as
// text (NULL reads as ""). The engine's, so that errors name the database.
using CatalogQuery = std::function<void(const std::string& statement, std::size_t columns,
                                        const std::function<void(std::vector<std::string>&)>&)>;

SchemaSnapshot read_sqlite_schema(const CatalogQuery& query, const Dialect& dialect);
SchemaSnapshot read_postgresql_schema(const CatalogQuery& query, const Dialect& dialect);

} // namespace rev::db
