#pragma once

#include <rev/checksum.hpp>

#include <string>

// What rev keeps in a database (docs/version-table.md), as the database layer reads it back.
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

} // namespace rev
