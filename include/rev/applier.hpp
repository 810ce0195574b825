#pragma once

#include <rev/config.hpp>
#include <rev/graph.hpp>
#include <rev/plan.hpp>
#include <rev/revision.hpp>
#include <rev/step_runner.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rev {

// How one finished step went, for progress output.
struct StepOutcome {
    Step step;
    long long duration_ms = 0;
};

// A step about to run again because a statement waited too long for a lock, for progress.
struct LockRetry {
    Step step;
    // The error the last attempt met: which lock, and who held it, when the engine can tell.
    std::string error;
    int retry = 0; // from 1
    int retries = 0;
    std::chrono::milliseconds pause{0};
};

struct ApplyOptions {
    TransactionMode mode = TransactionMode::per_revision;
    // Record the steps without running their scripts (stamp), always in one transaction: a
    // stamp only writes records, so it is all or nothing.
    bool stamp = false;
    // Forget every applied revision first, in the same transaction as the steps in `all` mode.
    bool purge_first = false;
    // Called as each step begins, before its script runs: for progress on a step that takes a
    // while (the CLI shows its elapsed time on a terminal).
    std::function<void(const Step&)> on_start;
    // Called for each step once the transaction holding it has committed.
    std::function<void(const StepOutcome&)> on_step;
    // A step whose statement waited too long for a lock (DatabaseError::Cause::
    // lock_not_available) runs again from the start of its transaction, up to lock_retries
    // times, each after a pause that doubles from retry_pause, with jitter, so that it finds a
    // gap between the application's transactions. A step outside a transaction runs again only
    // when its first statement failed, so that nothing of it had run. Each retry is logged as a
    // lock-retry event, and told to on_retry before its pause. --transaction all is not
    // retried: its steps share one transaction.
    int lock_retries = 0;
    std::chrono::milliseconds retry_pause{1000};
    std::function<void(const LockRetry&)> on_retry;
};

namespace detail {
class TransactionGuard;
}

// Runs a plan through a StepRunner. Each step's script and bookkeeping share a transaction (or
// the whole plan shares one), so a step is applied and recorded, or neither. On failure it
// rolls back what is open and rethrows the error it met (a ScriptError, a DatabaseError, a
// RefusedError), with the revision, file and line as context and what stayed applied as a note.
class Applier {
public:
    Applier(const RevisionGraph& graph, StepRunner& runner, ApplyOptions options);

    // Returns the number of steps completed.
    std::size_t apply(const Plan& plan);

private:
    // A step's files and their checksums, taken before the first statement runs.
    struct StepFiles {
        RevisionFiles files;
        Checksums checksums;
    };

    void check_transaction_modes(const Plan& plan) const;
    std::vector<StepFiles> read_step_files(const Plan& plan) const;
    std::size_t run_all(const Plan& plan, const std::vector<StepFiles>& files,
                        detail::TransactionGuard& transaction);
    StepOutcome run_in_own_transaction(const Step& step, const StepFiles& files);
    StepOutcome run_outside_transaction(const Step& step, const StepFiles& files);
    StepOutcome run_step(const Step& step, const StepFiles& files);
    // Runs `attempt` until it succeeds, or fails with an error may_retry() refuses.
    template <class Attempt>
    auto retrying(const Step& step, bool outside_transaction, Attempt attempt);
    bool may_retry(const DatabaseError& error, int retries_done, bool outside_transaction) const;
    // Logs the retry, tells on_retry and pauses.
    void before_retry(const Step& step, const DatabaseError& error, int retry);
    // Runs the step's script; returns how long it took, in milliseconds.
    long long run_script(const Step& step, const StepFiles& files);
    void record_alone(const StepRecord& record);
    // Records that the script of a step outside a transaction failed, noting on `error` when
    // even that fails.
    void record_failure(const Revision& revision, const Checksums& checksums, const Step& step,
                        Error& error);
    // As make_record(), with the actor looked up once for the whole move.
    StepRecord new_record(StepRecord::Event event, const std::string& revision,
                          Checksums checksums = {}) const;
    void purge();
    void report(const StepOutcome& outcome) const;
    // Adds to `error`, on its way up, the step it stopped, the script's file and line, and
    // what stayed applied; its class is kept, so callers can still catch a ScriptError.
    void explain_failure(const Step& step, Error& error, std::size_t done) const;
    // "versions/a1/up.sql:3" when a statement of the step's script failed.
    std::optional<std::string> script_location(const Step& step, const Error& error) const;
    std::string what_stays(const Step& step, const Error& error, std::size_t done) const;

    const RevisionGraph& m_graph;
    StepRunner& m_runner;
    ApplyOptions m_options;
    std::string m_actor;
};

} // namespace rev
