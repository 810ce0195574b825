#include "command_shape.hpp"

#include <ostream>

namespace rev::cli {

ValueKind value_kind_of(const std::string& placeholder) {
    // Placeholders as the handlers name them; "RANGE" is LOWER:UPPER, so its ends are targets.
    if (placeholder == "REV" || placeholder == "TARGET" || placeholder == "RANGE") {
        return ValueKind::revision;
    }
    if (placeholder == "FILE") {
        return ValueKind::file;
    }
    if (placeholder == "DIR") {
        return ValueKind::directory;
    }
    return ValueKind::none;
}

ValueKind OptionShape::value_kind() const {
    return value_kind_of(value_name);
}

std::string OptionShape::synopsis() const {
    std::string text = short_name;
    if (!long_name.empty()) {
        text += (text.empty() ? "--" : ", --") + long_name;
    }
    return value_name.empty() ? text : text + " " + value_name;
}

ValueKind ArgumentShape::value_kind() const {
    return value_kind_of(name);
}

namespace {

OptionShape option_shape(const po::option_description& option) {
    OptionShape shape;
    shape.long_name = option.long_name();
    // The short name is what canonical_display_name gives for short style, when it has one.
    const std::string short_name =
        option.canonical_display_name(po::command_line_style::allow_dash_for_short);
    if (short_name.size() == 2 && short_name[0] == '-') {
        shape.short_name = short_name;
    }
    if (option.semantic()->max_tokens() > 0) {
        // Boost appends " (=DEFAULT)" to a value's name when it has a default.
        const std::string name = option.semantic()->name();
        shape.value_name = name.substr(0, name.find(' '));
    }
    shape.description = option.description();
    return shape;
}

} // namespace

std::vector<OptionShape> option_shapes(const po::options_description& options) {
    std::vector<OptionShape> shapes;
    for (const auto& option : options.options()) {
        shapes.push_back(option_shape(*option));
    }
    return shapes;
}

void record_shape(CommandShape& shape, const po::options_description& options,
                  const po::options_description& arguments,
                  const po::positional_options_description& positional) {
    shape.options = option_shapes(options);
    const unsigned count = positional.max_total_count();
    for (unsigned position = 0; position < count; ++position) {
        const std::string& name = positional.name_for_position(position);
        if (!shape.arguments.empty() && shape.arguments.back().name == name) {
            // A repeating argument owns every position from here on.
            shape.arguments.back().repeats = true;
            break;
        }
        shape.arguments.push_back({name, false, arguments.find(name, false).description()});
    }
}

CommandShape describe(const Command& command) {
    CommandShape shape{std::string(command.name),
                       std::string(command.usage),
                       std::string(command.summary),
                       {},
                       {}};
    std::ostream nowhere(nullptr);
    Context context(GlobalOptions{}, nowhere);
    context.describe_into(&shape);
    command.run(context, {});
    return shape;
}

std::vector<CommandShape> describe_commands() {
    std::vector<CommandShape> shapes;
    for (const Command& command : commands()) {
        shapes.push_back(describe(command));
    }
    return shapes;
}

std::vector<OptionShape> top_level_options() {
    GlobalOptions unused;
    po::options_description options;
    add_top_level_options(options, unused);
    return option_shapes(options);
}

std::vector<OptionShape> global_options() {
    GlobalOptions unused;
    po::options_description options;
    add_global_options(options, unused);
    return option_shapes(options);
}

} // namespace rev::cli
