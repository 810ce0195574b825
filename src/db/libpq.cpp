#include "db/libpq.hpp"

#include "base/shared_library.hpp"

#include <rev/error.hpp>

#include <mutex>
#include <string>

namespace rev::db {

namespace {

// The soname of libpq 5, the interface every PostgreSQL since 8.0 ships.
constexpr const char* k_library = "libpq.so.5";

Libpq load() {
    // Never closed: SOCI's PostgreSQL backend, loaded the same way, holds it too.
    detail::SharedLibrary library(k_library);
    if (!library.ok()) {
        throw DatabaseError(
            std::string("cannot load ") + k_library +
            " (PostgreSQL's client library, Debian package libpq5): " + library.error());
    }
    Libpq functions;
    const bool bound =
        library.bind("PQconninfoParse", functions.conninfo_parse) &&
        library.bind("PQconninfoFree", functions.conninfo_free) &&
        library.bind("PQfreemem", functions.freemem) &&
        library.bind("PQsetNoticeProcessor", functions.set_notice_processor) &&
        library.bind("PQtransactionStatus", functions.transaction_status) &&
        library.bind("PQsendQuery", functions.send_query) &&
        library.bind("PQerrorMessage", functions.error_message) &&
        library.bind("PQgetResult", functions.get_result) &&
        library.bind("PQresultStatus", functions.result_status) &&
        library.bind("PQresultErrorField", functions.result_error_field) &&
        library.bind("PQresultErrorMessage", functions.result_error_message) &&
        library.bind("PQclear", functions.clear) && library.bind("PQstatus", functions.status) &&
        library.bind("PQsocket", functions.socket) &&
        library.bind("PQconsumeInput", functions.consume_input) &&
        library.bind("PQisBusy", functions.is_busy) &&
        library.bind("PQbackendPID", functions.backend_pid) &&
        library.bind("PQconnectdb", functions.connectdb) &&
        library.bind("PQfinish", functions.finish) && library.bind("PQexec", functions.exec) &&
        library.bind("PQntuples", functions.ntuples) &&
        library.bind("PQgetvalue", functions.getvalue);
    if (!bound) {
        throw DatabaseError(std::string("cannot use ") + k_library + ": " + library.error());
    }
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
