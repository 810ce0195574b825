#pragma once

#include <rev/database.hpp>
#include <rev/graph.hpp>

#include <chrono>
#include <string>
#include <vector>

// Mending rev's records when they and the folder or the schema disagree for a reason the user
// knows and has dealt with: `rev rehash` and `rev resolve` (docs/safety.md). Each change is
// made under the database's lock, in one transaction, and logged.
namespace rev {

struct RehashResult {
    // Applied revisions whose recorded checksums now match their files.
    std::vector<std::string> rehashed;
    // Those that already matched; nothing was written for them.
    std::vector<std::string> unchanged;
};

// Accepts the current files of the revisions `ids` (full ids the graph has) as the new truth:
// records their checksums and logs a `rehash` event for each changed one. Throws RefusedError
// when one of them is not applied.
RehashResult rehash(Database& database, const RevisionGraph& graph,
                    const std::vector<std::string>& ids, std::chrono::milliseconds lock_timeout);

// How a step left unfinished was settled by hand.
enum class Resolution { applied, reverted };

// Records that revision `id`'s unfinished step is now complete (applied) or undone
// (reverted), and logs it. Throws RefusedError when `id` has no unfinished step.
void resolve(Database& database, const std::string& id, Resolution resolution,
             std::chrono::milliseconds lock_timeout);

} // namespace rev
