#include "load/revision_cache.hpp"

#include <algorithm>
#include <array>

namespace rev::detail {

namespace {

namespace fs = std::filesystem;

// A listing's entry is a byte of flags: whether it is a folder, and which of these names it
// has (0: another, whose text follows).
constexpr std::uint8_t k_entry_folder = 1;
constexpr std::array<std::string_view, 4> k_entry_names = {"", "manifest.toml", "up.sql",
                                                           "down.sql"};

} // namespace

RevisionCache::RevisionCache(const fs::path& directory, FileSystem& files)
    : CacheStore(directory, ".cache", files) {}

std::optional<fs::path> RevisionCache::cache_file(const fs::path& directory) {
    return CacheStore::cache_file(directory, ".cache");
}

void RevisionCache::path_of(const Record& record, std::string& path) {
    path.assign(record.path);
    if (record.kind == k_revision) {
        path += record.path.empty() ? "manifest.toml" : "/manifest.toml";
    }
}

void RevisionCache::begin_check(Stat stat) {
    CacheStore::begin_check(std::move(stat), path_of);
}

bool RevisionCache::listing(std::string_view folder, FolderListing& listing) {
    const Record* record = hit(k_listing, folder);
    if (record == nullptr) {
        return false;
    }
    RecordReader in(record->rest);
    in.key();
    const auto count = in.number<std::uint32_t>();
    // Every entry takes at least a byte, which bounds a damaged count.
    if (count > in.left()) {
        return false;
    }
    listing.entries.resize(count);
    for (FolderListing::Entry& entry : listing.entries) {
        const auto flags = in.number<std::uint8_t>();
        entry.folder = (flags & k_entry_folder) != 0;
        const std::size_t name = (flags >> 1) & 3;
        entry.name = name == 0 ? in.text() : k_entry_names[name];
    }
    if (!in.ok()) {
        return false;
    }
    keep_read(*record);
    ++m_use.listings;
    return true;
}

std::optional<Revision> RevisionCache::revision(std::string_view folder) {
    const Record* record = hit(k_revision, folder);
    if (record == nullptr) {
        return std::nullopt;
    }
    RecordReader in(record->rest);
    Revision revision;
    revision.manifest_status = in.key();
    revision.id = in.text();
    revision.message = in.text();
    revision.parents = in.texts();
    revision.depends_on = in.texts();
    revision.branch_labels = in.texts();
    revision.transactional = in.number<std::uint8_t>() != 0;
    revision.lines.id = in.number<std::int32_t>();
    revision.lines.parents = in.number<std::int32_t>();
    revision.lines.depends_on = in.number<std::int32_t>();
    revision.lines.branch_labels = in.number<std::int32_t>();
    revision.lint_allow = in.texts();
    revision.lines.lint_allow = in.number<std::int32_t>();
    if (!in.ok()) {
        return std::nullopt;
    }
    keep_read(*record);
    ++m_use.revisions;
    return revision;
}

void RevisionCache::keep_listing(std::string_view folder, const StatKey& key,
                                 const FolderListing& listing) {
    if (!keepable(key)) {
        return;
    }
    const std::size_t start = fresh().size();
    RecordWriter out(fresh());
    out.begin_record(k_listing, folder, key);
    out.number(static_cast<std::uint32_t>(listing.entries.size()));
    for (const FolderListing::Entry& entry : listing.entries) {
        const auto known = std::find(k_entry_names.begin() + 1, k_entry_names.end(), entry.name);
        const auto name = static_cast<std::uint8_t>(
            known == k_entry_names.end() ? 0 : known - k_entry_names.begin());
        out.number(static_cast<std::uint8_t>((entry.folder ? k_entry_folder : 0) | name << 1));
        if (name == 0) {
            out.text(entry.name);
        }
    }
    out.end_record();
    keep_fresh(start);
}

void RevisionCache::keep_revision(std::string_view folder, const StatKey& key,
                                  const Revision& revision) {
    if (!keepable(key)) {
        return;
    }
    const std::size_t start = fresh().size();
    RecordWriter out(fresh());
    out.begin_record(k_revision, folder, key);
    out.text(revision.id);
    out.text(revision.message);
    out.texts(revision.parents);
    out.texts(revision.depends_on);
    out.texts(revision.branch_labels);
    out.number(static_cast<std::uint8_t>(revision.transactional ? 1 : 0));
    out.number(static_cast<std::int32_t>(revision.lines.id));
    out.number(static_cast<std::int32_t>(revision.lines.parents));
    out.number(static_cast<std::int32_t>(revision.lines.depends_on));
    out.number(static_cast<std::int32_t>(revision.lines.branch_labels));
    out.texts(revision.lint_allow);
    out.number(static_cast<std::int32_t>(revision.lines.lint_allow));
    out.end_record();
    keep_fresh(start);
}

} // namespace rev::detail
