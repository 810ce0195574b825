#pragma once

#include <rev/database.hpp>
#include <rev/step_runner.hpp>
#include <rev/url.hpp>
#include <rev/version_table.hpp>

#include <iosfwd>
#include <memory>
#include <optional>

// The database layer's entry points (rev_db): the engines behind rev/database.hpp's interface,
// chosen by URL. The core never includes this header; only what picks a database does.
namespace rev {

// What connecting does when the SQLite file does not exist yet: create it (moves), fail with a
// clear error (commands that only read), or skip: return no connection, since a database that
// does not exist has applied nothing (dry runs, history).
enum class IfMissing { create, fail, skip };

// Connects to `url`. Throws DatabaseError, with the password masked, when the server cannot be
// reached, refuses the login, or (IfMissing::fail) the SQLite file does not exist. Returns null
// only for IfMissing::skip and a SQLite file that does not exist.
std::unique_ptr<Database> connect(const DatabaseUrl& url, const VersionTables& tables,
                                  IfMissing if_missing);

// A database made for one run and dropped when this object is destroyed, also when an error or
// Ctrl-C ends the run: `rev verify`'s scratch. It never touches the configured database. For
// Ctrl-C, the run holds a rev::CancelOnInterrupt and calls throw_if_interrupted() between its
// steps (rev/interrupt.hpp): the destructor then drops the scratch while InterruptedError
// unwinds. A signal the run does not catch so leaves a PostgreSQL scratch (rev_scratch_<hex>)
// behind.
class ScratchDatabase {
public:
    virtual ~ScratchDatabase() = default;
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;

    virtual Database& database() = 0;

protected:
    ScratchDatabase() = default;
};

struct ScratchOptions {
    // PostgreSQL: the server to create the scratch database on (its database name is ignored);
    // the configured server when absent.
    std::optional<DatabaseUrl> server;
    // Start from a copy of the configured database instead of an empty one: SQLite copies the
    // file; PostgreSQL uses it as the template (no other session may be connected to it).
    bool from_current = false;
};

// SQLite: a file in a fresh temporary folder. PostgreSQL: CREATE DATABASE rev_scratch_<random>.
// Throws DatabaseError when it cannot (no server, no permission to create a database).
std::unique_ptr<ScratchDatabase> create_scratch(const DatabaseUrl& configured,
                                                const VersionTables& tables,
                                                const ScratchOptions& options);

// A runner that prints the SQL of a move instead of running it (`--sql`): the version tables'
// creation, transaction boundaries, each script, and each bookkeeping statement, in `url`'s
// dialect.
std::unique_ptr<StepRunner> make_sql_printer(const DatabaseUrl& url, const VersionTables& tables,
                                             std::ostream& out);

} // namespace rev
