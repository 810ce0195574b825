#pragma once

#include <rev/applied_set.hpp>
#include <rev/graph.hpp>
#include <rev/plan.hpp>
#include <rev/version_table.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

// What rev compares before it moves a database, so that a database never drifts silently from
// the revisions folder: the checksums recorded when each revision was applied against the files
// on disk, and steps that ran outside a transaction and did not finish (docs/safety.md).
namespace rev {

// An applied revision's file whose normalised text is not what was recorded.
struct ChangedFile {
    enum class Kind { up, down, manifest };

    std::string revision;
    Kind kind = Kind::up;
    std::filesystem::path path;

    // A changed down.sql only warns: fixing a broken down script is normal.
    bool blocks_moves() const { return kind != Kind::down; }
    // One line: the file, what changed, and the ways out.
    std::string describe() const;
};

// Every changed file of the applied revisions in `rows` that the graph has (an unknown id is
// to_applied_set's to report). A file that cannot be read counts as changed.
std::vector<ChangedFile> changed_files(const RevisionGraph& graph,
                                       const std::vector<AppliedRevision>& rows);

// One line about a step left unfinished in `database`: the revision, how it ended, and the two
// ways out with `rev resolve`.
std::string describe_unfinished(const AppliedRevision& row, const std::string& database);

// Where `rows` stand, once nothing blocks a move: the applied set. Throws RefusedError, one line
// per problem, when an applied revision is unknown, a step is unfinished, or an applied
// revision's up.sql or manifest changed; calls `warn` with each changed down.sql.
AppliedSet guard_move(const RevisionGraph& graph, const std::vector<AppliedRevision>& rows,
                      const std::string& database,
                      const std::function<void(const std::string&)>& warn);

} // namespace rev
