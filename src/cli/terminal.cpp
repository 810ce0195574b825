#include "terminal.hpp"

#include <unistd.h>

#include <cstdlib>

namespace rev::cli {

bool is_terminal(int fd) {
    return fd >= 0 && ::isatty(fd) == 1;
}

bool colour_for(int fd) {
    const char* no_colour = std::getenv("NO_COLOR");
    return is_terminal(fd) && (no_colour == nullptr || *no_colour == '\0');
}

std::string paint(std::string_view text, Colour colour, bool on) {
    if (!on) {
        return std::string(text);
    }
    // SGR codes: 31 red, 33 yellow, 32 green; 0 resets.
    static constexpr const char* codes[] = {"\x1b[31m", "\x1b[33m", "\x1b[32m"};
    return codes[static_cast<int>(colour)] + std::string(text) + "\x1b[0m";
}

std::string error_prefix() {
    return paint("rev: error:", Colour::red, colour_for(STDERR_FILENO)) + " ";
}

std::string warning_prefix() {
    return paint("rev: warning:", Colour::yellow, colour_for(STDERR_FILENO)) + " ";
}

} // namespace rev::cli
