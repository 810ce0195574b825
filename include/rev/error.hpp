#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// rev's one error model (ARCHITECTURE.md, "Errors").
//
// Every failure a user can cause or fix is thrown as a subclass of rev::Error (never the base
// itself). The throwing layer writes what went wrong (message()); each layer the exception
// crosses on its way up says where with add_context() ("versions/a1/up.sql:3", "upgrade a1
// failed") and what it means for the user with add_note() ("this step was rolled back"), then
// rethrows the same object with `throw;`, so its class, and what a caller may ask of it (a
// ScriptError's line), survive. Foreign exceptions (SOCI, toml++, Boost) are turned into a
// rev::Error once, where they enter rev. Exactly one catch, in cli::run, prints
// "rev: error: <what()>" and turns the class into an exit status; an embedder catches
// rev::Error (or a subclass) the same way. Expected absences (an optional manifest key, an
// unknown id during a lookup that may fail) are std::optional values, not exceptions, and
// nothing catches a rev::Error to drop it: a command that can go on without what failed says
// so with a warning.
namespace rev {

class Error : public std::exception {
public:
    // The message without context, as the throwing layer wrote it.
    const std::string& message() const noexcept { return m_message; }
    // The message with every context prefix added on the way up.
    const char* what() const noexcept override { return m_full.c_str(); }
    // Prefixes `context: ` to what(), to say where the error was met.
    void add_context(std::string_view context);
    // Appends ` (note)` to what(), to say what the failure left behind.
    void add_note(std::string_view note);

protected:
    explicit Error(std::string message);

private:
    std::string m_message;
    std::string m_full;
};

// One defect in a revisions folder or a config file, located at `file:line` (line 0: none).
struct Diagnostic {
    std::filesystem::path file;
    int line = 0;
    std::string message;

    std::string to_string() const;
};

// Collects every defect of a load so that one run reports all of them, not only the first.
class Diagnostics {
public:
    void add(std::filesystem::path file, int line, std::string message);
    bool empty() const noexcept { return m_items.empty(); }
    const std::vector<Diagnostic>& items() const noexcept { return m_items; }
    // Throws LoadError holding every collected defect, if there is any.
    void throw_if_any() const;

private:
    std::vector<Diagnostic> m_items;
};

// The revisions folder has defects. what() holds one line per defect.
class LoadError : public Error {
public:
    explicit LoadError(std::vector<Diagnostic> defects);
    const std::vector<Diagnostic>& defects() const noexcept { return m_defects; }

private:
    std::vector<Diagnostic> m_defects;
};

// migrate.toml is missing or malformed.
class ConfigError : public Error {
public:
    explicit ConfigError(std::string message) : Error(std::move(message)) {}
};

// A target or range that does not parse, or names nothing (or too much) in the graph.
class TargetError : public Error {
public:
    explicit TargetError(std::string message) : Error(std::move(message)) {}
};

// The command line is wrong: unknown command, option or missing argument. Exit status 2.
class UsageError : public Error {
public:
    explicit UsageError(std::string message) : Error(std::move(message)) {}
};

// A request that is well formed but that rev refuses (e.g. `new` with two heads, a file that
// already exists).
class RefusedError : public Error {
public:
    explicit RefusedError(std::string message) : Error(std::move(message)) {}
};

// A database could not be reached, or a statement failed.
class DatabaseError : public Error {
public:
    // What the engine makes of the failure, so that the move stage can react without knowing
    // the engine: a wait for a lock that was cut short (PostgreSQL's lock_timeout, SQLSTATE
    // 55P03) may be retried; a lost connection leaves nothing to roll back on this side.
    enum class Cause { other, lock_not_available, connection_lost };

    explicit DatabaseError(std::string message, Cause cause = Cause::other)
        : Error(std::move(message)), m_cause(cause) {}
    Cause cause() const noexcept { return m_cause; }

private:
    Cause m_cause;
};

// Formats `path` the way messages show it: relative to the current directory when it lies below
// it, as written otherwise.
std::string display_path(const std::filesystem::path& path);

} // namespace rev
