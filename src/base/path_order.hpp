#pragma once

#include <algorithm>
#include <filesystem>
#include <string_view>

namespace rev::detail {

// True when path_less() orders `path` the way std::filesystem::path does: no repeated slashes.
inline bool is_plain_path(std::string_view path) {
    return path.find("//") == std::string_view::npos;
}

// std::filesystem::path's order (one component at a time) on plain strings, without splitting
// them into components: a '/' sorts before every other byte. Comparing paths is what sorting
// thousands of revisions by folder spends its time on. Both paths must be plain, and both
// absolute or both relative.
inline bool path_less(std::string_view a, std::string_view b) {
    const auto [in_a, in_b] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    if (in_b == b.end()) {
        return false;
    }
    if (in_a == a.end()) {
        return true;
    }
    const auto rank = [](char c) {
        return c == '/' ? 0U : static_cast<unsigned>(static_cast<unsigned char>(c)) + 1;
    };
    return rank(*in_a) < rank(*in_b);
}

} // namespace rev::detail
