#include "memory_file_system.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <utility>

namespace rev::test {

namespace fs = std::filesystem;

namespace {

std::error_code failure(std::errc code) {
    return std::make_error_code(code);
}

std::string joined(const std::string& folder, const std::string& relative) {
    if (relative.empty()) {
        return folder;
    }
    return folder == "." ? relative : folder + "/" + relative;
}

} // namespace

// A file as opened: it keeps what it held then, as an open descriptor keeps its inode.
class MemoryFileSystem::MemoryFile final : public InputFile {
public:
    MemoryFile(MemoryFileSystem& files, const Node& node)
        : m_files(files), m_data(node.data), m_status(node.status),
          m_interrupt(files.m_faults.interrupt_first_read), m_chunk(files.m_faults.read_chunk) {}

    const FileStatus& status() const override { return m_status; }
    std::error_code read_some(char* buffer, std::size_t size, std::size_t& got) override {
        ++m_files.m_reads;
        if (std::exchange(m_interrupt, false)) {
            return failure(std::errc::interrupted);
        }
        got = std::min({size, m_data.size() - m_at, m_chunk == 0 ? size : m_chunk});
        std::memcpy(buffer, m_data.data() + m_at, got);
        m_at += got;
        return {};
    }

private:
    MemoryFileSystem& m_files;
    std::string m_data;
    FileStatus m_status;
    bool m_interrupt;
    std::size_t m_chunk;
    std::size_t m_at = 0;
};

class MemoryFileSystem::MemoryFolder final : public Folder {
public:
    MemoryFolder(MemoryFileSystem& files, std::string key)
        : m_files(files), m_key(std::move(key)) {}

    std::error_code stat(const std::string& relative, FileStatus& status) const override {
        return m_files.stat_key(key_of(joined(m_key, relative)), status);
    }
    std::error_code list(const std::string& relative, std::vector<FolderEntry>& entries,
                         FileStatus& status) const override {
        return m_files.list_key(key_of(joined(m_key, relative)), entries, status);
    }
    std::error_code open(const std::string& relative,
                         std::unique_ptr<InputFile>& file) const override {
        return m_files.open_key(key_of(joined(m_key, relative)), file);
    }

private:
    MemoryFileSystem& m_files;
    std::string m_key;
};

// Files are an hour old to begin with: older than any load a test starts, as the caches need
// to keep them, and too young for the cache folder's clean-up to remove.
MemoryFileSystem::MemoryFileSystem()
    : m_clock_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(
                     (std::chrono::system_clock::now() - std::chrono::hours(1)).time_since_epoch())
                     .count()) {}

std::string MemoryFileSystem::key_of(const fs::path& path) {
    std::string key = path.lexically_normal().generic_string();
    while (key.size() > 1 && key.back() == '/') {
        key.pop_back();
    }
    return key.empty() ? "." : key;
}

std::string MemoryFileSystem::parent_of(const std::string& key) {
    if (key == "/" || key == ".") {
        return key;
    }
    const std::size_t slash = key.rfind('/');
    if (slash == std::string::npos) {
        return ".";
    }
    return slash == 0 ? "/" : key.substr(0, slash);
}

std::int64_t MemoryFileSystem::tick() {
    // A microsecond a change, so that no two changes share a time, as no two on a disk do.
    m_clock_ns += 1000;
    return m_clock_ns;
}

void MemoryFileSystem::changed(Node& node) {
    node.status.mtime_ns = node.status.ctime_ns = tick();
    node.status.size = node.data.size();
}

MemoryFileSystem::Node& MemoryFileSystem::make(const std::string& key, std::uint64_t type) {
    const std::string parent = parent_of(key);
    if (parent != key && !m_nodes.contains(parent)) {
        make(parent, FileStatus::k_folder);
    }
    auto [it, made] = m_nodes.try_emplace(key);
    if (made) {
        it->second.status.device = 1;
        it->second.status.inode = m_next_inode++;
        it->second.status.mode = type | (type == FileStatus::k_folder ? 0755 : 0644);
        if (parent != key) {
            changed(m_nodes.at(parent));
        }
    }
    return it->second;
}

