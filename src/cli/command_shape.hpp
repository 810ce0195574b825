#pragma once

#include "cli.hpp"

#include <string>
#include <vector>

// A command's options and arguments as its handler declares them, read back for the shell
// completion scripts and the man page, so that neither keeps a list of its own.
namespace rev::cli {

// What a shell can offer for a value: revisions and targets come from the project.
enum class ValueKind { none, revision, file, directory };

struct OptionShape {
    std::string long_name;  // without "--"; may be empty
    std::string short_name; // "-c", or empty
    std::string value_name; // "FILE"; empty for a switch
    std::string description;

    ValueKind value_kind() const;
    // "-c, --config FILE", as the man page and help list it.
    std::string synopsis() const;
};

struct ArgumentShape {
    std::string name;     // "TARGET"
    bool repeats = false; // takes every remaining argument
    std::string description;

    ValueKind value_kind() const;
};

struct CommandShape {
    std::string name;
    std::string usage;
    std::string summary;
    std::vector<OptionShape> options; // the command's own, --help last
    std::vector<ArgumentShape> arguments;
};

// The kind of value a placeholder such as REV, TARGET, RANGE, FILE or DIR stands for.
ValueKind value_kind_of(const std::string& placeholder);

// The options a program_options description declares, in order.
std::vector<OptionShape> option_shapes(const po::options_description& options);

// What CommandLine::parse hands over in place of parsing (Context::describe_into).
void record_shape(CommandShape& shape, const po::options_description& options,
                  const po::options_description& arguments,
                  const po::positional_options_description& positional);

// Runs `command`'s handler far enough to learn its options and arguments; it does no work.
CommandShape describe(const Command& command);

// Every command in the table, described.
std::vector<CommandShape> describe_commands();

// The options `rev` takes before a command name: the global ones, --help and --version.
std::vector<OptionShape> top_level_options();
// The options every command also takes (-c, --url, -q).
std::vector<OptionShape> global_options();

} // namespace rev::cli
