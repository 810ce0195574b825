#pragma once

#include "db/dialect.hpp"
#include "db/schema_reader.hpp"

#include <rev/connect.hpp>

#include <soci/soci.h>

#include <functional>
#include <memory>
#include <optional>

namespace rev::db {

// What SQLite and PostgreSQL share: a SOCI session, the bookkeeping through the Dialect, and
// transactions as soci::transaction (RAII rollback). Each engine adds its script execution
// through the native handle and its lock.
class SociDatabase : public Database, public StepRunner {
public:
    SociDatabase(DatabaseUrl url, Dialect dialect, std::unique_ptr<soci::session> session);
    ~SociDatabase() override;

    void ensure_version_tables() override;
    bool has_version_tables() override;
    std::vector<AppliedRevision> applied() override;
    std::vector<LogEntry> log(std::size_t limit) override;
    std::vector<std::string> first_column(const std::string& query) override;
    StepRunner& runner() override { return *this; }

    // Polls try_lock() until it succeeds or `timeout` passes.
    void lock(std::chrono::milliseconds timeout) final;
    void unlock() noexcept final;
    void limit_statements(const StatementLimits& limits) final { m_limits = limits; }

    // Runs the script, then checks that it left rev's transaction open.
    void execute(const Script& script) final;
    void begin() override;
    void commit() override;
    void rollback() noexcept override;
    void record(const StepRecord& record) override;

protected:
    // The engine's side: a lock attempt that does not wait, its release, the script run with
    // the engine's own multi-statement execution, and whether a transaction is open.
    virtual bool try_lock() = 0;
    virtual void release_lock() noexcept = 0;
    virtual void run_script(const Script& script) = 0;
    virtual bool in_transaction() = 0;
    // Called once a transaction has begun, to set what lasts as long as it does (PostgreSQL's
    // SET LOCAL). Throws DatabaseError.
    virtual void transaction_begun() {}
    // Called once rev holds its lock, which waited up to `timeout`: an engine whose statements
    // wait for other connections' locks by themselves (SQLite's busy timeout) waits as long.
    virtual void lock_taken(std::chrono::milliseconds timeout) { (void)timeout; }
    // What the engine makes of a failure of rev's own statements (see DatabaseError::Cause).
    virtual DatabaseError::Cause cause_of(const std::exception& error) {
        (void)error;
        return DatabaseError::Cause::other;
    }
    const StatementLimits& statement_limits() const { return m_limits; }

    // The URL this session was opened with; name() is its display form.
    const DatabaseUrl& url() const { return m_url; }
    soci::session& session() { return *m_session; }
    const Dialect& dialect() const { return m_dialect; }
    // Runs one statement of rev's own; throws DatabaseError naming the database.
    void run(const std::string& statement);
    using Row = std::vector<std::string>;
    using RowHandler = std::function<void(Row&)>;
    // Calls `on_row` with each row of `statement`, whose `columns` columns are all text (NULL
    // reads as ""); throws DatabaseError naming the database.
    void for_each_row(const std::string& statement, std::size_t columns, const RowHandler& on_row);
    // The one column of each row of `statement`.
    std::vector<std::string> query(const std::string& statement);
    // How an engine reads rows; may throw soci::soci_error. SOCI's, a batch at a time, unless the
    // engine has a faster way.
    virtual void read_rows(const std::string& statement, std::size_t columns,
                           const RowHandler& on_row);
    // The engine's catalog queries for its schema reader: errors say the schema could not be
    // read, naming the database.
    CatalogQuery catalog_query();
    [[noreturn]] void fail(const std::string& doing, const std::exception& error);

private:
    // Throws when the tables, at layout `found`, were made by a rev with another layout.
    void check_layout(const std::string& found);
    std::string layout_version();
    void run_in_transaction(const std::vector<std::string>& statements);
    // Whether the tables exist (checking their layout when they do); readers need no more.
    bool readable_version_tables();

    DatabaseUrl m_url;
    Dialect m_dialect;
    std::unique_ptr<soci::session> m_session;
    std::optional<soci::transaction> m_transaction;
    bool m_locked = false;
    StatementLimits m_limits;
    // The tables exist with this rev's layout: once seen, a session need not ask again (a rev
    // never drops them, and no rev changes a current layout).
    bool m_layout_checked = false;
};

// "0.2 s", "60 s": a duration as messages give it.
std::string seconds_text(std::chrono::milliseconds duration);

// SOCI's message, on one line and with any password masked.
std::string one_line(const std::string& message);

std::unique_ptr<Database> connect_sqlite(const DatabaseUrl& url, const VersionTables& tables,
                                         IfMissing if_missing);
std::unique_ptr<Database> connect_postgresql(const DatabaseUrl& url, const VersionTables& tables);

// create_scratch's engines (scratch.cpp, postgresql_scratch.cpp).
std::unique_ptr<ScratchDatabase> create_sqlite_scratch(const DatabaseUrl& configured,
                                                       const VersionTables& tables,
                                                       const ScratchOptions& options);
std::unique_ptr<ScratchDatabase> create_postgresql_scratch(const DatabaseUrl& configured,
                                                           const VersionTables& tables,
                                                           const ScratchOptions& options);

} // namespace rev::db