void MemoryFileSystem::erase(const std::string& key) {
    m_nodes.erase(key);
    if (const auto parent = m_nodes.find(parent_of(key)); parent != m_nodes.end()) {
        changed(parent->second);
    }
}

bool MemoryFileSystem::is_folder(const std::string& key) const {
    const auto it = m_nodes.find(key);
    return it != m_nodes.end() && it->second.status.is_folder();
}

void MemoryFileSystem::write(const fs::path& path, std::string_view text) {
    const std::lock_guard lock(m_mutex);
    Node& node = make(key_of(path), FileStatus::k_regular);
    node.data = text;
    changed(node);
}

void MemoryFileSystem::make_folder(const fs::path& path) {
    const std::lock_guard lock(m_mutex);
    make(key_of(path), FileStatus::k_folder);
}

void MemoryFileSystem::remove_all(const fs::path& path) {
    const std::lock_guard lock(m_mutex);
    const std::string key = key_of(path);
    std::erase_if(m_nodes, [&key](const auto& node) { return node.first.starts_with(key + "/"); });
    erase(key);
}

std::optional<std::string> MemoryFileSystem::contents(const fs::path& path) const {
    const std::lock_guard lock(m_mutex);
    const auto it = m_nodes.find(key_of(path));
    if (it == m_nodes.end() || it->second.status.is_folder()) {
        return std::nullopt;
    }
    return it->second.data;
}

std::vector<std::string> MemoryFileSystem::files() const {
    const std::lock_guard lock(m_mutex);
    std::vector<std::string> paths;
    for (const auto& [key, node] : m_nodes) {
        if (!node.status.is_folder()) {
            paths.push_back(key);
        }
    }
    return paths;
}

std::error_code MemoryFileSystem::stat_key(const std::string& key, FileStatus& status) {
    const std::lock_guard lock(m_mutex);
    const auto it = m_nodes.find(key);
    if (it == m_nodes.end()) {
        return failure(std::errc::no_such_file_or_directory);
    }
    status = it->second.status;
    return {};
}

std::error_code MemoryFileSystem::list_key(const std::string& key,
                                           std::vector<FolderEntry>& entries, FileStatus& status) {
    const std::lock_guard lock(m_mutex);
    const auto it = m_nodes.find(key);
    if (it == m_nodes.end()) {
        return failure(std::errc::no_such_file_or_directory);
    }
    if (!it->second.status.is_folder()) {
        return failure(std::errc::not_a_directory);
    }
    if (m_faults.denied.contains(key)) {
        return failure(std::errc::permission_denied);
    }
    status = it->second.status;
    std::vector<std::string> gone;
    for (const auto& [child, node] : m_nodes) {
        if (child == key || parent_of(child) != key) {
            continue;
        }
        const bool folder = node.status.is_folder();
        entries.push_back({fs::path(child).filename().string(),
                           folder ? FolderEntry::Kind::folder : FolderEntry::Kind::regular});
        if (m_faults.vanishing.contains(child)) {
            gone.push_back(child);
        }
    }
    for (const std::string& child : gone) {
        erase(child);
    }
    return {};
}

std::error_code MemoryFileSystem::open_key(const std::string& key,
                                           std::unique_ptr<InputFile>& file) {
    const std::lock_guard lock(m_mutex);
    const auto it = m_nodes.find(key);
    if (it == m_nodes.end()) {
        return failure(std::errc::no_such_file_or_directory);
    }
    if (m_faults.denied.contains(key)) {
        return failure(std::errc::permission_denied);
    }
    if (it->second.status.is_folder()) {
        return failure(std::errc::is_a_directory);
    }
    file = std::make_unique<MemoryFile>(*this, it->second);
    return {};
}

std::error_code MemoryFileSystem::stat(const fs::path& path, FileStatus& status) {
    if (path.empty()) {
        return failure(std::errc::no_such_file_or_directory);
    }
    return stat_key(key_of(path), status);
}

