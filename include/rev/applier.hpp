#pragma once

#include <rev/checksum.hpp>
#include <rev/config.hpp>
#include <rev/plan.hpp>

#include <functional>
#include <iosfwd>
#include <string>

namespace rev {

// What a step did, as the version table and the event log record it. A purge (stamp --purge)
// forgets every applied revision and names none.
//
// A revision with transactional = false runs outside a transaction, so it is recorded in three
// parts: `*_started` marks it unfinished before its script runs (a crash leaves the mark),
// then `upgrade_finished`/`downgrade` on success, or `*_failed` with the error in `detail`.
// While a mark stays, every move refuses until `rev resolve` clears it.
struct StepRecord {
    enum class Event {
        upgrade,
        downgrade,
        stamp_up,
        stamp_down,
        purge,
        upgrade_started,
        upgrade_finished,
        upgrade_failed,
        downgrade_started,
        downgrade_failed,
        resolved_applied,
        resolved_reverted,
        rehash,
    };

    Event event = Event::upgrade;
    std::string revision;
    Checksums checksums;
    std::string at; // UTC, ISO 8601 with milliseconds
    std::string by; // user@host
    long long duration_ms = 0;
    // Why a step failed (the *_failed events).
    std::string detail;
};

// The record of `event` for `revision`, stamped with now and this process's actor.
StepRecord make_record(StepRecord::Event event, std::string revision, Checksums checksums = {});

const char* event_name(StepRecord::Event event);

// A migration script to run: its text and the file it came from.
struct Script {
    std::string text;
    std::filesystem::path path;
};

// The seam between planning and doing, like ninja's CommandRunner: the real database runs
// statements, --sql prints them, --dry-run prints the steps. The Applier calls it in this order:
// [begin] execute record [commit] per step, or one begin ... commit around all steps.
class StepRunner {
public:
    virtual ~StepRunner() = default;

    virtual void begin() = 0;
    virtual void commit() = 0;
    // Must not throw: it runs while another error is on its way up.
    virtual void rollback() noexcept = 0;
    // Runs a whole script with the engine's own multi-statement execution. Throws ScriptError.
    virtual void execute(const Script& script) = 0;
    // Writes the version table row (or removes it) and the log event, as one unit with the
    // script when a transaction is open.
    virtual void record(const StepRecord& record) = 0;
};

// A statement of a script failed. `line` is the line (from 1) where the failing statement
// starts in the script; 0 when the database did not say.
class ScriptError : public DatabaseError {
public:
    // Whether the script ended rev's transaction itself (a COMMIT or ROLLBACK in it), so that
    // what ran before cannot be rolled back.
    enum class Ended { no, yes };

    ScriptError(int line, std::string message, Ended ended = Ended::no)
        : DatabaseError(std::move(message)), m_line(line), m_ended(ended) {}
    int line() const noexcept { return m_line; }
    bool ended_transaction() const noexcept { return m_ended == Ended::yes; }

private:
    int m_line;
    Ended m_ended;
};

// How one finished step went, for progress output.
struct StepOutcome {
    Step step;
    long long duration_ms = 0;
};

struct ApplyOptions {
    TransactionMode mode = TransactionMode::per_revision;
    // Record the steps without running their scripts (stamp), always in one transaction: a
    // stamp only writes records, so it is all or nothing.
    bool stamp = false;
    // Forget every applied revision first, in the same transaction as the steps in `all` mode.
    bool purge_first = false;
    // Called for each step once the transaction holding it has committed.
    std::function<void(const StepOutcome&)> on_step;
};

// A revision's three files, read once.
struct RevisionFiles {
    std::string up;
    std::string down;
    std::string manifest;
};

namespace detail {
class TransactionGuard;
}

// Runs a plan through a StepRunner. Each step's script and bookkeeping share a transaction (or
// the whole plan shares one), so a step is applied and recorded, or neither. On failure it
// rolls back what is open and throws with the revision, file, line, the database's message and
// what stayed applied.
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
    // Runs the step's script; returns how long it took, in milliseconds.
    long long run_script(const Step& step, const StepFiles& files);
    void record_alone(const StepRecord& record);
    // As make_record(), with the actor looked up once for the whole move.
    StepRecord new_record(StepRecord::Event event, const std::string& revision,
                          Checksums checksums = {}) const;
    void purge();
    void report(const StepOutcome& outcome) const;
    [[noreturn]] void fail(const Step& step, const Error& error, std::size_t done) const;
    std::string where_failed(const Step& step, const Error& error) const;

    const RevisionGraph& m_graph;
    StepRunner& m_runner;
    ApplyOptions m_options;
    std::string m_actor;
};

// Reads `revision`'s files; throws RefusedError naming a file that cannot be read.
RevisionFiles read_revision_files(const Revision& revision);

// The checksums rev records for `files` (of their normalised text).
Checksums checksums_of(const RevisionFiles& files);

// user@host of this process, for the record.
std::string current_actor();

// The current UTC time as ISO 8601 with milliseconds.
std::string utc_now();

// A runner that changes nothing and prints each step it is handed (`--dry-run`).
class DryRunRunner : public StepRunner {
public:
    explicit DryRunRunner(std::ostream& out) : m_out(out) {}

    void begin() override {}
    void commit() override {}
    void rollback() noexcept override {}
    void execute(const Script& script) override;
    void record(const StepRecord& record) override;

private:
    std::ostream& m_out;
};

} // namespace rev
