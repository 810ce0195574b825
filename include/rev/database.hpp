#pragma once

#include <rev/schema.hpp>
#include <rev/step_runner.hpp>
#include <rev/version_table.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace rev {

// A lock this session holds on a table in its open transaction, as the engine reports it:
// `table` named as snapshots name it, `mode` in the engine's words ("ShareLock").
struct TableLock {
    std::string table;
    std::string mode;

    bool operator==(const TableLock&) const = default;
};

// How long each statement of a step may wait for a lock, and run, before the engine cuts it
// short; zero: no limit of rev's. PostgreSQL sets them in each step's transaction (SET LOCAL
// lock_timeout, statement_timeout); engines that lock the whole database ignore them.
struct StatementLimits {
    std::chrono::milliseconds lock_wait{0};
    std::chrono::milliseconds run{0};
};

// One connection to one database, like SOCI's session: the records rev keeps there, the lock
// that serialises rev processes, the StepRunner that applies scripts to it, and schema
// introspection for `rev verify`, `lint` and `schema`.
class Database {
public:
    virtual ~Database() = default;

    // The database as messages name it: its URL with any password masked.
    const std::string& name() const { return m_name; }

    // Waits until no other rev process is moving this database, polling up to `timeout`, and
    // never from inside an open transaction. Throws DatabaseError on timeout.
    virtual void lock(std::chrono::milliseconds timeout) = 0;
    virtual void unlock() noexcept = 0;

    // Applies to every step run from now on. A statement that waited `lock_wait` fails with a
    // DatabaseError whose cause is lock_not_available, naming the lock and its holder when the
    // engine can tell.
    virtual void limit_statements(const StatementLimits& limits) = 0;

    // Creates the version tables on first use, and checks their layout version.
    virtual void ensure_version_tables() = 0;
    virtual bool has_version_tables() = 0;
    // The applied revisions, oldest first. Empty when the tables do not exist yet.
    virtual std::vector<AppliedRevision> applied() = 0;
    // The newest `limit` events, newest first.
    virtual std::vector<LogEntry> log(std::size_t limit) = 0;

    // Schema introspection: every object of the schemas rev looks at (rev's own tables
    // excluded), normalised, read from the engine's catalog.
    virtual SchemaSnapshot snapshot() = 0;
    // The same, of the named parts only: `rev verify` reads the schema after every script and
    // re-reads only the parts whose fingerprint changed (SchemaTracker, its only caller: an
    // engine may answer "what changed since the last call").
    virtual SchemaSnapshot snapshot(const std::vector<std::string>& parts) = 0;
    virtual SchemaFingerprintsRead schema_fingerprints() = 0;
    // The table locks this session holds in its open transaction, for `rev lint`'s `locking`.
    // Engines that lock the whole database instead (SQLite) report none.
    virtual std::vector<TableLock> held_table_locks() = 0;

    // The first column of each row `query` returns, as text: a group's urls_query
    // (docs/targets.md). Throws DatabaseError naming the database.
    virtual std::vector<std::string> first_column(const std::string& query) = 0;

    // The runner that moves this database.
    virtual StepRunner& runner() = 0;

protected:
    explicit Database(std::string name) : m_name(std::move(name)) {}

private:
    std::string m_name;
};

} // namespace rev
