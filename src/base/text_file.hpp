#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace rev::detail {

// UTF-8's byte-order mark, which some Windows editors put at the start of a file.
inline constexpr std::string_view k_byte_order_mark = "\xEF\xBB\xBF";

// A place in a text, as editors show it.
struct TextPosition {
    int line = 1;   // from 1
    int column = 1; // in characters from the start of the line, from 1
};

// The position of byte `offset` of `text`, which must be UTF-8 before it. A leading byte-order
// mark is not counted as a column.
TextPosition position_of(std::string_view text, std::size_t offset);

// Where a text stops being UTF-8: the first byte of the first sequence that is not.
struct Utf8Defect {
    std::size_t offset = 0; // in bytes, from 0
    TextPosition position;
    unsigned char byte = 0;
};

// The first defect of `text` as UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF, no truncated sequence), or nullopt when it is valid.
std::optional<Utf8Defect> find_invalid_utf8(std::string_view text);

// Throws RefusedError when `text`, read from `path`, is not UTF-8 text:
//     versions/a1/up.sql:2: not valid UTF-8 (byte 0xE9 at column 7); save the file as UTF-8
// A NUL byte is refused too, because SQLite and libpq silently ignore everything after it.
void require_text(std::string_view text, const std::filesystem::path& path);

} // namespace rev::detail
