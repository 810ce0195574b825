// PostgreSQL through SOCI. Scripts run through libpq's simple query protocol on the native
// connection, which executes a multi-statement script as the server parses it.
#include "db/libpq.hpp"
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
        : SociDatabase(url, Dialect(DatabaseUrl::Kind::postgresql, tables), std::move(session)) {
        libpq().set_notice_processor(native(), ignore_notice, nullptr);
    }

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

    void run_script(const Script& script) override {
        PGconn* connection = native();
        if (libpq().send_query(connection, script.text.c_str()) != 1) {
            throw ScriptError(0, one_line(libpq().error_message(connection)));
        }
        // One result per statement; keep the first error and drain the rest.
        int statement = 0;
        std::optional<ScriptError> failure;
        while (Result result{libpq().get_result(connection)}) {
            ++statement;
            const ExecStatusType status = libpq().result_status(result.get());
            if (failure || status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ||
                status == PGRES_EMPTY_QUERY) {
                continue;
            }
            failure = error_of(result.get(), script.text, statement);
        }
        if (failure) {
            throw *failure;
        }
    }

private:
    PostgresChangeReader m_changes;

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

    static ScriptError error_of(PGresult* result, const std::string& text, int statement) {
        const char* message = libpq().result_error_field(result, PG_DIAG_MESSAGE_PRIMARY);
        const char* position = libpq().result_error_field(result, PG_DIAG_STATEMENT_POSITION);
        const char* sqlstate = libpq().result_error_field(result, PG_DIAG_SQLSTATE);
        std::string what =
            message != nullptr ? message : one_line(libpq().result_error_message(result));
        if (sqlstate != nullptr) {
            what += " (SQLSTATE " + std::string(sqlstate) + ")";
        }
        if (position != nullptr) {
            return ScriptError(line_at_character(text, std::atol(position)), what);
        }
        // Failed at execution: the server says only that it was the statement-th statement.
        const auto starts = statement_offsets(text);
        if (!starts || statement < 1 || static_cast<std::size_t>(statement) > starts->size()) {
            return ScriptError(0, "statement " + std::to_string(statement) + ": " + what);
        }
        const std::size_t start = (*starts)[static_cast<std::size_t>(statement) - 1];
        return ScriptError(line_at(text, statement_start(text, start)), what);
    }
};

} // namespace

std::unique_ptr<Database> connect_postgresql(const DatabaseUrl& url, const VersionTables& tables) {
    try {
        // By name, so that SOCI loads its PostgreSQL backend (and libpq) only now.
        auto session = std::make_unique<soci::session>("postgresql", url.conninfo);
        *session << "SET client_min_messages = warning";
        return std::make_unique<PostgresDatabase>(url, tables, std::move(session));
    } catch (const soci::soci_error& error) {
        throw DatabaseError("cannot connect to " + url.display + ": " + one_line(error.what()));
    }
}

} // namespace rev::db
