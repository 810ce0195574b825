#pragma once

#include <rev/database.hpp>
#include <rev/graph.hpp>

#include <filesystem>
#include <string>
#include <vector>

// `rev check`: the gate for CI and for application start-up. Each finding is one line saying
// what is wrong and how to fix it.
namespace rev {

struct Finding {
    enum class Severity { error, warning };

    Severity severity = Severity::error;
    std::string message;
    // A stable name for scripts (docs/json.md): several-heads, duplicate-merge,
    // unknown-revision, unfinished-step, changed-script, changed-down-script, changed-manifest,
    // pending, load-error.
    std::string code;
    // The revision it concerns, when it concerns one.
    std::string revision;
};

struct CheckOptions {
    // [check] allow_multiple_heads in migrate.toml.
    bool allow_multiple_heads = false;
    // --up-to-date: a pending revision is a finding.
    bool up_to_date = false;
};

// The revisions folder alone (it loaded, so it has no cycle and no missing parent): a second
// head, and two merge revisions that join the same parents.
std::vector<Finding> check_graph(const RevisionGraph& graph, const std::filesystem::path& folder,
                                 const CheckOptions& options);

// A database against the folder: applied revisions the folder lacks, unfinished steps, changed
// files, and, with `up_to_date`, pending revisions. Throws DatabaseError when the database
// cannot be read.
std::vector<Finding> check_database(Database& database, const RevisionGraph& graph,
                                    const CheckOptions& options);

} // namespace rev
