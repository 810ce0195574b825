#include "move/lock_guard.hpp"

#include <rev/error.hpp>
#include <rev/integrity.hpp>
#include <rev/migrate.hpp>

namespace rev {

MoveResult move_database(Database& database, const RevisionGraph& graph, const Target& target,
                         const MoveOptions& options) {
    const detail::LockGuard lock(database, options.lock_timeout);
    database.limit_statements(options.limits);
    database.ensure_version_tables();
    const std::string name = database.name();
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
