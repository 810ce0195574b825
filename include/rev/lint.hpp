#pragma once

#include <rev/graph.hpp>
#include <rev/verify.hpp>

#include <string>
#include <string_view>
#include <vector>

// `rev lint`: changes that lose data or break running code, read from what each revision did
// to a real schema (its S0 -> S1 diff, see verify.hpp), not from parsing its SQL. Each finding
// has a stable code (docs/lint.md); a revision acknowledges one with `[lint] allow = [...]` in
// its manifest.
namespace rev {

struct LintFinding {
    std::string code;
    RevisionGraph::Vertex revision = 0;
    // "column email on users"; for branch-conflict, the object both sides change.
    std::string object;
    // One line saying what the change does and the safer way.
    std::string message;
    // Listed in the revision's `[lint] allow`.
    bool allowed = false;
    // For branch-conflict: the revision on the other side.
    std::optional<RevisionGraph::Vertex> other_revision;

    // "versions/a1/up.sql: drop-column: column email on users: dropped; ..."
    std::string to_string(const RevisionGraph& graph) const;
};

// The findings of one revision's up_changes.
std::vector<LintFinding> lint_revision(const RevisionGraph& graph, const RevisionProof& proof);

// `branch-conflict`: revisions on different sides of a merge (or of several heads, since their
// common ancestor) that change the same object. `proofs` must cover both sides.
std::vector<LintFinding> lint_branch_conflicts(const RevisionGraph& graph,
                                               const std::vector<RevisionProof>& proofs);

// `branch-conflict` between the branches that end in `sides`, as `rev merge` checks the revisions
// it is about to join.
std::vector<LintFinding> lint_join(const RevisionGraph& graph,
                                   const std::vector<RevisionProof>& proofs,
                                   const RevisionGraph::Vertices& sides);

// The revisions that `lint_join(sides)` needs proven: those on one side and not on all.
RevisionGraph::Vertices join_revisions(const RevisionGraph& graph,
                                       const RevisionGraph::Vertices& sides);

// Marks findings whose code the revision allows.
void apply_allow_lists(const RevisionGraph& graph, std::vector<LintFinding>& findings);

} // namespace rev