std::error_code MemoryFileSystem::open_folder(const fs::path& path,
                                              std::unique_ptr<Folder>& folder) {
    const std::string key = key_of(path);
    {
        const std::lock_guard lock(m_mutex);
        if (!m_nodes.contains(key)) {
            return failure(std::errc::no_such_file_or_directory);
        }
        if (!is_folder(key)) {
            return failure(std::errc::not_a_directory);
        }
        if (m_faults.denied.contains(key)) {
            return failure(std::errc::permission_denied);
        }
    }
    folder = std::make_unique<MemoryFolder>(*this, key);
    return {};
}

std::error_code MemoryFileSystem::open(const fs::path& path, std::unique_ptr<InputFile>& file) {
    return open_key(key_of(path), file);
}

std::error_code MemoryFileSystem::touch(const fs::path& path) {
    const std::lock_guard lock(m_mutex);
    const auto it = m_nodes.find(key_of(path));
    if (it == m_nodes.end()) {
        return failure(std::errc::no_such_file_or_directory);
    }
    changed(it->second);
    return {};
}

std::error_code MemoryFileSystem::create_folders(const fs::path& folder) {
    const std::lock_guard lock(m_mutex);
    const std::string key = key_of(folder);
    for (std::string at = key;; at = parent_of(at)) {
        if (const auto it = m_nodes.find(at); it != m_nodes.end()) {
            if (!it->second.status.is_folder()) {
                return failure(std::errc::not_a_directory);
            }
            break;
        }
        if (at == parent_of(at)) {
            break;
        }
    }
    make(key, FileStatus::k_folder);
    return {};
}

std::error_code MemoryFileSystem::write_new_file(const fs::path& beside,
                                                 std::span<const std::string_view> parts,
                                                 fs::path& written) {
    const std::lock_guard lock(m_mutex);
    const std::string key = key_of(beside);
    if (!is_folder(parent_of(key))) {
        return failure(std::errc::no_such_file_or_directory);
    }
    if (m_faults.write_error) {
        return m_faults.write_error;
    }
    const std::string temporary = key + "." + std::to_string(m_next_temporary++);
    Node& node = make(temporary, FileStatus::k_regular);
    node.data.clear();
    for (const std::string_view part : parts) {
        node.data += part;
    }
    changed(node);
    written = temporary;
    return {};
}

std::error_code MemoryFileSystem::rename(const fs::path& from, const fs::path& to) {
    const std::lock_guard lock(m_mutex);
    if (m_faults.rename_error) {
        return m_faults.rename_error;
    }
    const std::string source = key_of(from);
    const std::string target = key_of(to);
    const auto it = m_nodes.find(source);
    if (it == m_nodes.end()) {
        return failure(std::errc::no_such_file_or_directory);
    }
    if (is_folder(target) || it->second.status.is_folder()) {
        return failure(std::errc::is_a_directory);
    }
    Node node = std::move(it->second);
    erase(source);
    m_nodes.erase(target);
    Node& moved = make(target, FileStatus::k_regular);
    moved = std::move(node);
    moved.status.ctime_ns = tick();
    return {};
}

std::error_code MemoryFileSystem::remove(const fs::path& path) {
    const std::lock_guard lock(m_mutex);
    const std::string key = key_of(path);
    if (!m_nodes.contains(key)) {
        return failure(std::errc::no_such_file_or_directory);
    }
    if (is_folder(key)) {
        return failure(std::errc::is_a_directory);
    }
    erase(key);
    return {};
}

void write_revision(MemoryFileSystem& files, const std::string& id,
                    const std::vector<std::string>& parents, const std::string& extra) {
    std::string list;
    for (const std::string& parent : parents) {
        list += (list.empty() ? "\"" : ", \"") + parent + "\"";
    }
    const fs::path folder = fs::path("versions") / id;
    files.write(folder / "manifest.toml", "id = \"" + id + "\"\nmessage = \"revision " + id +
                                              "\"\nparents = [" + list + "]\n" + extra);
    files.write(folder / "up.sql", "CREATE TABLE t_" + id + " (x INTEGER);\n");
    files.write(folder / "down.sql", "DROP TABLE t_" + id + ";\n");
}

} // namespace rev::test
