#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

// The files rev reads to load revisions and take checksums, and writes to keep its caches, all
// go through a FileSystem, as ninja's go through its DiskInterface: abstract so that tests can
// load from memory and give the failures a disk gives. Failures are error codes, not
// exceptions: only the caller knows what one means (a defect to report with the file's name, a
// cache miss, a file that counts as changed).
namespace rev {

// What stat(2) says of a file or folder; the caches key their records on all of it.
struct FileStatus {
    // st_mode's file-type bits, as every POSIX system and tar's format spell them.
    static constexpr std::uint64_t k_type_mask = 0170000;
    static constexpr std::uint64_t k_folder = 0040000;
    static constexpr std::uint64_t k_regular = 0100000;

    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::uint64_t mode = 0; // type and permissions
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;

    bool is_folder() const { return (mode & k_type_mask) == k_folder; }
    bool is_regular() const { return (mode & k_type_mask) == k_regular; }
    bool operator==(const FileStatus&) const = default;
};

// One entry of a folder's listing. Its kind is the entry's own: a symlink is `other`.
struct FolderEntry {
    enum class Kind { regular, folder, other };

    std::string name;
    Kind kind = Kind::other;
};

// A file open for reading, never a folder.
class InputFile {
public:
    virtual ~InputFile() = default;

    // The file as it was when opened.
    virtual const FileStatus& status() const = 0;
    // Reads up to `size` bytes into `buffer` and sets `got` (0: the end). As read(2), it may
    // read fewer than asked and fail with EINTR; read_all() copes with both.
    [[nodiscard]] virtual std::error_code read_some(char* buffer, std::size_t size,
                                                    std::size_t& got) = 0;

    // The rest of the file, however many reads it takes; status().size is only a hint, since
    // the file may grow or shrink meanwhile.
    [[nodiscard]] std::error_code read_all(std::string& text);
    // The whole file as one piece of memory that lives as long as this InputFile: mapped where
    // the system can, so that a cache of megabytes is neither zeroed nor copied, read with
    // read_all() otherwise. Only for files that are replaced by rename, never rewritten in
    // place: a mapped file cut short under a reader would fault it.
    [[nodiscard]] virtual std::error_code view_all(std::string_view& text);

private:
    std::string m_viewed; // what view_all() read, when it could not map
};

// A folder held open, so that the files below it are reached relative to it (as with openat):
// that spares the kernel a walk along the whole path for each of thousands of files. Paths
// are relative to the folder, "" for the folder itself. Every member may be called from
// several threads at once.
class Folder {
public:
    virtual ~Folder() = default;

    // Follows symlinks.
    [[nodiscard]] virtual std::error_code stat(const std::string& relative,
                                               FileStatus& status) const = 0;
    // The entries of the folder `relative` but "." and "..", in the order the system lists
    // them, and that folder's status.
    [[nodiscard]] virtual std::error_code list(const std::string& relative,
                                               std::vector<FolderEntry>& entries,
                                               FileStatus& status) const = 0;
    // Fails with EISDIR for a folder.
    [[nodiscard]] virtual std::error_code open(const std::string& relative,
                                               std::unique_ptr<InputFile>& file) const = 0;

    // The whole file `relative` and the status of what was read.
    [[nodiscard]] std::error_code read_file(const std::string& relative, std::string& text,
                                            FileStatus& status) const;
};

// Where rev's files are: the disk (real_file_system()) or, in tests, memory.
class FileSystem {
public:
    virtual ~FileSystem() = default;

    // Follows symlinks.
    [[nodiscard]] virtual std::error_code stat(const std::filesystem::path& path,
                                               FileStatus& status) = 0;
    [[nodiscard]] virtual std::error_code open_folder(const std::filesystem::path& path,
                                                      std::unique_ptr<Folder>& folder) = 0;
    // Fails with EISDIR for a folder.
    [[nodiscard]] virtual std::error_code open(const std::filesystem::path& path,
                                               std::unique_ptr<InputFile>& file) = 0;

    // Sets `path`'s modification time to now, as touch(1).
    [[nodiscard]] virtual std::error_code touch(const std::filesystem::path& path) = 0;
    // Creates `folder` and the folders above it that are missing.
    [[nodiscard]] virtual std::error_code create_folders(const std::filesystem::path& folder) = 0;
    // Writes `parts`, one after another, to a new file whose name is `beside`'s with a unique
    // suffix, and names it in `written`. A failure leaves no file behind.
    [[nodiscard]] virtual std::error_code write_new_file(const std::filesystem::path& beside,
                                                         std::span<const std::string_view> parts,
                                                         std::filesystem::path& written) = 0;
    // Replaces `to` with `from` atomically, as rename(2).
    [[nodiscard]] virtual std::error_code rename(const std::filesystem::path& from,
                                                 const std::filesystem::path& to) = 0;
    [[nodiscard]] virtual std::error_code remove(const std::filesystem::path& path) = 0;

    // The whole file at `path`.
    [[nodiscard]] std::error_code read_file(const std::filesystem::path& path, std::string& text);
};

// The operating system's files, through fd-relative POSIX calls (openat, statx, fdopendir).
FileSystem& real_file_system();

} // namespace rev
