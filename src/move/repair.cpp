#include "move/lock_guard.hpp"
#include "move/transaction_guard.hpp"

#include <rev/checksum.hpp>
#include <rev/error.hpp>
#include <rev/loader.hpp>
#include <rev/repair.hpp>

#include <algorithm>

namespace rev {

namespace {

const AppliedRevision* find_row(const std::vector<AppliedRevision>& rows, const std::string& id) {
    const auto row = std::find_if(rows.begin(), rows.end(),
                                  [&](const AppliedRevision& r) { return r.revision == id; });
    return row == rows.end() ? nullptr : &*row;
}

} // namespace

RehashResult rehash(Database& database, const RevisionGraph& graph,
                    const std::vector<std::string>& ids, std::chrono::milliseconds lock_timeout) {
    const detail::LockGuard lock(database, lock_timeout);
    const std::vector<AppliedRevision> rows = database.applied();
    std::vector<StepRecord> records;
    RehashResult result;
    for (const std::string& id : ids) {
        const AppliedRevision* row = find_row(rows, id);
        if (row == nullptr) {
            throw RefusedError("revision " + id + " is not applied to " + database.name() +
                               "; only applied revisions have "
                               "recorded checksums");
        }
        const auto vertex = graph.revisions().find(id);
        if (!vertex) {
            throw RefusedError("revision " + id +
                               " is not in the revisions folder; rehash "
                               "needs its files");
        }
        const Revision& revision = graph.revision(*vertex);
        Checksums now = checksums_of(read_revision_files(revision));
        if (now == row->checksums) {
            result.unchanged.push_back(id);
            continue;
        }
        records.push_back(make_record(StepRecord::Event::rehash, id, std::move(now)));
        result.rehashed.push_back(id);
    }
    detail::TransactionGuard transaction(database.runner());
    for (const StepRecord& record : records) {
        database.runner().record(record);
    }
    transaction.commit();
    return result;
}

void resolve(Database& database, const std::string& id, Resolution resolution,
             std::chrono::milliseconds lock_timeout) {
    const detail::LockGuard lock(database, lock_timeout);
    const std::vector<AppliedRevision> rows = database.applied();
    const AppliedRevision* row = find_row(rows, id);
    if (row == nullptr || row->state == AppliedRevision::State::applied) {
        throw RefusedError("revision " + id + " has no unfinished step recorded in " +
                           database.name() +
                           "; 'rev resolve' only settles a step that "
                           "failed outside a transaction (see 'rev check')");
    }
    detail::TransactionGuard transaction(database.runner());
    database.runner().record(make_record(resolution == Resolution::applied
                                             ? StepRecord::Event::resolved_applied
                                             : StepRecord::Event::resolved_reverted,
                                         id, row->checksums));
    transaction.commit();
}

} // namespace rev
