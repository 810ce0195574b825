// PostgreSQL's scratch database: CREATE DATABASE rev_scratch_<random hex> on the server, through
// a second session to the server's `postgres` database (so that the configured database can be
// the template: CREATE DATABASE ... TEMPLATE needs it free of sessions), dropped WITH (FORCE)
// through that session when the scratch is destroyed.
#include "db/libpq.hpp"
#include "db/soci_database.hpp"

#include <soci/postgresql/soci-postgresql.h>

#include <iomanip>
#include <random>
#include <sstream>

namespace rev::db {

namespace {

std::string quoted_identifier(const std::string& name) {
    std::string quoted = "\"";
    for (char c : name) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + "\"";
}

std::string random_name() {
    std::random_device random;
    std::ostringstream name;
    name << "rev_scratch_" << std::hex << std::setfill('0') << std::setw(8) << random()
         << std::setw(8) << random();
    return name.str();
}

struct ResultDeleter {
    void operator()(PGresult* result) const { libpq().clear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Runs `statement` outside a transaction; the server's message when it fails, "" when not.
std::string run(soci::session& session, const std::string& statement) {
    PGconn* connection =
        static_cast<soci::postgresql_session_backend*>(session.get_backend())->conn_;
    if (libpq().send_query(connection, statement.c_str()) != 1) {
        return one_line(libpq().error_message(connection));
    }
    std::string failure;
    while (const Result result{libpq().get_result(connection)}) {
        const ExecStatusType status = libpq().result_status(result.get());
        if (failure.empty() && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            const char* message = libpq().result_error_field(result.get(), PG_DIAG_MESSAGE_PRIMARY);
            failure =
                message != nullptr ? message : one_line(libpq().result_error_message(result.get()));
        }
    }
    return failure;
}

// A session to `server`'s maintenance database: `postgres`, else `template1`.
std::unique_ptr<soci::session> maintenance_session(const DatabaseUrl& server) {
    std::string why;
    for (const char* database : {"postgres", "template1"}) {
        try {
            auto session = std::make_unique<soci::session>(
                "postgresql", server.conninfo + " dbname='" + database + "'");
            *session << "SET client_min_messages = warning";
            return session;
        } catch (const soci::soci_error& error) {
            if (why.empty()) {
                why = one_line(error.what());
            }
        }
    }
    throw DatabaseError(server.display + ": cannot create a scratch database: " + why);
}

// The configured database's real name (libpq's default when the URL names none).
std::string database_name(const DatabaseUrl& configured) {
    try {
        soci::session session("postgresql", configured.conninfo);
        std::string name;
        session << "SELECT current_database()::text", soci::into(name);
        return name;
    } catch (const soci::soci_error& error) {
        throw DatabaseError("cannot connect to " + configured.display + ": " +
                            one_line(error.what()));
    }
}

class PostgresScratch final : public ScratchDatabase {
public:
    PostgresScratch(const DatabaseUrl& configured, const VersionTables& tables,
                    const ScratchOptions& options)
        : m_server(options.server.value_or(configured)), m_name(random_name()) {
        std::string statement = "CREATE DATABASE " + quoted_identifier(m_name);
        if (options.from_current) {
            statement += " TEMPLATE " + quoted_identifier(database_name(configured));
        }
        m_admin = maintenance_session(m_server);
        if (const std::string failure = run(*m_admin, statement); !failure.empty()) {
            throw DatabaseError(m_server.display +
                                ": cannot create a scratch database: " + failure);
        }
        try {
            m_database = connect_postgresql(
                parse_database_url(m_server.conninfo + " dbname='" + m_name + "'", {}), tables);
        } catch (...) {
            drop();
            throw;
        }
    }

    ~PostgresScratch() override {
        m_database.reset();
        drop();
    }

    Database& database() override { return *m_database; }

private:
    // Never throws: a scratch that cannot be dropped is left behind (its name says what it is)
    // rather than hiding the error that ended the run.
    void drop() noexcept {
        const std::string statement =
            "DROP DATABASE IF EXISTS " + quoted_identifier(m_name) + " WITH (FORCE)";
        try {
            if (run(*m_admin, statement).empty()) {
                return;
            }
            // The maintenance session may have been lost; one more try on a new one.
            m_admin = maintenance_session(m_server);
            run(*m_admin, statement);
        } catch (...) {
            // Nothing more to do: see above.
        }
    }

    DatabaseUrl m_server;
    std::string m_name;
    std::unique_ptr<soci::session> m_admin;
    std::unique_ptr<Database> m_database;
};

} // namespace

std::unique_ptr<ScratchDatabase> create_postgresql_scratch(const DatabaseUrl& configured,
                                                           const VersionTables& tables,
                                                           const ScratchOptions& options) {
    return std::make_unique<PostgresScratch>(configured, tables, options);
}

} // namespace rev::db
