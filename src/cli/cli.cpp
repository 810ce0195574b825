#include "cli.hpp"

#include "command_shape.hpp"
#include "json.hpp"
#include "option_value.hpp"
#include "terminal.hpp"

#include <rev/database_targets.hpp>
#include <rev/error.hpp>
#include <rev/interrupt.hpp>
#include <rev/loader.hpp>
#include <rev/metrics.hpp>
#include <rev/migrate.hpp>
#include <rev/revision_set.hpp>
#include <rev/version.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace rev::cli {

void add_global_options(po::options_description& options, GlobalOptions& global) {
    options.add_options() //
        ("config,c", po::value(&global.config)->value_name("FILE"),
         "migrate.toml to use (default: the nearest one in this folder or above)") //
        ("url", po::value(&global.url)->value_name("URL"),
         "database URL; overrides REV_DATABASE_URL, DATABASE_URL and migrate.toml") //
        ("target,t", po::value(&global.target)->value_name("NAME"),
         "run on the database [targets.NAME] of migrate.toml") //
        ("group,g", po::value(&global.group)->value_name("NAME"),
         "run on every database of [groups.NAME], in parallel") //
        ("jobs,j", count_value("--jobs", global.jobs)->value_name("N"),
         "with --group: databases at once (default: the cores, at most 8)") //
        ("fail-fast", po::bool_switch(&global.fail_fast),
         "with --group: start no more databases after one fails") //
        ("quiet,q", po::bool_switch(&global.quiet), "print only errors and results");
}

void add_top_level_options(po::options_description& options, GlobalOptions& global) {
    add_global_options(options, global);
    options.add_options()("help,h", "show this help")("version", "print rev's version");
}

namespace {

// How much less CPU a load in the background gets than the command waiting on the database.
constexpr int k_background_nice = 5;

const Command* find_command(std::string_view name) {
    for (const Command& command : commands()) {
        if (command.name == name) {
            return &command;
        }
    }
    return nullptr;
}

// The command the user named; a typo gets a suggestion.
const Command& command_for(const std::string& name) {
    if (const Command* command = find_command(name)) {
        return *command;
    }
    std::vector<std::string_view> names;
    for (const Command& known : commands()) {
        names.push_back(known.name);
    }
    throw UsageError("unknown command '" + name + "'" + did_you_mean(closest_match(name, names)) +
                     " (see 'rev --help')");
}

void print_overview(std::ostream& out, const po::options_description& global) {
    out << "Usage: rev [global options] COMMAND [options] [arguments]\n\n"
           "rev applies a graph of SQL revisions to a database, step by step.\n\nCommands:\n";
    for (const Command& command : commands()) {
        out << "  " << command.name << std::string(12 - command.name.size(), ' ') << command.summary
            << "\n";
    }
    out << "\n" << global << "\nRun 'rev COMMAND --help' for a command's options.\n";
}

// Boost.Program_options style parser that hands everything from the command name on to the
// command, so that `rev heads -h` reaches `heads` instead of the global --help.
std::vector<po::option> split_at_command(std::vector<std::string>& args) {
    std::vector<po::option> result;
    if (args.empty() || args.front().starts_with("-")) {
        return result;
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        po::option option(i == 0 ? "command" : "args", {args[i]});
        option.original_tokens = {args[i]};
        option.position_key = static_cast<int>(i);
        result.push_back(std::move(option));
    }
    args.clear();
    return result;
}

// Targets such as -1 look like short options to Boost.Program_options; claim them as
// positional arguments, so that `rev downgrade -1` works as in Alembic.
std::vector<po::option> negative_numbers_are_arguments(std::vector<std::string>& args) {
    std::vector<po::option> result;
    const std::string& token = args.front();
    if (token.size() > 1 && token[0] == '-' &&
        token.find_first_not_of("0123456789", 1) == std::string::npos) {
        po::option option("", {token});
        option.original_tokens = {token};
        result.push_back(std::move(option));
        args.erase(args.begin());
    }
    return result;
}

int dispatch(Context& context, int argc, char** argv) {
    GlobalOptions global;
    po::options_description visible("Global options");
    add_top_level_options(visible, global);
    po::options_description all;
    all.add(visible).add_options()            //
        ("command", po::value<std::string>()) //
        ("args", po::value<std::vector<std::string>>());

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv)
                      .options(all)
                      .extra_style_parser(split_at_command)
                      .run(),
                  vm);
        po::notify(vm);
    } catch (const OptionValueError& error) {
        throw UsageError(error.what());
    } catch (const po::error& error) {
        throw UsageError(std::string(error.what()) + " (see 'rev --help')");
    }
    if (vm.count("version") != 0) {
        std::cout << "rev " << k_version << "\n";
        return 0;
    }
    if (vm.count("help") != 0 || vm.count("command") == 0) {
        print_overview(vm.count("help") != 0 ? std::cout : std::cerr, visible);
        return vm.count("help") != 0 ? 0 : k_exit_usage;
    }
    const Command& command = command_for(vm["command"].as<std::string>());
    const Args args = vm.count("args") != 0 ? vm["args"].as<Args>() : Args{};
    merge_global_options(global, global_options_among(args));
    check_database_choice(global);
    context.options() = global;
    if (!global.group.empty()) {
        return run_on_group(context, command, args);
    }
    return command.run(context, args);
}

} // namespace

