#include "load/cache_store.hpp"

#include "base/prefault.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <system_error>
#include <thread>

namespace rev::detail {

namespace {

namespace fs = std::filesystem;

// The file: a header, then the payload (the absolute cached folder, then records).
//     "REVCACHE"  u32 format version  u32 byte-order mark  u64 payload size  u64 checksum
// A record is u8 kind, u32 body size, body; a body starts with its relative path and key.
constexpr std::string_view k_magic = "REVCACHE";
constexpr std::uint32_t k_format_version = 2;
constexpr std::uint32_t k_endianness_mark = 0x01020304;
constexpr std::size_t k_header_size = 32;
constexpr std::uint64_t k_max_file_size = std::uint64_t{1} << 30;

std::int64_t nanoseconds(const struct timespec& time) {
    return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

// Catches a damaged file, not an attacker: the file lives in the user's own cache folder. Fed
// in parts, so that a file written from pieces needs no copy of itself: 8-byte words, then the
// last few bytes one at a time.
class PayloadChecksum {
public:
    explicit PayloadChecksum(std::size_t size) : m_hash(0xcbf29ce484222325ULL ^ size) {}

    void add(std::string_view data) {
        while (!data.empty() && m_carried > 0) {
            take_byte(data.front());
            data.remove_prefix(1);
        }
        for (; data.size() >= 8; data.remove_prefix(8)) {
            std::uint64_t word = 0;
            std::memcpy(&word, data.data(), 8);
            mix(word);
        }
        for (const char c : data) {
            take_byte(c);
        }
    }

    std::uint64_t value() const {
        std::uint64_t hash = m_hash;
        for (std::size_t i = 0; i < m_carried; ++i) {
            mix(hash, static_cast<unsigned char>(m_carry[i]));
        }
        return hash;
    }

private:
    static void mix(std::uint64_t& hash, std::uint64_t word) {
        hash = (hash ^ word) * 0x9e3779b97f4a7c15ULL;
        hash ^= hash >> 29;
    }
    void mix(std::uint64_t word) { mix(m_hash, word); }
    void take_byte(char c) {
        m_carry[m_carried++] = c;
        if (m_carried == sizeof(m_carry)) {
            std::uint64_t word = 0;
            std::memcpy(&word, m_carry, sizeof(word));
            mix(word);
            m_carried = 0;
        }
    }

    std::uint64_t m_hash;
    char m_carry[8] = {};
    std::size_t m_carried = 0;
};

std::uint64_t checksum(std::string_view data) {
    PayloadChecksum sum(data.size());
    sum.add(data);
    return sum.value();
}

bool no_cache_requested() {
    const char* value = std::getenv("REV_NO_CACHE");
    return value != nullptr && *value != '\0' && std::string_view(value) != "0";
}

// Where the XDG base directory specification puts caches; a relative value is to be ignored.
std::optional<fs::path> cache_home() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/') {
        return fs::path(xdg);
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
        return fs::path(home) / ".cache";
    }
    return std::nullopt;
}

std::string absolute_folder(const fs::path& directory) {
    std::error_code ec;
    std::string path = fs::absolute(directory, ec).lexically_normal().string();
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    return path;
}

// Cache files are named after folders, and folders come and go (scratch copies, CI
// workspaces): files unused for this long are removed when another is written. Reading a file
// marks it used, at most once a day.
constexpr std::int64_t k_day_ns = std::int64_t{24} * 3600 * 1'000'000'000;
constexpr std::int64_t k_unused_ns = 90 * k_day_ns;

} // namespace

std::string folder_key(std::string_view absolute_folder) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : absolute_folder) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string key(16, '0');
    for (std::size_t i = key.size(); i-- > 0; hash >>= 4) {
        key[i] = k_hex[hash & 0xf];
    }
    return key;
}

std::optional<StatKey> stat_key(const Folder& folder, const std::string& relative) {
    StatKey key;
    if (folder.stat(relative, key)) {
        return std::nullopt;
    }
    return key;
}

std::optional<fs::path> CacheStore::cache_file(const fs::path& directory,
                                               std::string_view extension) {
    std::optional<fs::path> home = cache_home();
    if (!home) {
        return std::nullopt;
    }
    return *home / "rev" / (folder_key(absolute_folder(directory)) + std::string(extension));
}

CacheStore::CacheStore(const fs::path& directory, std::string_view extension, FileSystem& files)
    : m_files(files), m_tables(k_record_kinds) {
    if (no_cache_requested()) {
        return;
    }
    std::optional<fs::path> file = cache_file(directory, extension);
    if (!file) {
        return;
    }
    m_file = std::move(*file);
    m_root = absolute_folder(directory);
    // File times come from the coarse clock: a change after this moment has a ctime >= it.
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
    m_start_ns = nanoseconds(now);
    if (read_file()) {
        index_records();
    }
}

