#pragma once

#include <rev/error.hpp>
#include <rev/revision.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// The revision cache, like ninja's .ninja_deps: what the loader found in each revision folder,
// keyed by the stat of the folder and of its manifest.toml, so that a load reads and parses only
// what changed since the last one (docs/format.md, "The revision cache").
namespace rev::detail {

// A file or folder as stat(2) describes it. Any change to a file or to a folder's entries moves
// its ctime, which no tool can set back (touch and utimensat set only mtime and atime).
struct StatKey {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::uint64_t mode = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;

    bool operator==(const StatKey&) const = default;
};

// The key of `path` relative to the open folder `folder` (AT_FDCWD: the current one), or of
// `folder` itself when `path` is "". Symlinks are followed. Nothing when it cannot be had.
std::optional<StatKey> stat_key(int folder, const char* path);

// The whole file `relative` (to the open folder `folder`, or AT_FDCWD) and the key of what was
// read; nothing when it cannot be read or is a folder, as detail::read_text_file.
std::optional<std::string> read_file_at(int folder, const std::string& relative, StatKey& key);

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

// Folders that hold fewer revisions load in a few milliseconds without a cache, and keeping
// none for them spares the cache folder one file per scratch or test folder.
constexpr std::size_t k_min_revisions_to_cache = 100;

// What one load took from a cache and whether it wrote the cache back: for tests.
struct CacheUse {
    std::size_t listings = 0;
    std::size_t revisions = 0;
    std::size_t checksums = 0;
    bool written = false;
};

// One cache file: records, each keyed by a path relative to a folder and by a StatKey, read
// whole at the start and written back whole when they changed. Every failure (no cache folder,
// a file that is corrupt, truncated, from another version or for another folder, a full disk)
// only makes it miss: a cache never changes what rev finds or reports, only how fast it does.
class CacheStore {
public:
    CacheStore(const CacheStore&) = delete;
    CacheStore& operator=(const CacheStore&) = delete;

    // ${XDG_CACHE_HOME:-$HOME/.cache}/rev/<sha256 of the absolute path of directory><extension>,
    // or nothing when neither variable names a folder.
    static std::optional<std::filesystem::path> cache_file(const std::filesystem::path& directory,
                                                           std::string_view extension);

    // False under REV_NO_CACHE (set to anything but "" or "0") or without a cache folder: every
    // look-up misses and nothing is written.
    bool enabled() const noexcept { return !m_file.empty(); }

    // A file's or folder's key from its path relative to the cached folder; nothing when it
    // cannot be had. Called from several threads at once.
    using Stat = std::function<std::optional<StatKey>(const std::string& relative)>;

    // Forgets what was kept: nothing is written.
    void discard() { m_discarded = true; }

    const CacheUse& use() const noexcept { return m_use; }

protected:
    // The cache of `directory` in the file with `extension`.
    CacheStore(const std::filesystem::path& directory, std::string_view extension);
    ~CacheStore() = default;

    // One record of the file as read.
    struct Record {
        std::uint8_t kind = 0;
        std::string_view path;  // relative to the cached folder
        std::string_view whole; // as it is written back
        std::string_view rest;  // what follows the path: the key, then the kind's data
        bool current = false;   // check() found the key unchanged
    };

    // Tells which records still hold, by taking the key of the file or folder each names (the
    // relative path `path_of` gives), in a few threads when there are many, as git's preloaded
    // index does.
    void check(const Stat& stat, const std::function<std::string(const Record& record)>& path_of);
    // The record of `kind` for `path` if check() found it current.
    const Record* hit(std::uint8_t kind, std::string_view path);
    // Keeps a record found by hit() to be written back as it is.
    void keep_read(const Record& record);
    // Whether an entry with `key` may be kept: not when its ctime is not older than this load's
    // start, since a change in the same clock tick would keep its key.
    bool keepable(const StatKey& key) const;
    // Where a record kept afresh is written, then kept by keep_fresh(its start).
    std::string& fresh() { return m_fresh; }
    void keep_fresh(std::size_t start);
    // Writes what was kept, atomically, when it differs from what was read and `entries` is
    // at least k_min_revisions_to_cache. A failure to write is silent.
    void save(std::size_t entries);