Context::Context(GlobalOptions options, std::ostream& out)
    : m_options(std::move(options)), m_out(out), m_err(std::cerr) {}

const Config& Context::config() {
    if (!m_config) {
        m_config = load_selected_config();
    }
    return *m_config;
}

const RevisionGraph& Context::graph() {
    if (!m_graph) {
        m_graph = std::make_shared<const RevisionGraph>(
            m_graph_loading.valid() ? m_graph_loading.get()
                                    : load_revision_graph(config().revisions_dir));
    }
    return *m_graph;
}

void Context::load_graph_in_background() {
    if (!m_graph && !m_graph_loading.valid()) {
        m_graph_loading = std::async(std::launch::async, [directory = config().revisions_dir] {
            // The database's first query (SQLite parses the whole schema) is what the command
            // waits for at thousands of tables; the load and its stat threads, which inherit
            // this, yield a shared core to it. On Linux nice(2) is per thread. A failure only
            // leaves the priority as it was.
            static_cast<void>(::nice(k_background_nice));
            return load_revision_graph(directory);
        });
    }
}

std::ostream& Context::progress() {
    static std::ostream null_stream(nullptr);
    if (m_options.quiet) {
        return null_stream;
    }
    // A JSON document is all that standard output may hold.
    return m_json ? std::cerr : m_out;
}

void Context::warn(const std::string& message) {
    m_err << warning_prefix() << message << "\n";
}

VersionTables Context::version_tables() {
    return {config().version_table, config().version_schema};
}

std::unique_ptr<Database> Context::connect(IfMissing if_missing) {
    return rev::connect(database_url(), version_tables(), if_missing);
}

std::chrono::milliseconds Context::lock_timeout(std::optional<double> seconds) {
    const double wait = seconds ? *seconds : config().lock_timeout_seconds;
    // Capped at a century, so that a huge number of seconds cannot overflow the milliseconds.
    constexpr double k_longest = 100.0 * 365 * 24 * 3600;
    return std::chrono::milliseconds(static_cast<long long>(std::min(wait, k_longest) * 1000));
}

CommandLine::CommandLine(const Command& command) : m_command(command), m_options("Options") {}

bool asks_for_json(const Args& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--format=json" ||
            (args[i] == "--format" && i + 1 < args.size() && args[i + 1] == "json")) {
            return true;
        }
    }
    return false;
}

void CommandLine::add_format() {
    m_options.add_options()(
        "format", choice_value("--format", m_format, {"text", "json"})->value_name("FORMAT"),
        "'text' (default) or 'json'");
}

void CommandLine::add_positional(const char* name, int max, const po::value_semantic* semantic,
                                 const char* description) {
    m_hidden.add_options()(name, semantic, description);
    m_positional.add(name, max);
    m_positional_help += std::string("  ") + name +
                         std::string(18 - std::string(name).size(), ' ') + description + "\n";
}

void CommandLine::print_help(std::ostream& out, const po::options_description& global) const {
    out << "Usage: rev " << m_command.name << (m_command.usage.empty() ? "" : " ")
        << m_command.usage << "\n\n"
        << m_command.summary << "\n\n";
    if (!m_positional_help.empty()) {
        out << "Arguments:\n" << m_positional_help << "\n";
    }
    out << m_options << "\n" << global;
}

UsageError CommandLine::usage_error(const po::error& error) const {
    if (dynamic_cast<const OptionValueError*>(&error) != nullptr) {
        return UsageError(error.what());
    }
    const std::string see = " (see 'rev " + std::string(m_command.name) + " --help')";
    // Boost names a missing positional argument as if it were an option ("--TARGET").
    if (const auto* missing = dynamic_cast<const po::required_option*>(&error)) {
        const std::string name = missing->get_option_name().substr(2);
        if (m_hidden.find_nothrow(name, false) != nullptr) {
            return UsageError("missing " + name + see);
        }
    }
    return UsageError(error.what() + see);
}

