#pragma once

#include <rev/applier.hpp>
#include <rev/url.hpp>

#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace rev {

// Where rev keeps its records in a database: the applied table, `<table>_log` and
// `<table>_meta`, optionally in a PostgreSQL schema. Names are checked identifiers.
struct VersionTables {
    std::string table = "rev_version";
    std::string schema;
};

// One row of the applied table (docs/version-table.md).
struct AppliedRevision {
    // `upgrading` and `downgrading` mark a step that ran outside a transaction and did not
    // finish: it failed half-way, or rev died. Such a revision is neither applied nor reverted.
    enum class State { applied, upgrading, downgrading };

    std::string revision;
    State state = State::applied;
    // Why the unfinished step failed; empty when rev did not live to say.
    std::string error;
    long long seq = 0;
    Checksums checksums;
    std::string applied_at;
    std::string applied_by;
    long long duration_ms = 0;
    std::string rev_version;
};

// One event of the append-only log.
struct LogEntry {
    long long id = 0;
    std::string event;
    std::string revision;
    std::string at;
    std::string by;
    long long duration_ms = 0;
    std::string rev_version;
    std::string detail;
};

// What connecting does when the SQLite file does not exist yet: create it (moves), fail with a
// clear error (commands that only read), or skip: return no connection, since a database that
// does not exist has applied nothing (dry runs, history).
enum class IfMissing { create, fail, skip };

// One connection to one database, like SOCI's session: the records rev keeps there, the lock
// that serialises rev processes, and the StepRunner that applies scripts to it. Schema
// introspection for `rev verify` belongs here too.
class Database {
public:
    virtual ~Database() = default;

    const DatabaseUrl& url() const { return m_url; }

    // Waits until no other rev process is moving this database, polling up to `timeout`, and
    // never from inside an open transaction. Throws DatabaseError on timeout.
    virtual void lock(std::chrono::milliseconds timeout) = 0;
    virtual void unlock() noexcept = 0;

    // Creates the version tables on first use, and checks their layout version.
    virtual void ensure_version_tables() = 0;
    virtual bool has_version_tables() = 0;
    // The applied revisions, oldest first. Empty when the tables do not exist yet.
    virtual std::vector<AppliedRevision> applied() = 0;
    // The newest `limit` events, newest first.
    virtual std::vector<LogEntry> log(std::size_t limit) = 0;

    // Schema introspection: the user tables in the current schema (rev's own excluded), sorted.
    virtual std::vector<std::string> tables() = 0;

    // The runner that moves this database.
    virtual StepRunner& runner() = 0;

protected:
    explicit Database(DatabaseUrl url) : m_url(std::move(url)) {}

private:
    DatabaseUrl m_url;
};

// Connects to `url`. Throws DatabaseError, with the password masked, when the server cannot be
// reached, refuses the login, or (IfMissing::fail) the SQLite file does not exist. Returns null
// only for IfMissing::skip and a SQLite file that does not exist.
std::unique_ptr<Database> connect(const DatabaseUrl& url, const VersionTables& tables,
                                  IfMissing if_missing);

// A runner that prints the SQL of a move instead of running it (`--sql`): the version tables'
// creation, transaction boundaries, each script, and each bookkeeping statement, in `url`'s
// dialect.
std::unique_ptr<StepRunner> make_sql_printer(const DatabaseUrl& url, const VersionTables& tables,
                                             std::ostream& out);

} // namespace rev
