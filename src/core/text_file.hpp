#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace rev::detail {

// The whole file as bytes; empty when it cannot be read (the caller says what that means).
std::optional<std::string> read_text_file(const std::filesystem::path& path);

} // namespace rev::detail
