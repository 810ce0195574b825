#include "revision_cache.hpp"
#include "text_file.hpp"

#include <rev/applier.hpp>
#include <rev/checksum.hpp>
#include <rev/error.hpp>
#include <rev/integrity.hpp>
#include <rev/migrate.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

namespace rev {

namespace {

constexpr const char* k_unreadable = "(unreadable)";

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

// The checksums of the revisions' files as rev records them, taken from the checksum cache for
// files whose stat is unchanged: before each move, rev compares every applied revision's
// files, three per revision.
class FileChecksums {
public:
    FileChecksums(const RevisionGraph& graph, std::size_t revisions)
        : m_root(common_folder(graph)), m_revisions(revisions) {
        if (m_root.empty()) {
            return;
        }
        m_fd = ::open(m_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (m_fd < 0) {
            return;
        }
        m_cache.emplace(m_root);
        m_cache->check([this](const std::string& relative) {
            return detail::stat_key(m_fd, relative.c_str());
        });
    }
    ~FileChecksums() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    FileChecksums(const FileChecksums&) = delete;
    FileChecksums& operator=(const FileChecksums&) = delete;

    // SHA-256 of the normalised text of `path`, or "(unreadable)".
    std::string of(const std::filesystem::path& path) {
        const std::string& text = path.native();
        if (!m_cache || !text.starts_with(m_root) || text.size() <= m_root.size() + 1 ||
            text[m_root.size()] != '/') {
            const std::optional<std::string> whole = detail::read_text_file(path);
            return whole ? file_checksum(*whole) : k_unreadable;
        }
        const std::string relative = text.substr(m_root.size() + 1);
        if (std::optional<std::string> cached = m_cache->checksum(relative)) {
            return std::move(*cached);
        }
        detail::StatKey key;
        const std::optional<std::string> whole = detail::read_file_at(m_fd, relative, key);
        if (!whole) {
            return k_unreadable;
        }
        std::string sum = file_checksum(*whole);
        m_cache->keep_checksum(relative, key, sum);
        return sum;
    }

    void save() {
        if (m_cache) {
            m_cache->save(m_revisions);
        }
    }

private:
    std::string m_root;
    std::size_t m_revisions;
    int m_fd = -1;
    std::optional<detail::ChecksumCache> m_cache;
};

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
    FileChecksums checksums(graph, rows.size());
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
