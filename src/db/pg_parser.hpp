#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace rev::db {

// The byte offset at which each statement of a PostgreSQL script starts, as PostgreSQL's own
// parser splits it: libpg_query (Debian package libpg-query1504.0), PostgreSQL 15's grammar
// as a library, so that dollar quotes, E'' strings and BEGIN ATOMIC bodies split as the server
// splits them. The server runs a script whole and, for a failure at execution (a constraint,
// a division by zero), says only which statement failed; this says where that one starts.
// The library is loaded on the first call, which only such a failure makes. Nothing when it
// cannot be loaded or does not parse the script (a newer server's syntax).
std::optional<std::vector<std::size_t>> statement_offsets(const std::string& script);

} // namespace rev::db
