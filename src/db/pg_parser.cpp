#include "db/pg_parser.hpp"

#include <dlfcn.h>
#include <pg_query.h>

#include <mutex>

namespace rev::db {

namespace {

// The soname of libpg_query for PostgreSQL 15, as Debian 12 ships it.
constexpr const char* k_library = "libpg_query.so.1504.0";

struct PgQuery {
    decltype(&::pg_query_split_with_parser) split = nullptr;
    decltype(&::pg_query_free_split_result) free_split = nullptr;
};

// Empty when the library or a function is missing: the caller then names the statement by
// its number instead, so rev never needs the library to run.
PgQuery load() {
    // Never closed: a second failure reuses it.
    void* library = ::dlopen(k_library, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        return {};
    }
    PgQuery functions;
    // POSIX guarantees that a data pointer from dlsym converts to a function pointer.
    functions.split =
        reinterpret_cast<decltype(functions.split)>(::dlsym(library, "pg_query_split_with_parser"));
    functions.free_split = reinterpret_cast<decltype(functions.free_split)>(
        ::dlsym(library, "pg_query_free_split_result"));
    if (functions.split == nullptr || functions.free_split == nullptr) {
        return {};
    }
    return functions;
}

const PgQuery& pg_query() {
    static std::once_flag once;
    static PgQuery functions;
    std::call_once(once, [] { functions = load(); });
    return functions;
}

} // namespace

std::optional<std::vector<std::size_t>> statement_offsets(const std::string& script) {
    const PgQuery& library = pg_query();
    if (library.split == nullptr) {
        return std::nullopt;
    }
    const PgQuerySplitResult result = library.split(script.c_str());
    std::optional<std::vector<std::size_t>> offsets;
    if (result.error == nullptr) {
        offsets.emplace();
        for (int i = 0; i < result.n_stmts; ++i) {
            offsets->push_back(static_cast<std::size_t>(result.stmts[i]->stmt_location));
        }
    }
    library.free_split(result);
    return offsets;
}

} // namespace rev::db
