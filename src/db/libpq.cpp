#include "db/libpq.hpp"

#include <rev/error.hpp>

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace rev::db {

namespace {

// The soname of libpq 5, the interface every PostgreSQL since 8.0 ships.
constexpr const char* k_library = "libpq.so.5";

std::string last_dl_error() {
    const char* why = ::dlerror();
    return why != nullptr ? why : "unknown error";
}

template <class Function>
void bind(void* library, const char* name, Function& function) {
    // POSIX guarantees that a data pointer from dlsym converts to a function pointer.
    function = reinterpret_cast<Function>(::dlsym(library, name));
    if (function == nullptr) {
        throw DatabaseError(std::string("cannot use ") + k_library + ": " + last_dl_error());
    }
}

Libpq load() {
    // Never closed: SOCI's PostgreSQL backend, loaded the same way, holds it too.
    void* library = ::dlopen(k_library, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        throw DatabaseError(
            std::string("cannot load ") + k_library +
            " (PostgreSQL's client library, Debian package libpq5): " + last_dl_error());
    }
    Libpq functions;
    bind(library, "PQconninfoParse", functions.conninfo_parse);
    bind(library, "PQconninfoFree", functions.conninfo_free);
    bind(library, "PQfreemem", functions.freemem);
    bind(library, "PQsetNoticeProcessor", functions.set_notice_processor);
    bind(library, "PQtransactionStatus", functions.transaction_status);
    bind(library, "PQsendQuery", functions.send_query);
    bind(library, "PQerrorMessage", functions.error_message);
    bind(library, "PQgetResult", functions.get_result);
    bind(library, "PQresultStatus", functions.result_status);
    bind(library, "PQresultErrorField", functions.result_error_field);
    bind(library, "PQresultErrorMessage", functions.result_error_message);
    bind(library, "PQclear", functions.clear);
    bind(library, "PQstatus", functions.status);
    bind(library, "PQsocket", functions.socket);
    bind(library, "PQconsumeInput", functions.consume_input);
    bind(library, "PQisBusy", functions.is_busy);
    bind(library, "PQbackendPID", functions.backend_pid);
    bind(library, "PQconnectdb", functions.connectdb);
    bind(library, "PQfinish", functions.finish);
    bind(library, "PQexec", functions.exec);
    bind(library, "PQntuples", functions.ntuples);
    bind(library, "PQgetvalue", functions.getvalue);
    return functions;
}

} // namespace

const Libpq& libpq() {
    // A failed load throws out of call_once, which leaves it to be tried again.
    static std::once_flag once;
    static Libpq functions;
    std::call_once(once, [] { functions = load(); });
    return functions;
}

} // namespace rev::db
