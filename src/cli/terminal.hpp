#pragma once

#include <string>
#include <string_view>

// What rev may do to a terminal: colour only there, and never when NO_COLOR is set to anything
// (no-color.org), so that a log file or a pipe gets plain text.
namespace rev::cli {

enum class Colour { red, yellow, green };

// Whether `fd` (1 or 2) is a terminal.
bool is_terminal(int fd);

// Whether text written to `fd` may carry colour: a terminal, and NO_COLOR unset or empty.
bool colour_for(int fd);

// `text` in `colour` when `on`, else `text` as it is.
std::string paint(std::string_view text, Colour colour, bool on);

// "rev: error: " and "rev: warning: " as standard error shows them: red and yellow there when
// it is a terminal.
std::string error_prefix();
std::string warning_prefix();

} // namespace rev::cli
