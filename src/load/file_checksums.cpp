#include "load/file_checksums.hpp"

#include <rev/checksum.hpp>
#include <rev/metrics.hpp>

#include <utility>

namespace rev::detail {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_unreadable = "(unreadable)";

} // namespace

ChecksumCache::ChecksumCache(const fs::path& directory, FileSystem& files)
    : CacheStore(directory, ".sums", files) {}

void ChecksumCache::check(const Stat& stat) {
    CacheStore::check(stat,
                      [](const Record& record, std::string& path) { path.assign(record.path); });
}

std::optional<std::string> ChecksumCache::checksum(std::string_view file) {
    const Record* record = hit(k_checksum, file);
    if (record == nullptr) {
        return std::nullopt;
    }
    RecordReader in(record->rest);
    in.key();
    std::string sum(in.text());
    if (!in.ok()) {
        return std::nullopt;
    }
    keep_read(*record);
    ++m_use.checksums;
    return sum;
}

void ChecksumCache::keep_checksum(std::string_view file, const StatKey& key,
                                  std::string_view checksum) {
    if (!keepable(key)) {
        return;
    }
    const std::size_t start = fresh().size();
    RecordWriter out(fresh());
    out.begin_record(k_checksum, file, key);
    out.text(checksum);
    out.end_record();
    keep_fresh(start);
}

FileChecksums::FileChecksums(std::string root, std::size_t count, FileSystem& files,
                             KnownStatuses known)
    : m_files(files), m_root(std::move(root)), m_count(count), m_known(std::move(known)) {
    if (m_root.empty() || m_files.open_folder(m_root, m_folder)) {
        return;
    }
    static Metric checks("checksums: read and check cache");
    const MetricTimer timer(checks);
    m_cache.emplace(m_root, m_files);
    m_cache->check([this](const std::string& relative) -> std::optional<StatKey> {
        if (const auto found = m_known.find(relative); found != m_known.end()) {
            return found->second;
        }
        return stat_key(*m_folder, relative);
    });
}

std::string FileChecksums::of(const fs::path& path) {
    const std::string& text = path.native();
    std::string whole;
    if (!m_cache || !text.starts_with(m_root) || text.size() <= m_root.size() + 1 ||
        text[m_root.size()] != '/') {
        return m_files.read_file(path, whole) ? k_unreadable : file_checksum(whole);
    }
    const std::string relative = text.substr(m_root.size() + 1);
    if (std::optional<std::string> cached = m_cache->checksum(relative)) {
        return std::move(*cached);
    }
    StatKey key;
    if (m_folder->read_file(relative, whole, key)) {
        return k_unreadable;
    }
    std::string sum = file_checksum(whole);
    m_cache->keep_checksum(relative, key, sum);
    return sum;
}

void FileChecksums::save() {
    static Metric saves("checksums: save cache");
    const MetricTimer timer(saves);
    if (m_cache) {
        m_cache->save(m_count);
    }
}

} // namespace rev::detail
