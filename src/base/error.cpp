#include <rev/error.hpp>

#include <utility>

namespace rev {

Error::Error(std::string message) : m_message(std::move(message)), m_full(m_message) {}

void Error::add_context(std::string_view context) {
    m_full = std::string(context) + ": " + m_full;
}

void Error::add_note(std::string_view note) {
    m_full += " (";
    m_full += note;
    m_full += ')';
}

std::string Diagnostic::to_string() const {
    std::string location = display_path(file);
    if (line > 0) {
        location += ':';
        location += std::to_string(line);
    }
    return location + ": " + message;
}

void Diagnostics::add(std::filesystem::path file, int line, std::string message) {
    m_items.push_back({std::move(file), line, std::move(message)});
}

void Diagnostics::throw_if_any() const {
    if (!m_items.empty()) {
        throw LoadError(m_items);
    }
}

namespace {

std::string join_lines(const std::vector<Diagnostic>& defects) {
    std::string text;
    for (const Diagnostic& defect : defects) {
        if (!text.empty()) {
            text += '\n';
        }
        text += defect.to_string();
    }
    return text;
}

} // namespace

LoadError::LoadError(std::vector<Diagnostic> defects)
    : Error(join_lines(defects)), m_defects(std::move(defects)) {}

std::string display_path(const std::filesystem::path& path) {
    std::error_code ec;
    const std::filesystem::path cwd = std::filesystem::current_path(ec);
    if (ec || path.is_relative()) {
        return path.lexically_normal().string();
    }
    const std::filesystem::path relative = path.lexically_relative(cwd);
    if (relative.empty() || *relative.begin() == "..") {
        return path.lexically_normal().string();
    }
    return relative.string();
}

} // namespace rev
