#pragma once

#include "load/cache_store.hpp"

#include <rev/error.hpp>
#include <rev/revision.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The revision cache, like ninja's .ninja_deps: what the loader found in each revision folder,
// keyed by the stat of the folder and of its manifest.toml, so that a load reads and parses only
// what changed since the last one (docs/format.md, "The revision cache").
namespace rev::detail {

// The entries of one folder that the loader looks at, in the order the folder listed them:
// subfolders (symlinks are not followed), manifest.toml, up.sql and down.sql. Hidden entries
// are left out.
struct FolderListing {
    struct Entry {
        std::string name;
        bool folder = false;

        bool operator==(const Entry&) const = default;
    };
    std::vector<Entry> entries;

    bool operator==(const FolderListing&) const = default;
};

// The revision cache of one revisions folder.
class RevisionCache : public CacheStore {
public:
    // Reads the cache of `directory` from cache_file() through `files`.
    RevisionCache(const std::filesystem::path& directory, FileSystem& files);

    // ${XDG_CACHE_HOME:-$HOME/.cache}/rev/<folder_key(absolute path of directory)>.cache.
    static std::optional<std::filesystem::path> cache_file(const std::filesystem::path& directory);

    // Stats every folder and manifest the cache names, in the background while a load goes on
    // trusting what it takes (CacheStore::begin_check); end_check() waits for the stats.
    void begin_check(Stat stat);
    using CacheStore::end_check;
    using CacheStore::forget_taken;
    using CacheStore::taken_all_current;
    using CacheStore::trust_unchecked;
    // What the cache knows of `folder` (relative to the revisions folder, "" for itself), written
    // over `listing` (whose buffers a walk reuses), if check() found it unchanged: false if not.
    // What is found is kept for save() as it is.
    bool listing(std::string_view folder, FolderListing& listing);
    // The revision `folder`'s manifest described, if check() found the manifest unchanged. Its
    // directory is left empty for the caller to fill in.
    std::optional<Revision> revision(std::string_view folder);

    // Records what this load found afresh, to be written by save().
    void keep_listing(std::string_view folder, const StatKey& key, const FolderListing& listing);
    // Only a manifest without defects may be kept, so that every defect is reported afresh.
    void keep_revision(std::string_view folder, const StatKey& key, const Revision& revision);
    // Writes what was kept when it changed and `revisions` is at least k_min_revisions_to_cache.
    void save(std::size_t revisions) { CacheStore::save(revisions); }

private:
    // What a record's key is the stat of: a folder, or the manifest in it.
    static void path_of(const Record& record, std::string& path);
};

// read_revisions() with `cache` (nullptr: none), so that tests can look at what it did.
std::vector<Revision> read_revisions(const std::filesystem::path& directory,
                                     Diagnostics& diagnostics, RevisionCache* cache,
                                     FileSystem& files);

} // namespace rev::detail
