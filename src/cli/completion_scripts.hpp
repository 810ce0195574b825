#pragma once

#include "command_shape.hpp"

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

// The shell completion scripts `rev completion SHELL` prints, written from the command table.
namespace rev::cli {

// What every script is written from.
struct CompletionModel {
    std::vector<CommandShape> commands;
    std::vector<OptionShape> top_level; // before a command name
    std::vector<OptionShape> global;    // after any command name too
};

CompletionModel completion_model();

struct ShellScript {
    std::string_view shell;
    void (*write)(std::ostream& out, const CompletionModel& model);
};

// bash, zsh and fish.
const std::vector<ShellScript>& shell_scripts();

// `text` as one single-quoted word of a POSIX shell (and fish).
std::string shell_quoted(std::string_view text);

// The spellings of an option: "-c" and "--config".
std::vector<std::string> spellings(const OptionShape& option);

// The data functions bash and zsh share: _rev_option_value COMMAND OPTION prints the kind of
// value OPTION takes (failing for a switch), _rev_argument COMMAND N that of the Nth argument.
void write_shape_functions(std::ostream& out, const CompletionModel& model);

void write_bash(std::ostream& out, const CompletionModel& model);
void write_zsh(std::ostream& out, const CompletionModel& model);
void write_fish(std::ostream& out, const CompletionModel& model);

} // namespace rev::cli
