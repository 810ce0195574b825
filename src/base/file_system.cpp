#include <rev/file_system.hpp>

namespace rev {

std::error_code InputFile::read_all(std::string& text) {
    // One byte more than the hint, so that the end is seen without growing the buffer.
    text.clear();
    text.resize(static_cast<std::size_t>(status().size) + 1);
    std::size_t used = 0;
    while (true) {
        if (used == text.size()) {
            text.resize(text.size() * 2 + 4096);
        }
        std::size_t got = 0;
        const std::error_code error = read_some(text.data() + used, text.size() - used, got);
        if (error == std::errc::interrupted) {
            continue;
        }
        if (error) {
            return error;
        }
        if (got == 0) {
            break;
        }
        used += got;
    }
    text.resize(used);
    return {};
}

std::error_code InputFile::view_all(std::string_view& text) {
    const std::error_code error = read_all(m_viewed);
    text = m_viewed;
    return error;
}

std::error_code Folder::read_file(const std::string& relative, std::string& text,
                                  FileStatus& status) const {
    std::unique_ptr<InputFile> file;
    if (const std::error_code error = open(relative, file)) {
        return error;
    }
    status = file->status();
    return file->read_all(text);
}

std::error_code FileSystem::read_file(const std::filesystem::path& path, std::string& text) {
    std::unique_ptr<InputFile> file;
    if (const std::error_code error = open(path, file)) {
        return error;
    }
    return file->read_all(text);
}

} // namespace rev
