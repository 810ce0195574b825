#pragma once

#include "load/cache_store.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

// The checksums of files on disk as rev records them (rev/checksum.hpp), read through a cache
// keyed by each file's stat: before each move rev compares three files per applied revision, and
// most of them have not changed since the last move.
namespace rev::detail {

// Checksums of files below a folder as integrity compares them (rev/checksum.hpp), keyed by
// each file's stat, so that the check before every move reads only files that changed.
class ChecksumCache : public CacheStore {
public:
    // Reads the checksums kept for files below `directory` from cache_file(directory, ".sums").
    ChecksumCache(const std::filesystem::path& directory, FileSystem& files);

    // Stats every file the cache names (see CacheStore::check).
    void check(const Stat& stat);
    // The checksum of `file` (relative to the folder), if check() found it unchanged.
    std::optional<std::string> checksum(std::string_view file);
    // Records a checksum taken afresh of `file`, whose key was `key` when it was read.
    void keep_checksum(std::string_view file, const StatKey& key, std::string_view checksum);
    // Writes what was kept when it changed and `files` is at least k_min_revisions_to_cache.
    void save(std::size_t files) { CacheStore::save(files); }
};

// The recorded-form checksum of files below one folder, from the ChecksumCache when a file's
// stat is unchanged, read and hashed otherwise.
class FileChecksums {
public:
    // `root`: the folder below which files are cached ("" for none); `count`: about how many
    // files will be asked for, which decides whether the cache is worth writing.
    // `known`: statuses this run already took (the loader's, of manifests), by path relative
    // to `root`, trusted as stat(2) would give them now, so that no file is stat'd twice.
    using KnownStatuses = std::unordered_map<std::string, FileStatus>;
    FileChecksums(std::string root, std::size_t count, FileSystem& files, KnownStatuses known = {});
    FileChecksums(const FileChecksums&) = delete;
    FileChecksums& operator=(const FileChecksums&) = delete;

    // The checksum of `path`'s normalised text, or "(unreadable)", which no file's checksum is.
    std::string of(const std::filesystem::path& path);
    // Writes what was learnt to the cache.
    void save();

private:
    FileSystem& m_files;
    std::string m_root;
    std::size_t m_count;
    KnownStatuses m_known;
    std::unique_ptr<Folder> m_folder; // m_root, open
    std::optional<ChecksumCache> m_cache;
};

} // namespace rev::detail
