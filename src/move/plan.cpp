#include <rev/plan.hpp>

#include <algorithm>

namespace rev {

namespace {

using Vertex = RevisionGraph::Vertex;
using Vertices = RevisionGraph::Vertices;

Plan make_plan(Direction direction, const Vertices& vertices) {
    Plan plan;
    plan.steps.reserve(vertices.size());
    for (Vertex v : vertices) {
        plan.steps.push_back({direction, v});
    }
    return plan;
}

Vertices without(const Vertices& vertices, const std::vector<bool>& excluded) {
    Vertices result;
    std::copy_if(vertices.begin(), vertices.end(), std::back_inserter(result),
                 [&](Vertex v) { return !excluded[v]; });
    return result;
}

Vertices only(const Vertices& vertices, const std::vector<bool>& included) {
    Vertices result;
    std::copy_if(vertices.begin(), vertices.end(), std::back_inserter(result),
                 [&](Vertex v) { return included[v]; });
    return result;
}

std::vector<bool> mask_of(const Vertices& vertices, std::size_t size) {
    std::vector<bool> mask(size, false);
    for (Vertex v : vertices) {
        mask[v] = true;
    }
    return mask;
}

// Reverting `reverted` also reverts every applied revision built on them, through parents or
// depends_on; returned newest first (reverse topological order).
Plan revert_closure(const RevisionGraph& graph, const std::vector<bool>& applied,
                    const Vertices& reverted) {
    Vertices closure = only(
        graph.descendants(reverted, Follow::parents_and_dependencies, Inclusive::yes), applied);
    std::reverse(closure.begin(), closure.end());
    return make_plan(Direction::down, closure);
}

std::string count_text(int count) {
    return std::to_string(count) + (count == 1 ? " revision" : " revisions");
}

Plan upgrade_relative(const RevisionGraph& graph, const std::vector<bool>& applied,
                      const Target& target) {
    Target head = target;
    head.anchor = Target::Anchor::head;
    head.offset = 0;
    Vertices pending = without(graph.ancestors(resolve_target(graph, head),
                                               Follow::parents_and_dependencies, Inclusive::yes),
                               applied);
    const auto wanted = static_cast<std::size_t>(target.offset);
    if (pending.size() < wanted) {
        throw TargetError("target '" + target.text + "' asks for " + count_text(target.offset) +
                          " but only " + std::to_string(pending.size()) + " remain to '" +
                          (target.label ? *target.label + "@" : "") + "head'");
    }
    pending.resize(wanted);
    return make_plan(Direction::up, pending);
}

Plan downgrade_relative(const RevisionGraph& graph, const AppliedSet& applied,
                        const std::vector<bool>& applied_mask, const Target& target) {
    Vertices candidates = applied.in_order;
    if (target.label) {
        const std::vector<bool> branch =
            mask_of(graph.branch_of_label(resolve_label(graph, *target.label)), graph.size());
        candidates = only(candidates, branch);
    }
    const auto wanted = static_cast<std::size_t>(-target.offset);
    if (candidates.size() < wanted) {
        throw TargetError("target '" + target.text + "' asks for " + count_text(-target.offset) +
                          " but only " + std::to_string(candidates.size()) + " " +
                          (target.label ? "on branch '" + *target.label + "' " : "") +
                          "are applied");
    }
    const Vertices newest(candidates.end() - static_cast<std::ptrdiff_t>(wanted), candidates.end());
    return revert_closure(graph, applied_mask, newest);
}

} // namespace

Plan plan_upgrade(const RevisionGraph& graph, const AppliedSet& applied, const Target& target) {
    const std::vector<bool> applied_mask = applied.mask(graph.size());
    if (target.is_relative()) {
        if (target.offset < 0) {
            throw TargetError("target '" + target.text + "' moves down; use downgrade");
        }
        return upgrade_relative(graph, applied_mask, target);
    }
    const Vertices wanted = graph.ancestors(resolve_target(graph, target),
                                            Follow::parents_and_dependencies, Inclusive::yes);
    return make_plan(Direction::up, without(wanted, applied_mask));
}

Plan plan_downgrade(const RevisionGraph& graph, const AppliedSet& applied, const Target& target) {
    const std::vector<bool> applied_mask = applied.mask(graph.size());
    if (target.is_relative()) {
        if (target.offset > 0) {
            throw TargetError("target '" + target.text + "' moves up; use upgrade");
        }
        return downgrade_relative(graph, applied, applied_mask, target);
    }
    const Vertices kept = resolve_target(graph, target);
    for (Vertex v : kept) {
        if (!applied_mask[v]) {
            throw TargetError("revision '" + graph.revision(v).id +
                              "' is not applied; downgrade moves only to an applied revision "
                              "(use upgrade to go forward)");
        }
    }
    Vertices reverted =
        kept.empty() ? applied.in_order
                     : only(graph.descendants(kept, Follow::parents, Inclusive::no), applied_mask);
    if (target.label) {
        const std::vector<bool> branch =
            mask_of(graph.branch_of_label(resolve_label(graph, *target.label)), graph.size());
        reverted = only(reverted, branch);
    }
    return revert_closure(graph, applied_mask, reverted);
}

Plan plan_stamp(const RevisionGraph& graph, const AppliedSet& applied, const Target& target) {
    if (target.is_relative()) {
        return target.offset > 0 ? plan_upgrade(graph, applied, target)
                                 : plan_downgrade(graph, applied, target);
    }
    Plan up = plan_upgrade(graph, applied, target);
    return up.empty() ? plan_downgrade(graph, applied, target) : up;
}

Plan plan_move(MoveKind kind, const RevisionGraph& graph, const AppliedSet& applied,
               const Target& target) {
    switch (kind) {
    case MoveKind::upgrade:
        return plan_upgrade(graph, applied, target);
    case MoveKind::downgrade:
        return plan_downgrade(graph, applied, target);
    case MoveKind::stamp:
        break;
    }
    return plan_stamp(graph, applied, target);
}

} // namespace rev
