// Which database a command runs on: the global options that choose it (-t, -g, --url, and
// those given after the command name), the config as the chosen target sees it, and its URL.
#include "cli.hpp"

#include <rev/database_targets.hpp>
#include <rev/error.hpp>

#include <cstdlib>

namespace rev::cli {

void merge_global_options(GlobalOptions& options, const GlobalOptions& after) {
    options.quiet = options.quiet || after.quiet;
    options.fail_fast = options.fail_fast || after.fail_fast;
    for (auto [into, from] :
         {std::pair{&options.config, &after.config}, std::pair{&options.url, &after.url},
          std::pair{&options.target, &after.target}, std::pair{&options.group, &after.group}}) {
        if (!from->empty()) {
            *into = *from;
        }
    }
    if (after.jobs != 0) {
        options.jobs = after.jobs;
    }
}

// The global options among a command's arguments. A group run must know its group before the
// command parses them; anything wrong here the command's own parse reports.
GlobalOptions global_options_among(const Args& args) {
    GlobalOptions found;
    po::options_description options;
    add_global_options(options, found);
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(args).options(options).allow_unregistered().run(), vm);
        po::notify(vm);
    } catch (const po::error&) {
        return {};
    }
    return found;
}

void check_database_choice(const GlobalOptions& options) {
    if (!options.target.empty() && !options.group.empty()) {
        throw UsageError("--target and --group cannot be combined");
    }
    if (!options.url.empty() && (!options.target.empty() || !options.group.empty())) {
        throw UsageError(std::string("--url and --") +
                         (options.target.empty() ? "group" : "target") + " cannot be combined");
    }
    if (options.group.empty() && (options.jobs != 0 || options.fail_fast)) {
        throw UsageError(std::string(options.jobs != 0 ? "--jobs" : "--fail-fast") +
                         " applies to a run on a group: give --group NAME");
    }
}

Context::Context(Context& parent, Config config, std::ostream& out, std::ostream& err)
    : m_options(parent.m_options), m_out(out), m_err(err), m_url_is_chosen(true),
      m_config(std::move(config)), m_graph(parent.m_graph),
      m_kept_json(std::make_unique<toml::table>()) {
    m_options.group.clear();
    m_options.target.clear();
    // Each database's steps would bury the one line a group run prints for it.
    m_options.quiet = true;
}

namespace {

bool environment_names_url() {
    return std::getenv("REV_DATABASE_URL") != nullptr || std::getenv("DATABASE_URL") != nullptr;
}

} // namespace

// migrate.toml, as the database chosen by -t (or, when nothing else names a URL, by
// [database] default) sees it. A group run starts from the file as it is.
Config Context::load_selected_config() {
    std::filesystem::path file;
    if (!m_options.config.empty()) {
        file = m_options.config;
    } else if (auto found = find_config(std::filesystem::current_path())) {
        file = *found;
    } else {
        throw ConfigError("no migrate.toml in this folder or any above it; run 'rev init' "
                          "or pass -c FILE");
    }
    Config config = load_config(file);
    if (!m_options.target.empty()) {
        m_url_is_chosen = true;
        return config_for(config, find_target(config, m_options.target));
    }
    if (!config.default_target.empty() && m_options.group.empty() && m_options.url.empty() &&
        !environment_names_url()) {
        return config_for(config, find_target(config, config.default_target));
    }
    return config;
}

Context::GivenUrl Context::url_given() {
    const Config& chosen = config();
    if (m_url_is_chosen) {
        return {chosen.database_url, chosen.database_url_source};
    }
    if (!m_options.url.empty()) {
        return {m_options.url, ""};
    }
    // DATABASE_URL comes last: hosting platforms set it, perhaps for another program.
    for (const char* variable : {"REV_DATABASE_URL", "DATABASE_URL"}) {
        if (const char* from_env = std::getenv(variable); from_env != nullptr) {
            return {from_env, ""};
        }
    }
    return {chosen.database_url, chosen.database_url_source};
}

DatabaseUrl Context::database_url() {
    const GivenUrl given = url_given();
    return parse_database_url(
        given.source.empty() ? given.url
                             : expand_variables(given.url, given.source, process_environment()),
        config().root());
}

bool Context::has_database_url() {
    return !url_given().url.empty();
}

} // namespace rev::cli
