// PostgreSQL through SOCI. Scripts run through libpq's simple query protocol on the native
// connection, which executes a multi-statement script as the server parses it.
#include "db/libpq.hpp"
#include "db/pg_lock_watch.hpp"
#include "db/pg_parser.hpp"
#include "db/postgresql_changes.hpp"
#include "db/script_position.hpp"
#include "db/soci_database.hpp"

#include <soci/postgresql/soci-postgresql.h>

namespace rev::db {

namespace {

struct ResultDeleter {
    void operator()(PGresult* result) const { libpq().clear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

void ignore_notice(void*, const char*) {}

class PostgresDatabase final : public SociDatabase {
public:
    PostgresDatabase(const DatabaseUrl& url, const VersionTables& tables,
                     std::unique_ptr<soci::session> session)
        : SociDatabase(url, Dialect(DatabaseUrl::Kind::postgresql, tables), std::move(session)),
          m_watch(url.conninfo) {}

    ~PostgresDatabase() override { unlock(); }

    // A session advisory lock, taken by polling (SociDatabase::lock) so that a waiting rev
    // never sits inside an open transaction: a blocked pg_advisory_lock would deadlock with
    // CREATE INDEX CONCURRENTLY.
    bool try_lock() override { return advisory("pg_try_advisory_lock") == 1; }

    void release_lock() noexcept override {
        try {
            advisory("pg_advisory_unlock");
        } catch (...) {
            // Closing the session releases a session lock anyway.
        }
    }

    bool in_transaction() override {
        const PGTransactionStatusType status = libpq().transaction_status(native());
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
    }

    SchemaSnapshot snapshot() override {
        return read_postgresql_schema(catalog_query(), dialect());
    }
    SchemaSnapshot snapshot(const std::vector<std::string>& parts) override {
        return read_postgresql_schema(catalog_query(), dialect(), &parts);
    }
    // What changed since the last call, by row versions and row counts (postgresql_changes.cpp).
    SchemaFingerprintsRead schema_fingerprints() override {
        return m_changes.read(
            catalog_query(),
            [this](const std::string& statement) {
                try {
                    session() << statement;
                } catch (const soci::soci_error& error) {
                    fail("cannot read the schema", error);
                }
            },
            dialect());
    }

    std::vector<TableLock> held_table_locks() override {
        std::vector<TableLock> locks;
        for_each_row("SELECT CASE WHEN n.nspname = current_schema() THEN c.relname::text ELSE "
                     "n.nspname || '.' || c.relname END, l.mode FROM pg_locks l JOIN pg_class c "
                     "ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
                     "l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND "
                     "c.relkind IN ('r', 'p') AND n.nspname <> 'pg_catalog' AND n.nspname <> "
                     "'information_schema' ORDER BY 1, 2",
                     2, [&locks](Row& row) {
                         locks.push_back({std::move(row[0]), std::move(row[1])});
                     });
        return locks;
    }

    // Each step's transaction gives way: its statements wait for locks and run only as long as
    // [postgresql] allows, and the settings end with the transaction.
    void transaction_begun() override { run(limits_sql("SET LOCAL")); }

    // rev's own statements run through SOCI, whose error carries the SQLSTATE only in a class
    // of the backend that rev loads by name (and so cannot name): the connection's state says
    // whether it was lost.
    DatabaseError::Cause cause_of(const std::exception&) override {
        return cause_of_sqlstate(nullptr, bad(native()));
    }

    void run_script(const Script& script) override {
        // A script outside a transaction (transactional = false) is limited for its own run.
        const bool alone = !in_transaction();
        if (alone) {
            run(limits_sql("SET"));
        }
        run_limited_script(script);
        if (alone) {
            run("RESET lock_timeout; RESET statement_timeout");
        }
    }

private:
    std::string limits_sql(const char* set) const {
        const StatementLimits& limits = statement_limits();
        std::string sql =
            std::string(set) + " lock_timeout = " + std::to_string(limits.lock_wait.count());
        if (limits.run.count() > 0) {
            sql += std::string("; ") + set +
                   " statement_timeout = " + std::to_string(limits.run.count());
        }
        return sql;
    }

    // While a statement waits longer than half the lock timeout, the watch asks who holds the
    // lock, so that the error the timeout brings can name it.
    void await_result(PGconn* connection) {
        const auto period = statement_limits().lock_wait / 2;
        const int pid = libpq().backend_pid(connection);
        wait_for_result(connection, period, [&] { m_watch.look(pid); });
    }

    void run_limited_script(const Script& script) {
        PGconn* connection = native();
        m_watch.take_seen();
        if (libpq().send_query(connection, script.text.c_str()) != 1) {
            throw ScriptError(0, lost_or_not(connection, libpq().error_message(connection)),
                              cause_of_sqlstate(nullptr, bad(connection)), 1);
        }
        // One result per statement; keep the first error and drain the rest.
        int statement = 0;
        std::optional<ScriptError> failure;
        for (await_result(connection); Result result{libpq().get_result(connection)};
             await_result(connection)) {
            ++statement;
            const ExecStatusType status = libpq().result_status(result.get());
            if (failure || status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ||
                status == PGRES_EMPTY_QUERY) {
                continue;
            }
            failure = error_of(result.get(), script.text, statement, bad(connection));
        }
        if (failure && failure->cause() == DatabaseError::Cause::lock_not_available) {
            throw ScriptError(failure->line(), failure->message() + "; " + waited_for(),
                              failure->cause(), failure->statement());
        }
        if (failure) {
            throw *failure;
        }
    }

    std::string waited_for() {
        const std::string seen = m_watch.take_seen();
        return seen.empty() ? "the session holding the lock ended before rev could name it" : seen;
    }

    static bool bad(PGconn* connection) { return libpq().status(connection) == CONNECTION_BAD; }

    static std::string lost_or_not(PGconn* connection, const std::string& message) {
        return bad(connection) ? "the connection to the database was lost: " + first_line(message)
                               : one_line(message);
    }

    static std::string first_line(const std::string& message) {
        return one_line(message.substr(0, message.find('\n')));
    }

    PGconn* native() {
        return static_cast<soci::postgresql_session_backend*>(session().get_backend())->conn_;
    }

    int advisory(const char* function) {
        int result = 0;
        try {
            session() << "SELECT CAST(" + std::string(function) + "(" +
                             std::to_string(dialect().lock_key()) + ") AS INT)",
                soci::into(result);
        } catch (const soci::soci_error& error) {
            fail(std::string("cannot call ") + function, error);
        }
        return result;
    }

    static ScriptError error_of(PGresult* result, const std::string& text, int statement,
                                bool connection_bad) {
        const char* message = libpq().result_error_field(result, PG_DIAG_MESSAGE_PRIMARY);
        const char* position = libpq().result_error_field(result, PG_DIAG_STATEMENT_POSITION);
        const char* sqlstate = libpq().result_error_field(result, PG_DIAG_SQLSTATE);
        const DatabaseError::Cause cause = cause_of_sqlstate(sqlstate, connection_bad);
        // libpq's own messages (no server message) go on with a hint on further lines.
        std::string what =
            message != nullptr ? message : first_line(libpq().result_error_message(result));
        if (sqlstate != nullptr) {
            what += " (SQLSTATE " + std::string(sqlstate) + ")";
        }
        if (cause == DatabaseError::Cause::connection_lost) {
            what = "the connection to the database was lost: " + what;
        }
        if (position != nullptr) {
            return {line_at_character(text, std::atol(position)), what, cause, statement};
        }
        // Failed at execution: the server says only that it was the statement-th statement.
        const auto starts = statement_offsets(text);
        if (!starts || statement < 1 || static_cast<std::size_t>(statement) > starts->size()) {
            return {0, "statement " + std::to_string(statement) + ": " + what, cause, statement};
        }
        const std::size_t start = (*starts)[static_cast<std::size_t>(statement) - 1];
        return {line_at(text, statement_start(text, start)), what, cause, statement};
    }

    LockWatch m_watch;
    PostgresChangeReader m_changes;
};

} // namespace

std::unique_ptr<Database> connect_postgresql(const DatabaseUrl& url, const VersionTables& tables) {
    try {
        // By name, so that SOCI loads its PostgreSQL backend (and libpq) only now.
        auto session = std::make_unique<soci::session>("postgresql", url.conninfo);
        // Before the first statement: a server that shuts down mid-statement sends a WARNING,
        // which libpq would print to stderr beside rev's one-line error.
        libpq().set_notice_processor(
            static_cast<soci::postgresql_session_backend*>(session->get_backend())->conn_,
            ignore_notice, nullptr);
        *session << "SET client_min_messages = warning";
        // A rev killed mid-statement must not hold its lock until the statement ends: the
        // server checks the client is still there (PostgreSQL 14 and later; older ones have no
        // such setting, and set_config on an absent row does nothing).
        *session << "SELECT set_config(name, '500ms', false) FROM pg_settings WHERE name = "
                    "'client_connection_check_interval'";
        return std::make_unique<PostgresDatabase>(url, tables, std::move(session));
    } catch (const soci::soci_error& error) {
        throw DatabaseError("cannot connect to " + url.display + ": " + one_line(error.what()));
    }
}

} // namespace rev::db