bool CacheStore::read_file() {
    if (m_files.open(m_file, m_read_file)) {
        return false;
    }
    const FileStatus& status = m_read_file->status();
    if (!status.is_regular() || status.size < k_header_size || status.size > k_max_file_size) {
        return false;
    }
    if (status.mtime_ns < m_start_ns - k_day_ns) {
        static_cast<void>(m_files.touch(m_file));
    }
    if (m_read_file->view_all(m_read)) {
        return false;
    }
    const std::string_view file = m_read;
    RecordReader header(file.substr(0, k_header_size));
    const bool magic = file.starts_with(k_magic);
    header.number<std::uint64_t>();
    const auto version = header.number<std::uint32_t>();
    const auto byte_order = header.number<std::uint32_t>();
    const auto payload_size = header.number<std::uint64_t>();
    const auto sum = header.number<std::uint64_t>();
    const std::string_view payload = file.substr(k_header_size);
    if (!magic || version != k_format_version || byte_order != k_endianness_mark ||
        payload_size != payload.size() || sum != checksum(payload)) {
        return false;
    }
    m_payload = payload;
    return true;
}

const CacheStore::Record* CacheStore::Table::find(std::string_view path) {
    // A load asks in the order the last one wrote, unless files changed in between.
    if (next < records.size() && records[next].path == path) {
        return &records[next++];
    }
    if (index.empty()) {
        index.reserve(records.size());
        for (std::size_t i = 0; i < records.size(); ++i) {
            index.emplace(records[i].path, i);
        }
    }
    const auto found = index.find(path);
    if (found == index.end()) {
        return nullptr;
    }
    next = found->second + 1;
    return &records[found->second];
}

// Counts the records of each kind first: tens of thousands of them, and growing the tables
// as they come copied each several times.
void CacheStore::reserve_records(std::string_view records) {
    std::vector<std::size_t> counts(m_tables.size());
    RecordReader reader(records);
    while (reader.ok() && !reader.at_end()) {
        const auto kind = reader.number<std::uint8_t>();
        reader.bytes(reader.number<std::uint32_t>());
        if (kind < counts.size()) {
            ++counts[kind];
        }
    }
    for (std::size_t kind = 0; kind < counts.size(); ++kind) {
        reserve_prefaulted(m_tables[kind].records, counts[kind]);
    }
}

void CacheStore::index_records() {
    RecordReader reader(m_payload);
    if (reader.text() != m_root) {
        return;
    }
    m_records = m_payload.substr(m_payload.size() - reader.left());
    reserve_records(m_records);
    while (reader.ok() && !reader.at_end()) {
        const std::string_view rest = m_payload.substr(m_payload.size() - reader.left());
        const auto kind = reader.number<std::uint8_t>();
        const std::string_view body = reader.bytes(reader.number<std::uint32_t>());
        const std::string_view whole = rest.substr(0, rest.size() - reader.left());
        RecordReader in(body);
        const std::string_view path = in.text();
        if (kind < m_tables.size()) {
            m_tables[kind].records.push_back(
                {kind, path, whole, body.substr(body.size() - in.left())});
        }
    }
    if (!reader.ok()) {
        for (Table& table : m_tables) {
            table.records.clear();
        }
    }
}

void CacheStore::begin_check(Stat stat, PathOf path_of) {
    end_check();
    m_check = std::make_unique<Check>();
    Check& check = *m_check;
    check.stat = std::move(stat);
    check.path_of = std::move(path_of);
    std::size_t count = 0;
    for (const Table& table : m_tables) {
        count += table.records.size();
    }
    check.records.reserve(count);
    for (Table& table : m_tables) {
        for (Record& record : table.records) {
            check.records.push_back(&record);
        }
    }
    // Threads take chunks as they finish the last, since stats differ in cost (a manifest's path
    // has one more part to look up than its folder's).
    const auto check_chunks = [&check] {
        constexpr std::size_t k_chunk = 256;
        std::string path;
        for (std::size_t begin = check.next.fetch_add(k_chunk); begin < check.records.size();
             begin = check.next.fetch_add(k_chunk)) {
            const std::size_t end = std::min(begin + k_chunk, check.records.size());
            for (std::size_t i = begin; i < end; ++i) {
                Record& record = *check.records[i];
                check.path_of(record, path);
                const std::optional<StatKey> key = check.stat(path);
                record.current = key && *key == RecordReader(record.rest).key();
            }
        }
    };
    // Below a thousand entries or so, starting a thread costs more than it saves.
    constexpr std::size_t k_per_thread = 512;
    const std::size_t threads =
        check.records.size() < 2 * k_per_thread
            ? 0
            : std::clamp<std::size_t>(
                  std::thread::hardware_concurrency(), 1,
                  std::min<std::size_t>(4, check.records.size() / k_per_thread));
    for (std::size_t t = 0; t < threads; ++t) {
        try {
            check.threads.emplace_back(check_chunks);
        } catch (const std::system_error&) {
            break;
        }
    }
    // Without a thread, the keys are taken here and now.
    if (check.threads.empty()) {
        check_chunks();
    }
}

