#pragma once

#include <rev/file_system.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

// The store under rev's caches: one file of records, each keyed by the stat of the file or folder
// it describes, read whole at the start of a command and written back whole when it changed.
// revision_cache.hpp builds the revision and checksum caches on it.
namespace rev::detail {

// A file or folder as stat(2) describes it. Any change to a file or to a folder's entries moves
// its ctime, which no tool can set back (touch and utimensat set only mtime and atime).
using StatKey = FileStatus;

// What names a folder's cache files: the 64-bit FNV-1a hash of its absolute path, in 16 hex
// digits. Not SHA-256: OpenSSL's first digest in a process sets up its providers, which took
// 2 ms, a sixth of a `rev heads` that hashes nothing else. Two folders with one key only share
// a file, each finding the other's folder in it and rewriting it: never a wrong answer.
std::string folder_key(std::string_view absolute_folder);

// The key of `relative` below `folder` ("" for `folder` itself); nothing when it cannot be had.
std::optional<StatKey> stat_key(const Folder& folder, const std::string& relative);

// Record kinds, shared by every cache so that no two ever read each other's records: a
// folder's listing and a manifest's revision (.cache), a file's checksum (.sums).
constexpr std::uint8_t k_listing = 1;
constexpr std::uint8_t k_revision = 2;
constexpr std::uint8_t k_checksum = 3;
constexpr std::size_t k_record_kinds = 4;

// Writes a record's fields in the host's byte order; the file header's byte-order mark turns
// away a file written by another.
class RecordWriter {
public:
    explicit RecordWriter(std::string& out) : m_out(out) {}

    template <class T>
    void number(T value) {
        m_out.append(reinterpret_cast<const char*>(&value), sizeof(value));
    }
    void text(std::string_view value) {
        number(static_cast<std::uint32_t>(value.size()));
        m_out.append(value);
    }
    void texts(const std::vector<std::string>& values) {
        number(static_cast<std::uint32_t>(values.size()));
        for (const std::string& value : values) {
            text(value);
        }
    }
    void key(const StatKey& key) {
        number(key.device);
        number(key.inode);
        number(key.size);
        number(key.mode);
        number(key.mtime_ns);
        number(key.ctime_ns);
    }

    // Starts a record; end_record() fills in its size.
    void begin_record(std::uint8_t kind, std::string_view path, const StatKey& key) {
        number(kind);
        m_size_at = m_out.size();
        number(std::uint32_t{0});
        text(path);
        this->key(key);
    }
    void end_record() {
        const auto size = static_cast<std::uint32_t>(m_out.size() - m_size_at - 4);
        std::memcpy(m_out.data() + m_size_at, &size, sizeof(size));
    }

private:
    std::string& m_out;
    std::size_t m_size_at = 0;
};

// Reads what RecordWriter wrote; any read past the end leaves ok() false and yields zeros.
class RecordReader {
public:
    explicit RecordReader(std::string_view in) : m_in(in) {}

    bool ok() const { return m_ok; }
    bool at_end() const { return m_at == m_in.size(); }
    std::size_t left() const { return m_in.size() - m_at; }

    template <class T>
    T number() {
        T value{};
        if (!take(sizeof(T))) {
            return value;
        }
        std::memcpy(&value, m_in.data() + m_at - sizeof(T), sizeof(T));
        return value;
    }
    std::string_view bytes(std::size_t size) {
        if (!take(size)) {
            return {};
        }
        return m_in.substr(m_at - size, size);
    }
    std::string_view text() { return bytes(number<std::uint32_t>()); }
    std::vector<std::string> texts() {
        const auto count = number<std::uint32_t>();
        std::vector<std::string> values;
        // Every text takes at least its 4-byte size, which bounds a damaged count.
        if (count > left() / 4) {
            m_ok = false;
            return values;
        }
        values.reserve(count);
        for (std::uint32_t i = 0; i < count && m_ok; ++i) {
            values.emplace_back(text());
        }
        return values;
    }
    StatKey key() {
        StatKey key;
        key.device = number<std::uint64_t>();
        key.inode = number<std::uint64_t>();
        key.size = number<std::uint64_t>();
        key.mode = number<std::uint64_t>();
        key.mtime_ns = number<std::int64_t>();
        key.ctime_ns = number<std::int64_t>();
        return key;
    }

private:
    bool take(std::size_t size) {
        if (!m_ok || size > m_in.size() - m_at) {
            m_ok = false;
            return false;
        }
        m_at += size;
        return true;
    }

    std::string_view m_in;
    std::size_t m_at = 0;
    bool m_ok = true;
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

    // ${XDG_CACHE_HOME:-$HOME/.cache}/rev/<folder_key(absolute path of directory)><extension>,
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
    // The cache of `directory` in the file with `extension`, read and written through `files`.
    CacheStore(const std::filesystem::path& directory, std::string_view extension,
               FileSystem& files);
    ~CacheStore() { end_check(); }

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
    // index does. `path_of` writes a record's path over `path`, whose buffer each thread reuses.
    using PathOf = std::function<void(const Record& record, std::string& path)>;
    void check(const Stat& stat, const PathOf& path_of) {
        begin_check(stat, path_of);
        end_check();
    }
    // check() in two halves, so that a load can go on while the keys are taken: begin_check()
    // starts the threads and returns; end_check() waits for them. In between, only records
    // taken by hit() with trust_unchecked() on may be used.
    void begin_check(Stat stat, PathOf path_of);
    void end_check() noexcept;
    // While on, hit() gives records before check() has found whether they hold, and notes each
    // one, for taken_all_current() to tell afterwards.
    void trust_unchecked(bool trust) { m_trusting = trust; }
    // After end_check(): whether every record hit() gave while trusting still holds.
    bool taken_all_current() const;
    // Forgets what was kept and taken since the cache was read, to load again from the start.
    void forget_taken();
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
    void reserve_records(std::string_view records);
    void index_records();
    bool unchanged() const;
    bool replace_file(std::span<const std::string_view> parts);
    void remove_unused();

    FileSystem& m_files;
    std::filesystem::path m_file;
    std::string m_root;                     // the absolute cached folder, as stored in the file
    std::unique_ptr<InputFile> m_read_file; // the file, open
    std::string_view m_read;                // the file as read, or mapped
    std::string_view m_payload;             // its payload, once checked
    std::string_view m_records;             // the payload's records
    std::vector<Table> m_tables;            // by kind
    std::vector<Piece> m_kept;              // what save() writes, in order
    std::string m_fresh;                    // records kept afresh
    bool m_discarded = false;
    // The check under way between begin_check() and end_check().
    struct Check {
        std::vector<Record*> records;
        std::atomic<std::size_t> next{0};
        Stat stat;
        PathOf path_of;
        std::vector<std::thread> threads;
    };
    std::unique_ptr<Check> m_check;
    bool m_trusting = false;
    std::vector<const Record*> m_taken; // what hit() gave while trusting
    std::int64_t m_start_ns = 0;        // the coarse clock when this load began
};

} // namespace rev::detail
