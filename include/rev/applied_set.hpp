#pragma once

#include <rev/graph.hpp>
#include <rev/target.hpp>
#include <rev/version_table.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace rev {

// What a database has applied, oldest first (the order rev applied them in).
struct AppliedSet {
    RevisionGraph::Vertices in_order;

    // Membership by vertex, for a graph of `size` revisions.
    std::vector<bool> mask(std::size_t size) const;
    // The applied revisions that no applied revision has as parent: where the database is.
    RevisionGraph::Vertices heads(const RevisionGraph& graph) const;
    // Every revision not applied yet that some head needs, in topological order.
    RevisionGraph::Vertices pending(const RevisionGraph& graph) const;
};

// The database's applied rows as graph vertices, oldest first, leaving out unfinished steps.
// Throws RefusedError listing every id that `graph` does not have, with the way out;
// `database` names the database.
AppliedSet to_applied_set(const RevisionGraph& graph, const std::vector<AppliedRevision>& rows,
                          const std::string& database);

// What a database holds when it is exactly at `target`: every ancestor (and dependency) of
// it. `--sql FROM:TO` starts from here, since it has no database to ask.
AppliedSet applied_at(const RevisionGraph& graph, const Target& target);

struct Plan;

// What `plan` leaves applied when it starts from `before` and runs to the end, in the order
// applied: known without reading the database again.
AppliedSet applied_after(const RevisionGraph& graph, const AppliedSet& before, const Plan& plan);

} // namespace rev
