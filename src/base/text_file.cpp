#include "base/text_file.hpp"

#include <rev/error.hpp>

#include <cstdio>

namespace rev::detail {

namespace {

// The length of the UTF-8 sequence at `at`, or 0 when it is not one.
std::size_t sequence_length(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t length = 0;
    // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and code points
    // above U+10FFFF (F4); C0, C1 and F5..FF never start a sequence.
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (at + length > text.size() || byte(at + 1) < low || byte(at + 1) > high) {
        return 0;
    }
    for (std::size_t i = at + 2; i < at + length; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) {
            return 0;
        }
    }
    return length;
}

std::string hex_byte(unsigned char byte) {
    char text[8];
    std::snprintf(text, sizeof(text), "0x%02X", byte);
    return text;
}

} // namespace

TextPosition position_of(std::string_view text, std::size_t offset) {
    TextPosition position;
    std::size_t at = text.starts_with(k_byte_order_mark) ? k_byte_order_mark.size() : 0;
    for (; at < offset && at < text.size(); ++at) {
        const auto byte = static_cast<unsigned char>(text[at]);
        if (byte == '\n') {
            ++position.line;
            position.column = 1;
        } else if ((byte & 0xC0) != 0x80) {
            ++position.column;
        }
    }
    return position;
}

std::optional<Utf8Defect> find_invalid_utf8(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t length = sequence_length(text, at);
        if (length == 0) {
            return Utf8Defect{at, position_of(text, at), static_cast<unsigned char>(text[at])};
        }
        at += length;
    }
    return std::nullopt;
}

void require_text(std::string_view text, const std::filesystem::path& path) {
    const std::optional<Utf8Defect> defect = find_invalid_utf8(text);
    const std::size_t nul = text.find('\0');
    if (nul != std::string_view::npos && (!defect || nul < defect->offset)) {
        const TextPosition at = position_of(text, nul);
        throw RefusedError(display_path(path) + ":" + std::to_string(at.line) +
                           ": a NUL byte at column " + std::to_string(at.column) +
                           " would make the database ignore the rest of the file; remove it");
    }
    if (defect) {
        throw RefusedError(display_path(path) + ":" + std::to_string(defect->position.line) +
                           ": not valid UTF-8 (byte " + hex_byte(defect->byte) + " at column " +
                           std::to_string(defect->position.column) + "); save the file as UTF-8");
    }
}

} // namespace rev::detail
