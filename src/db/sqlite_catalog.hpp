#pragma once

#include "db/dialect.hpp"

#include <string>
#include <vector>

// The pieces of catalog SQL that SQLite's snapshots and fingerprints share, so that both look at
// the same objects.
namespace rev::db {

// "'a', 'b'": names as SQL literals, for IN.
std::string literals(const std::vector<std::string>& names);

// A condition on sqlite_schema `m`: SQLite's own objects and rev's tables left out.
std::string own_objects_filter(const Dialect& dialect);

} // namespace rev::db
