#pragma once

#include <rev/applier.hpp>
#include <rev/database.hpp>
#include <rev/plan.hpp>
#include <rev/target.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

// Moving one database, as `rev upgrade`, `downgrade` and `stamp` do, for the CLI and for
// applications that embed rev alike.
namespace rev {

struct MoveOptions {
    MoveKind kind = MoveKind::upgrade;
    ApplyOptions apply;
    std::chrono::milliseconds lock_timeout{60'000};
    // How long each statement of a step may wait for a lock and run (Database::
    // limit_statements); ApplyOptions::lock_retries says how often a step that waited too long
    // runs again.
    StatementLimits limits;
    // stamp --purge: forget the recorded revisions (known or not) before stamping.
    bool purge = false;
    // Told of each problem that does not stop the move (a changed down.sql).
    std::function<void(const std::string&)> on_warning;
};

struct MoveResult {
    std::size_t steps = 0;
    // Where the database is afterwards.
    AppliedSet applied;
};

// Waits for the lock, creates the version tables on first use, checks that nothing blocks a
// move (guard_move), plans the move from what the database has applied and runs it through the
// database's runner.
MoveResult move_database(Database& database, const RevisionGraph& graph, const Target& target,
                         const MoveOptions& options);

} // namespace rev
