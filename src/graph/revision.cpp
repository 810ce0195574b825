#include <rev/revision.hpp>

#include <algorithm>
#include <array>

namespace rev {

bool is_reserved_name(std::string_view text) {
    static constexpr std::array<std::string_view, 4> reserved = {"head", "heads", "base",
                                                                 "current"};
    return std::find(reserved.begin(), reserved.end(), text) != reserved.end();
}

bool is_valid_name(std::string_view text) {
    const auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    };
    return !text.empty() && std::all_of(text.begin(), text.end(), allowed) &&
           !is_reserved_name(text);
}

} // namespace rev
