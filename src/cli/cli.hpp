#pragma once

#include <rev/config.hpp>
#include <rev/connect.hpp>
#include <rev/error.hpp>
#include <rev/graph.hpp>
#include <rev/plan.hpp>

#include <boost/program_options.hpp>
#include <toml++/toml.h>

#include <chrono>
#include <future>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rev::cli {

namespace po = boost::program_options;
using Args = std::vector<std::string>;

// Exit statuses (docs/commands.md): 1 is any error, and what `rev check` found.
constexpr int k_exit_error = 1;
constexpr int k_exit_findings = 1;
constexpr int k_exit_usage = 2;
// `rev check` could not look: no config, an unreachable database.
constexpr int k_exit_unchecked = 3;
// Ctrl-C (SIGINT) or SIGTERM, as shells report a process killed by SIGINT.
constexpr int k_exit_interrupted = 130;

// Options that every command accepts, before or after its name.
// Empty strings stand for "not given".
struct GlobalOptions {
    std::string config;
    std::string url;
    // -t NAME: a [targets.NAME] of migrate.toml; -g NAME: every database of a [groups.NAME],
    // `jobs` at a time (0: the default), stopping at the first failure with `fail_fast`.
    std::string target;
    std::string group;
    std::size_t jobs = 0;
    bool fail_fast = false;
    bool quiet = false;
};

// Declares -c, --url and -q, which every command accepts; the top level adds --help and
// --version.
void add_global_options(po::options_description& options, GlobalOptions& global);
void add_top_level_options(po::options_description& options, GlobalOptions& global);

struct CommandShape;

// What a command did to its database, for the line a group run prints for it.
struct TargetSummary {
    // Moves: how many revisions they moved, and the verb ("upgraded").
    std::optional<std::size_t> steps;
    std::string verb;
    // Where the database is, when the command found out.
    std::optional<RevisionGraph::Vertices> at;
};

// What a command needs from the run: options, the project's config and graph (loaded on first
// use, so `--help` and `init` need neither), and where to print.
class Context {
public:
    Context(GlobalOptions options, std::ostream& out);
    // The command's run on one database of a group (group_run.cpp): `config` is config_for
    // that database, the graph is `parent`'s, loaded already and shared; output and warnings go
    // to `out` and `err`, progress nowhere, and a JSON document is kept, not printed.
    Context(Context& parent, Config config, std::ostream& out, std::ostream& err);

    GlobalOptions& options() { return m_options; }
    const Config& config();
    const RevisionGraph& graph();
    // Starts loading the graph in another thread, for a command that reads the database
    // meanwhile: on SQLite the first query parses the whole schema, which at thousands of
    // tables takes as long as the load. graph() waits for it and throws what it threw.
    void load_graph_in_background();
    std::ostream& out() { return m_out; }
    // Progress goes here (standard error when the output is JSON); -q silences it.
    std::ostream& progress();
    // Whether the command was asked for `--format json`.
    bool json() const { return m_json; }
    void use_json(bool json) { m_json = json; }
    // Set while the man page and completion scripts read a command's options: CommandLine::parse
    // records them in `shape` and returns false, so the handler stops before doing anything.
    void describe_into(CommandShape* shape) { m_shape = shape; }
    CommandShape* shape() const { return m_shape; }

    // --url, else REV_DATABASE_URL, else DATABASE_URL, else the config's ([database] url, or
    // that of the target -t or [database] default names), its ${VAR}s replaced.
    DatabaseUrl database_url();
    bool has_database_url();
    // Prints "rev: warning: MESSAGE" on stderr, even with -q.
    void warn(const std::string& message);
    VersionTables version_tables();
    std::unique_ptr<Database> connect(IfMissing if_missing);
    // How long to wait for another rev: `seconds` when given (--lock-timeout), else [run]
    // lock_timeout.
    std::chrono::milliseconds lock_timeout(std::optional<double> seconds = std::nullopt);

