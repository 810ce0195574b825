#include <rev/file_system.hpp>
#include <rev/metrics.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

namespace rev {

namespace {

namespace fs = std::filesystem;

static_assert(FileStatus::k_type_mask == S_IFMT && FileStatus::k_folder == S_IFDIR &&
              FileStatus::k_regular == S_IFREG);

std::error_code last_error() {
    return {errno, std::generic_category()};
}

// Calls `call` again while a signal interrupts it; what it returned, errno set on failure.
template <class Call>
auto retry(Call call) {
    auto result = call();
    while (result < 0 && errno == EINTR) {
        result = call();
    }
    return result;
}

class UniqueFd {
public:
    explicit UniqueFd(int fd) : m_fd(fd) {}
    ~UniqueFd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

std::int64_t nanoseconds(const struct statx_timestamp& time) {
    return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

// `path` relative to the open folder `folder` (AT_FDCWD: the current one), or `folder` itself
// when `path` is "".
std::error_code stat_at(int folder, const char* path, FileStatus& status) {
    // statx rather than fstatat: it copies out only the fields asked for, which shows when a
    // load takes the status of 20,000 files.
    static Metric stats("file system: statx");
    stats.count();
    struct statx info {};
    const int flags = AT_STATX_DONT_SYNC | (*path == '\0' ? AT_EMPTY_PATH : 0);
    const unsigned mask =
        STATX_TYPE | STATX_MODE | STATX_INO | STATX_SIZE | STATX_MTIME | STATX_CTIME;
    if (retry([&] { return ::statx(folder, path, flags, mask, &info); }) != 0) {
        return last_error();
    }
    // A cache keyed on a field the file system does not keep would trust a changed file.
    if ((info.stx_mask & mask) != mask) {
        return std::make_error_code(std::errc::not_supported);
    }
    status.device = makedev(info.stx_dev_major, info.stx_dev_minor);
    status.inode = info.stx_ino;
    status.size = info.stx_size;
    status.mode = info.stx_mode;
    status.mtime_ns = nanoseconds(info.stx_mtime);
    status.ctime_ns = nanoseconds(info.stx_ctime);
    return {};
}

class PosixInputFile final : public InputFile {
public:
    PosixInputFile(UniqueFd& fd, const FileStatus& status) : m_fd(fd.release()), m_status(status) {}
    ~PosixInputFile() override {
        if (m_mapped != MAP_FAILED) {
            ::munmap(m_mapped, m_mapped_size);
        }
    }
    PosixInputFile(const PosixInputFile&) = delete;
    PosixInputFile& operator=(const PosixInputFile&) = delete;

    std::error_code view_all(std::string_view& text) override {
        // MAP_POPULATE fills the page table in one call: every byte is read (the checksum),
        // and a fault per page costs more, above all in a virtual machine.
        const auto size = static_cast<std::size_t>(m_status.size);
        if (size > 0 && m_mapped == MAP_FAILED) {
            m_mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, m_fd.get(), 0);
            m_mapped_size = size;
        }
        if (m_mapped == MAP_FAILED) {
            return InputFile::view_all(text);
        }
        text = std::string_view(static_cast<const char*>(m_mapped), m_mapped_size);
        return {};
    }

    const FileStatus& status() const override { return m_status; }
    std::error_code read_some(char* buffer, std::size_t size, std::size_t& got) override {
        const ssize_t read = ::read(m_fd.get(), buffer, size);
        if (read < 0) {
            return last_error();
        }
        got = static_cast<std::size_t>(read);
        return {};
    }

private:
    UniqueFd m_fd;
    FileStatus m_status;
    void* m_mapped = MAP_FAILED;
    std::size_t m_mapped_size = 0;
};

// One open and one statx per file: a move reads three files per step, and a separate check for
// a folder cost more than the bookkeeping statements.
std::error_code open_at(int folder, const char* path, std::unique_ptr<InputFile>& file) {
    static Metric opens("file system: open file");
    opens.count();
    UniqueFd fd(retry([&] { return ::openat(folder, path, O_RDONLY | O_CLOEXEC); }));
    if (fd.get() < 0) {
        return last_error();
    }
    FileStatus status;
    if (const std::error_code error = stat_at(fd.get(), "", status)) {
        return error;
    }
    // A folder opens read-only on Linux, and reading it fails.
    if (status.is_folder()) {
        return std::make_error_code(std::errc::is_a_directory);
    }
    file = std::make_unique<PosixInputFile>(fd, status);
    return {};
}

FolderEntry::Kind kind_of(DIR* dir, const dirent& entry) {
    unsigned char type = entry.d_type;
    if (type == DT_UNKNOWN) {
        struct stat status {};
        if (::fstatat(::dirfd(dir), entry.d_name, &status, AT_SYMLINK_NOFOLLOW) == 0) {
            type = S_ISDIR(status.st_mode) ? DT_DIR : S_ISREG(status.st_mode) ? DT_REG : DT_LNK;
        }
    }
    return type == DT_DIR   ? FolderEntry::Kind::folder
           : type == DT_REG ? FolderEntry::Kind::regular
                            : FolderEntry::Kind::other;
}

struct FolderCloser {
    DIR* dir;
    ~FolderCloser() { ::closedir(dir); }
};

std::error_code list_at(int folder, const char* path, std::vector<FolderEntry>& entries,
                        FileStatus& status) {
    static Metric lists("file system: list folder");
    lists.count();
    UniqueFd fd(retry([&] { return ::openat(folder, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
    if (fd.get() < 0) {
        return last_error();
    }
    DIR* dir = ::fdopendir(fd.get());
    if (dir == nullptr) {
        return last_error();
    }
    fd.release();
    const FolderCloser closer{dir};
    if (const std::error_code error = stat_at(::dirfd(dir), "", status)) {
        return error;
    }
    errno = 0;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string_view name = entry->d_name;
        if (name != "." && name != "..") {
            entries.push_back({std::string(name), kind_of(dir, *entry)});
        }
        errno = 0;
    }
    return errno == 0 ? std::error_code() : last_error();
}

const char* folder_path(const std::string& relative) {
    return relative.empty() ? "." : relative.c_str();
}

class PosixFolder final : public Folder {
public:
    explicit PosixFolder(UniqueFd& fd) : m_fd(fd.release()) {}

    std::error_code stat(const std::string& relative, FileStatus& status) const override {
        return stat_at(m_fd.get(), relative.c_str(), status);
    }
    std::error_code list(const std::string& relative, std::vector<FolderEntry>& entries,
                         FileStatus& status) const override {
        return list_at(m_fd.get(), folder_path(relative), entries, status);
    }
    std::error_code open(const std::string& relative,
                         std::unique_ptr<InputFile>& file) const override {
        return open_at(m_fd.get(), folder_path(relative), file);
    }

private:
    UniqueFd m_fd;
};

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t written = retry([&] { return ::write(fd, data.data(), data.size()); });
        if (written <= 0) {
            if (written == 0) {
                errno = EIO;
            }
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

class PosixFileSystem final : public FileSystem {
public:
    std::error_code stat(const fs::path& path, FileStatus& status) override {
        // "" would be the current folder to statx, and is no file at all to the callers.
        if (path.empty()) {
            return std::make_error_code(std::errc::no_such_file_or_directory);
        }
        return stat_at(AT_FDCWD, path.c_str(), status);
    }
    std::error_code open_folder(const fs::path& path, std::unique_ptr<Folder>& folder) override {
        UniqueFd fd(
            retry([&] { return ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
        if (fd.get() < 0) {
            return last_error();
        }
        folder = std::make_unique<PosixFolder>(fd);
        return {};
    }
    std::error_code open(const fs::path& path, std::unique_ptr<InputFile>& file) override {
        return open_at(AT_FDCWD, path.c_str(), file);
    }
    std::error_code touch(const fs::path& path) override {
        return ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) == 0 ? std::error_code()
                                                                    : last_error();
    }
    std::error_code create_folders(const fs::path& folder) override {
        std::error_code error;
        fs::create_directories(folder, error);
        return error;
    }
    std::error_code write_new_file(const fs::path& beside, std::span<const std::string_view> parts,
                                   fs::path& written) override;
    std::error_code rename(const fs::path& from, const fs::path& to) override {
        return ::rename(from.c_str(), to.c_str()) == 0 ? std::error_code() : last_error();
    }
    std::error_code remove(const fs::path& path) override {
        return ::unlink(path.c_str()) == 0 ? std::error_code() : last_error();
    }
};

std::error_code PosixFileSystem::write_new_file(const fs::path& beside,
                                                std::span<const std::string_view> parts,
                                                fs::path& written) {
    std::string temporary = beside.native() + ".XXXXXX";
    const int fd = ::mkstemp(temporary.data());
    if (fd < 0) {
        return last_error();
    }
    std::error_code error;
    for (const std::string_view part : parts) {
        if (!write_all(fd, part)) {
            error = last_error();
            break;
        }
    }
    // close() reports what a full disk left unwritten on file systems that write back late.
    if (::close(fd) != 0 && !error) {
        error = last_error();
    }
    if (error) {
        ::unlink(temporary.c_str());
        return error;
    }
    written = std::move(temporary);
    return {};
}

} // namespace

FileSystem& real_file_system() {
    static PosixFileSystem files;
    return files;
}

} // namespace rev
