#pragma once

#include "temp_dir.hpp"

#include <rev/connect.hpp>
#include <rev/graph.hpp>
#include <rev/migrate.hpp>
#include <rev/plan.hpp>
#include <rev/verify.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rev::test {

// The database one run of the backend suite targets: REV_TEST_DATABASE is "sqlite" (a fresh
// file per test) or a libpq connection string (the schema is emptied per test).
class BackendFixture {
public:
    BackendFixture();
    ~BackendFixture();

    bool is_postgresql() const { return m_url.kind == DatabaseUrl::Kind::postgresql; }
    const DatabaseUrl& url() const { return m_url; }
    const TempDir& dir() const { return m_dir; }
    // The URL as rev's command line takes it.
    std::string url_text() const;

    std::unique_ptr<Database> connect() const;
    // Loads the revisions written under dir()/versions.
    RevisionGraph load() const;
    // Moves the database through the library, as `rev` does; returns the steps done.
    std::size_t move(MoveKind kind, const std::string& target,
                     TransactionMode mode = TransactionMode::per_revision,
                     bool purge = false) const;
    std::vector<std::string> applied_ids() const;
    std::vector<std::string> tables() const;
    // Runs `statements` as a script against the test database.
    void execute(const std::string& statements) const;
    // Proves `ids` (every revision when empty) as `rev verify` does, on a scratch database of
    // this engine (a copy of the test database with `from_current`), and returns the proofs.
    std::vector<RevisionProof> prove(const RevisionGraph& graph,
                                     const std::vector<std::string>& ids = {},
                                     bool round_trip = true, bool from_current = false) const;
    // The test database's version tables as text: every applied row and log entry, each field.
    std::string records() const;

private:
    TempDir m_dir;
    DatabaseUrl m_url;
};

// Writes `versions/<id>/` with a manifest built from the arguments and the given scripts.
void write_scripted_revision(const TempDir& dir, const std::string& id,
                             const std::vector<std::string>& parents, const std::string& up,
                             const std::string& down, const std::string& extra = "");

// What `action` throws as a rev::Error, or "(no error)": for asserting whole messages.
std::string what_of(const std::function<void()>& action);

} // namespace rev::test
