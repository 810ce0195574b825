#pragma once

#include <libpq-fe.h>

namespace rev::db {

// The libpq functions rev calls itself. libpq and the libraries it pulls in (Kerberos, LDAP,
// GnuTLS and a dozen more) cost every command about 4 ms of start-up, so rev loads them when
// it first reads a PostgreSQL URL, as SOCI loads its PostgreSQL backend by name, and a command
// on SQLite never pays for them.
struct Libpq {
    decltype(&::PQconninfoParse) conninfo_parse = nullptr;
    decltype(&::PQconninfoFree) conninfo_free = nullptr;
    decltype(&::PQfreemem) freemem = nullptr;
    decltype(&::PQsetNoticeProcessor) set_notice_processor = nullptr;
    decltype(&::PQtransactionStatus) transaction_status = nullptr;
    decltype(&::PQsendQuery) send_query = nullptr;
    decltype(&::PQerrorMessage) error_message = nullptr;
    decltype(&::PQgetResult) get_result = nullptr;
    decltype(&::PQresultStatus) result_status = nullptr;
    decltype(&::PQresultErrorField) result_error_field = nullptr;
    decltype(&::PQresultErrorMessage) result_error_message = nullptr;
    decltype(&::PQclear) clear = nullptr;
    // Waiting for a result without blocking, a second connection to ask who holds a lock
    // (pg_lock_watch.hpp), and whether the connection is gone.
    decltype(&::PQstatus) status = nullptr;
    decltype(&::PQsocket) socket = nullptr;
    decltype(&::PQconsumeInput) consume_input = nullptr;
    decltype(&::PQisBusy) is_busy = nullptr;
    decltype(&::PQbackendPID) backend_pid = nullptr;
    decltype(&::PQconnectdb) connectdb = nullptr;
    decltype(&::PQfinish) finish = nullptr;
    decltype(&::PQexec) exec = nullptr;
    decltype(&::PQntuples) ntuples = nullptr;
    decltype(&::PQgetvalue) getvalue = nullptr;
};

// libpq, loaded on the first call. Throws DatabaseError naming the library when it cannot be
// loaded.
const Libpq& libpq();

} // namespace rev::db
