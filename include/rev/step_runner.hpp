#pragma once

#include <rev/error.hpp>
#include <rev/step_record.hpp>

#include <filesystem>
#include <string>

namespace rev {

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
    ScriptError(int line, std::string message, Cause cause, int statement)
        : DatabaseError(std::move(message), cause), m_line(line), m_ended(Ended::no),
          m_statement(statement) {}
    int line() const noexcept { return m_line; }
    bool ended_transaction() const noexcept { return m_ended == Ended::yes; }
    // Which statement of the script failed, from 1; 0 when the engine did not say. A failed
    // first statement means that nothing of the script ran.
    int statement() const noexcept { return m_statement; }

private:
    int m_line;
    Ended m_ended;
    int m_statement = 0;
};

} // namespace rev