    CacheUse m_use;

private:
    // The records of one kind, in file order.
    struct Table {
        std::vector<Record> records;
        std::size_t next = 0; // where the next look-up most likely is
        std::unordered_map<std::string_view, std::size_t> index; // built at the first miss
        const Record* find(std::string_view path);
    };
    // A part of what save() writes: a record as read, or one kept afresh.
    struct Piece {
        const char* read = nullptr; // the record as read, or nullptr: m_fresh from `offset`
        std::size_t offset = 0;
        std::size_t size = 0;
    };

    bool read_file();
    void index_records();
    bool unchanged() const;

    std::filesystem::path m_file;
    std::string m_root;             // the absolute cached folder, as stored in the file
    std::unique_ptr<char[]> m_read; // the file as read
    std::string_view m_payload;     // its payload, once checked
    std::string_view m_records;     // the payload's records
    std::vector<Table> m_tables;    // by kind
    std::vector<Piece> m_kept;      // what save() writes, in order
    std::string m_fresh;            // records kept afresh
    bool m_discarded = false;
    std::int64_t m_start_ns = 0; // the coarse clock when this load began
};

// The revision cache of one revisions folder.
class RevisionCache : public CacheStore {
public:
    // Reads the cache of `directory` from cache_file().
    explicit RevisionCache(const std::filesystem::path& directory);

    // ${XDG_CACHE_HOME:-$HOME/.cache}/rev/<sha256 of the absolute path of directory>.cache.
    static std::optional<std::filesystem::path> cache_file(const std::filesystem::path& directory);

    // Stats every folder and manifest the cache names (see CacheStore::check).
    void check(const Stat& stat);
    // What the cache knows of `folder` (relative to the revisions folder, "" for itself), if
    // check() found it unchanged. What is found is kept for save() as it is.
    std::optional<FolderListing> listing(std::string_view folder);
    // The revision `folder`'s manifest described, if check() found the manifest unchanged. Its
    // directory is left empty for the caller to fill in.
    std::optional<Revision> revision(std::string_view folder);

    // Records what this load found afresh, to be written by save().
    void keep_listing(std::string_view folder, const StatKey& key, const FolderListing& listing);
    // Only a manifest without defects may be kept, so that every defect is reported afresh.
    void keep_revision(std::string_view folder, const StatKey& key, const Revision& revision);
    // Writes what was kept when it changed and `revisions` is at least k_min_revisions_to_cache.
    void save(std::size_t revisions) { CacheStore::save(revisions); }
};

// Checksums of files below a folder as integrity compares them (rev/checksum.hpp), keyed by
// each file's stat, so that the check before every move reads only files that changed.
class ChecksumCache : public CacheStore {
public:
    // Reads the checksums kept for files below `directory` from cache_file(directory, ".sums").
    explicit ChecksumCache(const std::filesystem::path& directory);

    // Stats every file the cache names (see CacheStore::check).
    void check(const Stat& stat);
    // The checksum of `file` (relative to the folder), if check() found it unchanged.
    std::optional<std::string> checksum(std::string_view file);
    // Records a checksum taken afresh of `file`, whose key was `key` when it was read.
    void keep_checksum(std::string_view file, const StatKey& key, std::string_view checksum);
    // Writes what was kept when it changed and `files` is at least k_min_revisions_to_cache.
    void save(std::size_t files) { CacheStore::save(files); }
};

// read_revisions() with `cache` (nullptr: none), so that tests can look at what it did.
std::vector<Revision> read_revisions(const std::filesystem::path& directory,
                                     Diagnostics& diagnostics, RevisionCache* cache);

} // namespace rev::detail
