#include "load/file_checksums.hpp"

#include <rev/applied_set.hpp>
#include <rev/error.hpp>
#include <rev/integrity.hpp>
#include <rev/metrics.hpp>

#include <algorithm>

namespace rev {

namespace {

// The folder every revision lies below (the revisions folder, in practice), or "" when they
// share none.
std::string common_folder(const RevisionGraph& graph) {
    std::string common;
    bool first = true;
    for (const Revision& revision : graph.revisions()) {
        const std::string& folder = revision.directory;
        if (first) {
            common = folder;
            first = false;
            continue;
        }
        const auto [in_common, in_folder] =
            std::mismatch(common.begin(), common.end(), folder.begin(), folder.end());
        const auto length = static_cast<std::size_t>(in_common - common.begin());
        const bool below =
            length == common.size() && (length == folder.size() || folder[length] == '/');
        if (below) {
            continue;
        }
        const bool above = length == folder.size() && common[length] == '/';
        const std::size_t slash = length == 0 ? std::string::npos : common.rfind('/', length - 1);
        common = above ? folder : slash == std::string::npos ? "" : common.substr(0, slash);
    }
    return common;
}

// The statuses the loader took of the applied revisions' manifests, by path below `root`.
detail::FileChecksums::KnownStatuses
loaded_manifest_statuses(const RevisionGraph& graph, const std::vector<AppliedRevision>& rows,
                         const std::string& root) {
    detail::FileChecksums::KnownStatuses known;
    if (root.empty()) {
        return known;
    }
    known.reserve(rows.size());
    for (const AppliedRevision& row : rows) {
        const auto vertex = graph.revisions().find(row.revision);
        if (!vertex) {
            continue;
        }
        const Revision& revision = graph.revision(*vertex);
        // Zero: not loaded from disk (a graph built in memory), so nothing is known.
        if (revision.manifest_status.inode == 0 || revision.directory.size() <= root.size()) {
            continue;
        }
        known.emplace(revision.directory.substr(root.size() + 1) + "/manifest.toml",
                      revision.manifest_status);
    }
    return known;
}

std::string joined_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) {
        text += (text.empty() ? "" : "\n") + line;
    }
    return text;
}

} // namespace

std::string ChangedFile::describe() const {
    const std::string rehash = "'rev rehash " + revision + "'";
    if (!blocks_moves()) {
        return display_path(path) + ": changed since revision " + revision +
               " was applied; a downgrade runs the new file (" + rehash + " accepts it)";
    }
    return display_path(path) + ": changed since revision " + revision +
           " was applied; restore it and put the change in a new revision, or accept the file "
           "as it is now with " +
           rehash;
}

std::vector<ChangedFile> changed_files(const RevisionGraph& graph,
                                       const std::vector<AppliedRevision>& rows) {
    // Nothing applied, nothing to compare: the checksum cache is neither checked nor rewritten.
    if (rows.empty()) {
        return {};
    }
    static Metric compares("move: compare applied files");
    const MetricTimer timer(compares);
    const std::string root = common_folder(graph);
    detail::FileChecksums checksums(root, rows.size(), real_file_system(),
                                    loaded_manifest_statuses(graph, rows, root));
    std::vector<ChangedFile> changes;
    for (const AppliedRevision& row : rows) {
        const auto vertex = graph.revisions().find(row.revision);
        if (!vertex) {
            continue;
        }
        const Revision& revision = graph.revision(*vertex);
        const std::pair<ChangedFile::Kind, const std::string*> recorded[] = {
            {ChangedFile::Kind::manifest, &row.checksums.manifest},
            {ChangedFile::Kind::up, &row.checksums.up},
            {ChangedFile::Kind::down, &row.checksums.down},
        };
        for (const auto& [kind, checksum] : recorded) {
            const std::filesystem::path path = kind == ChangedFile::Kind::up ? revision.up_path()
                                               : kind == ChangedFile::Kind::down
                                                   ? revision.down_path()
                                                   : revision.manifest_path();
            if (checksums.of(path) != *checksum) {
                changes.push_back({row.revision, kind, path});
            }
        }
    }
    checksums.save();
    return changes;
}

std::string describe_unfinished(const AppliedRevision& row, const std::string& database) {
    const bool up = row.state == AppliedRevision::State::upgrading;
    const std::string how = row.error.empty()
                                ? std::string(" was interrupted during its ") +
                                      (up ? "upgrade" : "downgrade") + ", outside a transaction"
                                : std::string(" failed half-way through its ") +
                                      (up ? "upgrade" : "downgrade") +
                                      ", outside a transaction: " + row.error;
    return database + ": revision " + row.revision + how + "; complete or undo its changes by " +
           "hand, then record which with 'rev resolve " + row.revision +
           " --applied' or 'rev resolve " + row.revision + " --reverted'";
}

AppliedSet guard_move(const RevisionGraph& graph, const std::vector<AppliedRevision>& rows,
                      const std::string& database,
                      const std::function<void(const std::string&)>& warn) {
    AppliedSet applied = to_applied_set(graph, rows, database);
    std::vector<std::string> problems;
    for (const AppliedRevision& row : rows) {
        if (row.state != AppliedRevision::State::applied) {
            problems.push_back(describe_unfinished(row, database));
        }
    }
    for (const ChangedFile& change : changed_files(graph, rows)) {
        if (change.blocks_moves()) {
            problems.push_back(change.describe());
        } else if (warn) {
            warn(change.describe());
        }
    }
    if (!problems.empty()) {
        throw RefusedError(joined_lines(problems));
    }
    return applied;
}

} // namespace rev
