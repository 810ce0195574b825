#pragma once

#include <rev/file_system.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace rev::test {

// Files in memory, like ninja's VirtualFileSystem, that fail the way a disk does when a test
// asks: so that the loader and the caches can be tested on failures no TempDir can give on
// demand. Paths are compared after lexically_normal(), relative ones as written.
class MemoryFileSystem final : public FileSystem {
public:
    // What to get wrong. Paths are as the code under test names them.
    struct Faults {
        // Each read gives at most this many bytes (0: as many as asked).
        std::size_t read_chunk = 0;
        // The first read of each opened file fails with EINTR.
        bool interrupt_first_read = false;
        // Opening or listing these fails with EACCES; stat still works, as after chmod 000.
        std::set<std::string> denied;
        // Each of these files goes away right after its folder is listed: another process
        // removed it between the listing and the read.
        std::set<std::string> vanishing;
        // write_new_file() fails with this (ENOSPC: a full disk), leaving no file.
        std::error_code write_error;
        // rename() fails with this.
        std::error_code rename_error;
    };

    MemoryFileSystem();

    Faults& faults() { return m_faults; }

    // Writes `text` to `path`, making the folders above it.
    void write(const std::filesystem::path& path, std::string_view text);
    // Makes `path` and the folders above it.
    void make_folder(const std::filesystem::path& path);
    // Removes a file or a folder with everything below it.
    void remove_all(const std::filesystem::path& path);
    // The contents of the file at `path`; nothing when it is not a file.
    std::optional<std::string> contents(const std::filesystem::path& path) const;
    // Every file's path, in order.
    std::vector<std::string> files() const;
    // How many times read_some() was called, to show that faults took effect.
    std::size_t reads() const { return m_reads; }

    std::error_code stat(const std::filesystem::path& path, FileStatus& status) override;
    std::error_code open_folder(const std::filesystem::path& path,
                                std::unique_ptr<Folder>& folder) override;
    std::error_code open(const std::filesystem::path& path,
                         std::unique_ptr<InputFile>& file) override;
    std::error_code touch(const std::filesystem::path& path) override;
    std::error_code create_folders(const std::filesystem::path& folder) override;
    std::error_code write_new_file(const std::filesystem::path& beside,
                                   std::span<const std::string_view> parts,
                                   std::filesystem::path& written) override;
    std::error_code rename(const std::filesystem::path& from,
                           const std::filesystem::path& to) override;
    std::error_code remove(const std::filesystem::path& path) override;

private:
    class MemoryFolder;
    class MemoryFile;
    struct Node {
        std::string data;
        FileStatus status;
    };

    // `path` as the nodes are keyed: normalised, without a trailing separator, "." for "".
    static std::string key_of(const std::filesystem::path& path);
    static std::string parent_of(const std::string& key);

    // These take m_mutex themselves; the rest expect it held.
    std::error_code stat_key(const std::string& key, FileStatus& status);
    std::error_code list_key(const std::string& key, std::vector<FolderEntry>& entries,
                             FileStatus& status);
    std::error_code open_key(const std::string& key, std::unique_ptr<InputFile>& file);

    std::int64_t tick();
    Node& make(const std::string& key, std::uint64_t type);
    void changed(Node& node);
    void erase(const std::string& key);
    bool is_folder(const std::string& key) const;

    mutable std::mutex m_mutex;
    std::map<std::string, Node> m_nodes;
    Faults m_faults;
    std::int64_t m_clock_ns;
    std::uint64_t m_next_inode = 1;
    std::uint64_t m_next_temporary = 0;
    std::atomic<std::size_t> m_reads = 0;
};

// Writes a revision folder `versions/<id>/` into `files` as write_revision() does into a
// TempDir.
void write_revision(MemoryFileSystem& files, const std::string& id,
                    const std::vector<std::string>& parents, const std::string& extra = "");

} // namespace rev::test
