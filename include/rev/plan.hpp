#pragma once

#include <rev/applied_set.hpp>
#include <rev/graph.hpp>
#include <rev/target.hpp>

#include <string>
#include <vector>

namespace rev {

enum class Direction { up, down };

// One revision to apply or revert.
struct Step {
    Direction direction = Direction::up;
    RevisionGraph::Vertex revision = 0;
};

// The exact steps of a move, in the order they run, like ninja's Plan.
struct Plan {
    std::vector<Step> steps;

    bool empty() const noexcept { return steps.empty(); }
};

enum class MoveKind { upgrade, downgrade, stamp };

// The steps that take a database with `applied` to `target`.
Plan plan_move(MoveKind kind, const RevisionGraph& graph, const AppliedSet& applied,
               const Target& target);

// Applies every ancestor of `target` (parents and depends_on) not yet applied, in the graph's
// topological order. `+N` takes the first N steps of the plan to head (LABEL@+N: LABEL@head).
// Throws TargetError when the target is unknown, ambiguous, or fewer than N steps remain.
Plan plan_upgrade(const RevisionGraph& graph, const AppliedSet& applied, const Target& target);

// Reverts every applied descendant of `target` (the target stays), children first, and every
// applied revision that depends on one being reverted. `-N` reverts the N most recently applied
// revisions (LABEL@-N: within that label's branch); LABEL@REV confines the move to the branch.
Plan plan_downgrade(const RevisionGraph& graph, const AppliedSet& applied, const Target& target);

// What `stamp TARGET` records: the upgrade plan, or the downgrade plan when the target is
// already applied.
Plan plan_stamp(const RevisionGraph& graph, const AppliedSet& applied, const Target& target);

} // namespace rev
