#include "lock_guard.hpp"

#include <rev/error.hpp>
#include <rev/integrity.hpp>
#include <rev/migrate.hpp>

namespace rev {

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

namespace {

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

} // namespace

MoveResult move_database(Database& database, const RevisionGraph& graph, const Target& target,
                         const MoveOptions& options) {
    const detail::LockGuard lock(database, options.lock_timeout);
    database.ensure_version_tables();
    const std::string name = database.url().display;
    // A purge forgets the record, so what it holds does not matter: this is the way out when
    // ids the folder no longer has block every other command.
    const AppliedSet before = options.purge
                                  ? AppliedSet{}
                                  : guard_move(graph, database.applied(), name, options.on_warning);
    const Plan plan = plan_move(options.kind, graph, before, target);
    ApplyOptions apply = options.apply;
    apply.stamp = options.kind == MoveKind::stamp;
    apply.purge_first = options.purge;
    MoveResult result;
    result.steps = Applier(graph, database.runner(), apply).apply(plan);
    result.applied = applied_after(graph, before, plan);
    return result;
}

} // namespace rev
