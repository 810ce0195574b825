#include <rev/applied_set.hpp>
#include <rev/error.hpp>
#include <rev/plan.hpp>

#include <algorithm>
#include <iterator>

namespace rev {

std::vector<bool> AppliedSet::mask(std::size_t size) const {
    std::vector<bool> members(size, false);
    for (const RevisionGraph::Vertex v : in_order) {
        members[v] = true;
    }
    return members;
}

RevisionGraph::Vertices AppliedSet::heads(const RevisionGraph& graph) const {
    return graph.heads_within(in_order);
}

RevisionGraph::Vertices AppliedSet::pending(const RevisionGraph& graph) const {
    const std::vector<bool> applied = mask(graph.size());
    RevisionGraph::Vertices result;
    std::copy_if(graph.topological_order().begin(), graph.topological_order().end(),
                 std::back_inserter(result), [&](RevisionGraph::Vertex v) { return !applied[v]; });
    return result;
}

AppliedSet to_applied_set(const RevisionGraph& graph, const std::vector<AppliedRevision>& rows,
                          const std::string& database) {
    AppliedSet applied;
    std::string unknown;
    for (const AppliedRevision& row : rows) {
        if (auto vertex = graph.revisions().find(row.revision)) {
            // An unfinished step is neither applied nor reverted; guard_move refuses to move on.
            if (row.state == AppliedRevision::State::applied) {
                applied.in_order.push_back(*vertex);
            }
        } else {
            unknown += (unknown.empty() ? "" : ", ") + row.revision;
        }
    }
    if (!unknown.empty()) {
        throw RefusedError(database +
                           " has applied revisions that the revisions folder does "
                           "not have: " +
                           unknown + " (switched branch or deleted files? see docs/safety.md)");
    }
    return applied;
}

AppliedSet applied_at(const RevisionGraph& graph, const Target& target) {
    return {graph.ancestors(resolve_target(graph, target), Follow::parents_and_dependencies,
                            Inclusive::yes)};
}

// What `plan` leaves applied when it starts from `before` and runs to the end, in the order
// applied: known without reading the database again, which holds the lock throughout.
AppliedSet applied_after(const RevisionGraph& graph, const AppliedSet& before, const Plan& plan) {
    std::vector<bool> reverted(graph.size(), false);
    AppliedSet after;
    for (const Step& step : plan.steps) {
        if (step.direction == Direction::down) {
            reverted[step.revision] = true;
        }
    }
    for (const RevisionGraph::Vertex v : before.in_order) {
        if (!reverted[v]) {
            after.in_order.push_back(v);
        }
    }
    for (const Step& step : plan.steps) {
        if (step.direction == Direction::up) {
            after.in_order.push_back(step.revision);
        }
    }
    return after;
}

} // namespace rev
