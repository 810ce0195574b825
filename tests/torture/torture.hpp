#pragma once

#include "temp_dir.hpp"

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace soci {
class session;
}

// Shared by the crash test and the concurrency test: a graph of 111 revisions written to disk,
// the real rev binary run as child processes, and an independent reader of what the database
// holds. The reader uses SOCI directly, not rev's library, so that a bug in rev's own reading
// code cannot hide a bug in its writing code.
namespace rev::torture {

// trunk r000..r039, then two labelled branches from r039, alpha a000..a029 and beta
// b000..b029, merged by m000, then a tail c000..c009. Every up.sql creates table t_<id> and
// inserts one row into it; every down.sql drops it.
struct TortureGraph {
    std::vector<std::string> ids; // in the order `rev upgrade head` applies them
    std::map<std::string, std::vector<std::string>> parents;
};

// Writes the graph under dir/versions and dir/migrate.toml naming `url`.
TortureGraph write_torture_graph(const test::TempDir& dir, const std::string& url);

struct LogEvent {
    long long id = 0;
    std::string event;
    std::string revision;
};

// What a database holds, read in one transaction.
struct Snapshot {
    std::set<std::string> rev_tables; // rev_version, rev_version_log, ...: rev's own
    std::set<std::string> applied;
    std::set<std::string> unfinished;                // rows whose state is not 'applied'
    std::map<std::string, long long> rows_per_table; // every user table and its row count
    std::vector<LogEvent> log;                       // oldest first
};

// Each broken invariant of `snapshot`, one line each: the applied set equals the revisions whose
// table exists (holding its one row), no step is left unfinished (all are transactional), rev's
// tables exist all or none, the set is closed under ancestry, and replaying the log from empty,
// event by event, is valid and ends at exactly the applied set.
std::vector<std::string> check_snapshot(const TortureGraph& graph, const Snapshot& snapshot);

// The number of upgrade and downgrade events in `log`.
std::size_t count_steps(const std::vector<LogEvent>& log);

// The database of one torture run: REV_TEST_DATABASE is "sqlite" (a file in the folder) or a
// libpq connection string (its public schema is emptied by reset()).
class TortureDatabase {
public:
    explicit TortureDatabase(const std::filesystem::path& dir);
    ~TortureDatabase();
    TortureDatabase(const TortureDatabase&) = delete;
    TortureDatabase& operator=(const TortureDatabase&) = delete;

    bool is_postgresql() const { return m_postgresql; }
    const char* name() const { return m_postgresql ? "postgresql" : "sqlite"; }
    // The URL as migrate.toml and --url take it.
    const std::string& url() const { return m_url; }

    // Waits until no other session is connected (PostgreSQL keeps running the statement of a
    // killed client until it notices), then removes every table.
    void reset();
    // Waits as reset() does, then reads everything in one transaction.
    Snapshot snapshot();

private:
    std::unique_ptr<soci::session> open() const;
    void wait_for_other_sessions(soci::session& session) const;

    bool m_postgresql = false;
    std::string m_url;
    std::string m_connect;
    std::filesystem::path m_sqlite_path;
};

// How a rev child process ended.
struct Ended {
    bool killed = false; // by our SIGKILL, before it exited
    int exit_code = -1;  // when not killed
    std::string out;
    std::string err;
    std::size_t steps = 0; // progress lines ("  up    ID ...", "  down  ID ...") on stdout
};

// The real rev binary running in `cwd` with `args`, stdout and stderr going to files there.
class RevProcess {
public:
    RevProcess(const std::filesystem::path& cwd, const std::vector<std::string>& args);
    ~RevProcess();
    RevProcess(const RevProcess&) = delete;
    RevProcess& operator=(const RevProcess&) = delete;

    // SIGKILL, unless it has exited already; then waits for it.
    Ended kill();
    Ended wait();

private:
    Ended reap(bool killed);

    pid_t m_pid = -1;
    std::filesystem::path m_out;
    std::filesystem::path m_err;
};

// The seed for a torture run: REV_TORTURE_SEED when set, so a run can be repeated, else random.
std::uint64_t torture_seed();

} // namespace rev::torture
