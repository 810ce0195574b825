#include "db/script_position.hpp"

#include <algorithm>
#include <cctype>

namespace rev::db {

int line_at(const std::string& text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(
                   std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

int line_at_character(const std::string& text, long position) {
    int line = 1;
    long characters = 0;
    for (char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++characters >= position) {
            break;
        }
        if (c == '\n') {
            ++line;
        }
    }
    return line;
}

std::size_t statement_start(const std::string& text, std::size_t from) {
    while (from < text.size()) {
        if (std::isspace(static_cast<unsigned char>(text[from])) != 0) {
            ++from;
        } else if (text.compare(from, 2, "--") == 0) {
            from = std::min(text.find('\n', from), text.size());
        } else if (text.compare(from, 2, "/*") == 0) {
            const std::size_t end = text.find("*/", from + 2);
            from = end == std::string::npos ? text.size() : end + 2;
        } else {
            break;
        }
    }
    return from;
}

} // namespace rev::db