    // What the command did, for a group run's report.
    TargetSummary& summary() { return m_summary; }
    // For a run on a group's database: the JSON document print_json() kept instead of printing.
    bool keeps_json() const { return m_kept_json != nullptr; }
    toml::table& kept_json() { return *m_kept_json; }

private:
    struct GivenUrl {
        std::string url;
        // Who wrote it, for an unset ${VAR}; empty for URLs from the command line or the
        // environment, whose variables the shell has replaced already.
        std::string source;
    };
    GivenUrl url_given();
    Config load_selected_config();

    GlobalOptions m_options;
    std::ostream& m_out;
    std::ostream& m_err;
    bool m_json = false;
    CommandShape* m_shape = nullptr;

    // The URL is the config's, whatever the environment says: -t or a group's database.
    bool m_url_is_chosen = false;
    std::optional<Config> m_config;
    std::shared_ptr<const RevisionGraph> m_graph;
    std::future<RevisionGraph> m_graph_loading;
    TargetSummary m_summary;
    std::unique_ptr<toml::table> m_kept_json;
};

// One row of the command table: `rev NAME ...` runs `run`.
struct Command {
    std::string_view name;
    std::string_view usage;   // after "rev NAME "
    std::string_view summary; // one line, for `rev --help` and `rev NAME --help`
    int (*run)(Context& context, const Args& args);
};

// Parses one command's arguments with Boost.Program_options, adding --help and the global
// options to what the command declares.
class CommandLine {
public:
    explicit CommandLine(const Command& command);

    po::options_description_easy_init add_options() { return m_options.add_options(); }
    // Declares `--format text|json`; parse() checks it and tells the context.
    void add_format();
    // Declares the next positional argument; `max` -1 takes all that remain.
    void add_positional(const char* name, int max, const po::value_semantic* semantic,
                        const char* description);
    // Parses `args`; prints help and returns false on --help. Throws UsageError.
    bool parse(Context& context, const Args& args);

private:
    void print_help(std::ostream& out, const po::options_description& global) const;
    UsageError usage_error(const po::error& error) const;

    const Command& m_command;
    po::options_description m_options;
    po::options_description m_hidden;
    po::positional_options_description m_positional;
    std::string m_positional_help;
    std::string m_format = "text";
};

const std::vector<Command>& commands();
// Declares the global options (cli.cpp).
void add_global_options(po::options_description& options, GlobalOptions& global);
// Adds the global options given after the command name to those given before it
// (database_choice.cpp, as the two below).
void merge_global_options(GlobalOptions& options, const GlobalOptions& after);
// The global options among a command's arguments.
GlobalOptions global_options_among(const Args& args);
// Throws UsageError for choices that exclude each other (--url, -t, -g).
void check_database_choice(const GlobalOptions& options);
// Whether `args` ask for `--format json`, before they are parsed.
bool asks_for_json(const Args& args);
// Runs `command` on every database of the group `context.options().group` (group_run.cpp).
int run_on_group(Context& context, const Command& command, const Args& args);
// The table row called `name`; a handler uses it to describe itself in --help.
const Command& command_named(std::string_view name);

int run(int argc, char** argv);

// Command handlers, grouped by file.
int cmd_init(Context& context, const Args& args);
int cmd_new(Context& context, const Args& args);
int cmd_merge(Context& context, const Args& args);
int cmd_heads(Context& context, const Args& args);
int cmd_branches(Context& context, const Args& args);
int cmd_history(Context& context, const Args& args);
int cmd_show(Context& context, const Args& args);
int cmd_graph(Context& context, const Args& args);
int cmd_upgrade(Context& context, const Args& args);
int cmd_downgrade(Context& context, const Args& args);
int cmd_stamp(Context& context, const Args& args);
int cmd_current(Context& context, const Args& args);
int cmd_status(Context& context, const Args& args);
int cmd_log(Context& context, const Args& args);
int cmd_check(Context& context, const Args& args);
int cmd_rehash(Context& context, const Args& args);
int cmd_resolve(Context& context, const Args& args);
int cmd_schema(Context& context, const Args& args);
int cmd_verify(Context& context, const Args& args);
int cmd_lint(Context& context, const Args& args);
int cmd_completion(Context& context, const Args& args);
int cmd_man(Context& context, const Args& args);

} // namespace rev::cli