bool CommandLine::parse(Context& context, const Args& args) {
    m_options.add_options()("help,h", "show this help");
    if (CommandShape* shape = context.shape()) {
        record_shape(*shape, m_options, m_hidden, m_positional);
        return false;
    }
    // Global options may also follow the command name; they add to those given before it.
    GlobalOptions after;
    po::options_description global("Global options");
    add_global_options(global, after);
    po::options_description all;
    all.add(m_options).add(global).add(m_hidden);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args)
                      .options(all)
                      .positional(m_positional)
                      .extra_style_parser(negative_numbers_are_arguments)
                      .run(),
                  vm);
        if (vm.count("help") != 0) {
            print_help(context.out(), global);
            return false;
        }
        po::notify(vm);
    } catch (const po::error& error) {
        // A script that asked for JSON gets its usage error as JSON too.
        context.use_json(asks_for_json(args));
        throw usage_error(error);
    }
    context.use_json(m_format == "json");
    // A group's database keeps the choice its group run made for it.
    if (!context.keeps_json()) {
        merge_global_options(context.options(), after);
    }
    return true;
}

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"init", "[DIR]", "Create migrate.toml and an empty versions/ folder.", cmd_init},
        {"new", "-m MESSAGE [options]", "Create a revision on top of the head.", cmd_new},
        {"merge", "-m MESSAGE [REV...]", "Create a revision that merges heads.", cmd_merge},
        {"heads", "[-v]", "Show the heads of the graph.", cmd_heads},
        {"branches", "[-v]", "Show the branch points and where they lead.", cmd_branches},
        {"history", "[-r RANGE] [-v]", "Show the graph, newest first.", cmd_history},
        {"show", "REV", "Show one revision in full.", cmd_show},
        {"graph", "", "Print the graph in Graphviz DOT.", cmd_graph},
        {"upgrade", "TARGET [options]", "Apply revisions up to TARGET.", cmd_upgrade},
        {"downgrade", "TARGET [options]", "Revert revisions down to TARGET.", cmd_downgrade},
        {"stamp", "TARGET [--purge]", "Record TARGET as applied without running scripts.",
         cmd_stamp},
        {"current", "[-v]", "Show the revisions the database is at.", cmd_current},
        {"status", "", "Show applied and pending revisions.", cmd_status},
        {"log", "[-n N]", "Show the database's event log, newest first.", cmd_log},
        {"check", "[--up-to-date] [--format json]",
         "Check the folder and the database; exit 1 on findings, 3 if unable.", cmd_check},
        {"rehash", "REV...", "Accept applied revisions' changed files as the new truth.",
         cmd_rehash},
        {"resolve", "REV --applied|--reverted",
         "Record how a step that failed outside a transaction was settled.", cmd_resolve},
        {"schema", "[--format json]", "Print the configured database's schema.", cmd_schema},
        {"verify", "[RANGE] [options]",
         "Prove on a scratch database that each down.sql undoes its up.sql.", cmd_verify},
        {"lint", "[RANGE] [options]",
         "Report changes that lose data or break running code; exit 1 if not allowed.", cmd_lint},
        {"completion", "bash|zsh|fish", "Print a shell completion script for rev.", cmd_completion},
        {"man", "", "Print rev's manual page, rev(1), in roff ('rev man | man -l -').", cmd_man},
    };
    return table;
}

const Command& command_named(std::string_view name) {
    if (const Command* command = find_command(name)) {
        return *command;
    }
    throw std::logic_error("no command named " + std::string(name));
}

namespace {

// The exit status for `error`, having said it on standard error.
int report_error(const std::exception& error) {
    const std::string prefix = error_prefix();
    if (const auto* usage = dynamic_cast<const UsageError*>(&error)) {
        std::cerr << prefix << usage->what() << "\n";
        return k_exit_usage;
    }
    if (const auto* interrupted = dynamic_cast<const InterruptedError*>(&error)) {
        std::cerr << prefix << interrupted->what() << "\n";
        return k_exit_interrupted;
    }
    if (const auto* load = dynamic_cast<const LoadError*>(&error)) {
        for (const Diagnostic& defect : load->defects()) {
            std::cerr << prefix << defect.to_string() << "\n";
        }
        return k_exit_error;
    }
    if (dynamic_cast<const Error*>(&error) == nullptr) {
        std::cerr << "rev: internal error: " << error.what() << "\n";
        return k_exit_error;
    }
    // A refusal may list several problems, one per line.
    std::istringstream lines(error.what());
    for (std::string line; std::getline(lines, line);) {
        std::cerr << prefix << line << "\n";
    }
    return k_exit_error;
}

} // namespace

int run(int argc, char** argv) {
    // The one catch: every rev::Error becomes one line per defect and an exit status, and, for
    // a command asked for JSON, a JSON object on standard output too.
    Context context(GlobalOptions{}, std::cout);
    int status = 0;
    try {
        status = dispatch(context, argc, argv);
    } catch (const std::exception& error) {
        status = report_error(error);
        if (context.json()) {
            print_json(context, error_json(error, status));
        }
    }
    if (Metric::enabled()) {
        std::cout.flush();
        report_metrics(std::cerr);
    }
    return status;
}

} // namespace rev::cli
