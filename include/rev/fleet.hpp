#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

// Running one piece of work on many databases at once, as `rev -g GROUP` does (docs/targets.md,
// "Running on a group"): a few threads take the databases in order, each under its own
// connection, lock and transactions, so that one database's failure never touches another's.
// The work itself is the caller's: typically connect, then move_database().
namespace rev {

// How the work on one database ended.
struct FleetOutcome {
    enum class Status { ok, failed, not_run };

    Status status = Status::not_run;
    // What the failure said (its what()); empty unless failed.
    std::string error;
    std::chrono::milliseconds duration{0};
};

struct FleetOptions {
    // How many databases are worked on at once; 0 means default_jobs().
    std::size_t jobs = 0;
    // Start no more databases once one has failed.
    bool fail_fast = false;
    // Called as each database finishes, one call at a time, from the thread that ran it.
    std::function<void(std::size_t index, const FleetOutcome& outcome)> on_done;
    // Asked before each start: true starts no more (the caller met an error that ends the run).
    std::function<bool()> stop;
};

struct FleetResult {
    // One per database, in the order given; not_run for those never started.
    std::vector<FleetOutcome> outcomes;
    // Ctrl-C (or SIGTERM) stopped the run from starting more databases.
    bool interrupted = false;

    std::size_t count(FleetOutcome::Status status) const;
};

// The number of cores, at least 1 and at most 8: more connections than that rarely help a
// server and only crowd it.
std::size_t default_jobs();

// Calls `run_one(i)` for each i below `count`, on up to `options.jobs` threads, lowest first.
// An exception from `run_one` marks its database failed, with the exception's what() as the
// error; nothing else is affected. While it runs, SIGINT and SIGTERM only stop it from starting
// more (rev/interrupt.hpp): the databases being worked on finish, or roll back on their own.
// `run_one` is called concurrently; whatever it shares must be safe to use from several threads
// (a RevisionGraph is, for reading).
FleetResult run_fleet(std::size_t count, const std::function<void(std::size_t)>& run_one,
                      const FleetOptions& options);

} // namespace rev
