#pragma once

#include "dialect.hpp"

#include <rev/database.hpp>

#include <soci/soci.h>

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
    std::vector<std::string> tables() override;
    StepRunner& runner() override { return *this; }

    void begin() override;
    void commit() override;
    void rollback() noexcept override;
    void record(const StepRecord& record) override;

protected:
    soci::session& session() { return *m_session; }
    const Dialect& dialect() const { return m_dialect; }
    // Runs one statement of rev's own; throws DatabaseError naming the database.
    void run(const std::string& statement);
    // Rows of a query whose columns are all text.
    std::vector<std::vector<std::string>> query(const std::string& statement);
    [[noreturn]] void fail(const std::string& doing, const std::exception& error) const;

private:
    Dialect m_dialect;
    std::unique_ptr<soci::session> m_session;
    std::optional<soci::transaction> m_transaction;
};

// SOCI's message, on one line and with any password masked.
std::string one_line(const std::string& message);

std::unique_ptr<Database> connect_sqlite(const DatabaseUrl& url, const VersionTables& tables,
                                         IfMissing if_missing);
std::unique_ptr<Database> connect_postgresql(const DatabaseUrl& url, const VersionTables& tables);

} // namespace rev::db