void CacheStore::end_check() noexcept {
    if (!m_check) {
        return;
    }
    for (std::thread& thread : m_check->threads) {
        thread.join();
    }
    m_check.reset();
}

bool CacheStore::taken_all_current() const {
    return std::all_of(m_taken.begin(), m_taken.end(),
                       [](const Record* record) { return record->current; });
}

void CacheStore::forget_taken() {
    m_taken.clear();
    m_kept.clear();
    m_fresh.clear();
    m_use = {};
    for (Table& table : m_tables) {
        table.next = 0;
    }
}

const CacheStore::Record* CacheStore::hit(std::uint8_t kind, std::string_view path) {
    const Record* record = m_tables[kind].find(path);
    if (record != nullptr && m_trusting) {
        m_taken.push_back(record);
        return record;
    }
    return record != nullptr && record->current ? record : nullptr;
}

void CacheStore::keep_read(const Record& record) {
    // A load keeps records in the order they were read, so one piece usually covers them all,
    // and tens of thousands of pieces need not be listed only to learn that nothing changed.
    if (!m_kept.empty() && m_kept.back().read != nullptr &&
        m_kept.back().read + m_kept.back().size == record.whole.data()) {
        m_kept.back().size += record.whole.size();
        return;
    }
    m_kept.push_back({record.whole.data(), 0, record.whole.size()});
}

bool CacheStore::keepable(const StatKey& key) const {
    // A file system that keeps whole seconds (nanoseconds 0) may hide two changes within one.
    const std::int64_t latest =
        key.ctime_ns % 1'000'000'000 == 0 ? key.ctime_ns + 2'000'000'000 : key.ctime_ns;
    return enabled() && latest < m_start_ns;
}

void CacheStore::keep_fresh(std::size_t start) {
    if (!m_kept.empty() && m_kept.back().read == nullptr &&
        m_kept.back().offset + m_kept.back().size == start) {
        m_kept.back().size = m_fresh.size() - m_kept.back().offset;
        return;
    }
    m_kept.push_back({nullptr, start, m_fresh.size() - start});
}

// True when what was kept is every record as read, in the same order.
bool CacheStore::unchanged() const {
    const char* expected = m_records.data();
    for (const Piece& piece : m_kept) {
        if (piece.read != expected || expected == nullptr) {
            return false;
        }
        expected += piece.size;
    }
    return expected == m_records.data() + m_records.size();
}

void CacheStore::save(std::size_t entries) {
    if (!enabled() || m_discarded || entries < k_min_revisions_to_cache || unchanged()) {
        return;
    }
    // Written from the pieces where they lie (the mapped file, the fresh records): a cache of
    // 30,000 checksums is megabytes, and a copy of it was the largest allocation of a move.
    std::string root;
    RecordWriter(root).text(m_root);
    std::vector<std::string_view> parts{{}, root};
    std::size_t payload_size = root.size();
    for (const Piece& piece : m_kept) {
        parts.push_back(piece.read != nullptr
                            ? std::string_view(piece.read, piece.size)
                            : std::string_view(m_fresh).substr(piece.offset, piece.size));
        payload_size += piece.size;
    }
    PayloadChecksum sum(payload_size);
    for (std::size_t i = 1; i < parts.size(); ++i) {
        sum.add(parts[i]);
    }
    std::string header(k_magic);
    RecordWriter fields(header);
    fields.number(k_format_version);
    fields.number(k_endianness_mark);
    fields.number(static_cast<std::uint64_t>(payload_size));
    fields.number(sum.value());
    parts[0] = header;
    m_use.written = replace_file(parts);
    if (m_use.written) {
        remove_unused();
    }
}

// Writes `data` to the file through a temporary file and a rename, so that a reader sees the
// old file or the new one, never half of one.
bool CacheStore::replace_file(std::span<const std::string_view> parts) {
    static_cast<void>(m_files.create_folders(m_file.parent_path()));
    fs::path temporary;
    if (m_files.write_new_file(m_file, parts, temporary)) {
        return false;
    }
    if (m_files.rename(temporary, m_file)) {
        static_cast<void>(m_files.remove(temporary));
        return false;
    }
    return true;
}

void CacheStore::remove_unused() {
    const fs::path folder = m_file.parent_path();
    std::unique_ptr<Folder> open;
    std::vector<FolderEntry> entries;
    FileStatus status;
    if (m_files.open_folder(folder, open) || open->list("", entries, status)) {
        return;
    }
    for (const FolderEntry& entry : entries) {
        const std::string& name = entry.name;
        const bool ours = name.ends_with(".cache") || name.ends_with(".sums") ||
                          name.find(".cache.") != std::string::npos ||
                          name.find(".sums.") != std::string::npos;
        if (ours && entry.kind == FolderEntry::Kind::regular && !open->stat(name, status) &&
            status.mtime_ns < m_start_ns - k_unused_ns) {
            static_cast<void>(m_files.remove(folder / name));
        }
    }
}

} // namespace rev::detail
