#include <rev/database_targets.hpp>
#include <rev/error.hpp>
#include <rev/revision_set.hpp>

#include <cstdlib>
#include <map>
#include <sstream>

namespace rev {

namespace {

namespace fs = std::filesystem;

template <class Map>
std::vector<std::string_view> names_of(const Map& map) {
    std::vector<std::string_view> names;
    names.reserve(map.size());
    for (const auto& [name, value] : map) {
        names.push_back(name);
    }
    return names;
}

// "[targets.NAME]" or "[groups.NAME]" named `name`, or a UsageError naming what exists.
template <class Map>
const typename Map::mapped_type& find_named(const Map& map, std::string_view name, const char* kind,
                                            const Config& config) {
    if (auto found = map.find(name); found != map.end()) {
        return found->second;
    }
    const std::string file = display_path(config.file);
    throw UsageError("unknown " + std::string(kind) + " '" + std::string(name) + "'" +
                     (map.empty() ? " (" + file + " has no [" + kind + "s.NAME])"
                                  : did_you_mean(closest_match(name, names_of(map)))));
}

// The name a database from a urls_file or urls_query goes by: its file's or database's name.
std::string name_from_url(const std::string& url) {
    if (const std::size_t dbname = url.find("dbname="); dbname != std::string::npos) {
        const std::size_t start = dbname + std::string_view("dbname=").size();
        return url.substr(start, url.find(' ', start) - start);
    }
    const std::string path = url.substr(0, url.find('?'));
    return fs::path(path.substr(path.rfind('/') + 1)).stem().string();
}

std::string trimmed(const std::string& line) {
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
        return "";
    }
    return line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
}

// The URLs of a group's urls_file, one per line, with `#` comment lines and blank lines left out.
void add_file_urls(const Config& config, const TargetGroup& group, FileSystem& files,
                   std::vector<DatabaseTarget>& targets) {
    const fs::path file = config.root() / group.urls_file;
    const std::string which =
        "urls_file '" + group.urls_file.string() + "' of group '" + group.name + "'";
    std::string text;
    if (files.read_file(file, text)) {
        throw ConfigError(group.urls_file_origin + ": cannot read " + which);
    }
    const std::size_t before = targets.size();
    std::istringstream lines(text);
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        const std::string url = trimmed(line);
        if (!url.empty() && url[0] != '#') {
            targets.push_back({name_from_url(url),
                               url,
                               display_path(file) + ":" + std::to_string(number),
                               {},
                               {},
                               {},
                               {},
                               {}});
        }
    }
    if (targets.size() == before) {
        throw ConfigError(group.urls_file_origin + ": " + which + " lists no URLs");
    }
}

void add_query_urls(const Config& config, const TargetGroup& group, const UrlQuery& query,
                    std::vector<DatabaseTarget>& targets) {
    const Config source = config_for(config, find_target(config, group.query_target));
    std::size_t row = 0;
    for (const std::string& url : query(source, group.urls_query)) {
        ++row;
        targets.push_back({name_from_url(url),
                           url,
                           group.query_target + " row " + std::to_string(row),
                           {},
                           {},
                           {},
                           {},
                           {}});
    }
}

[[noreturn]] void throw_unset(const std::string& source, const std::string& variable) {
    throw ConfigError(source + " uses ${" + variable + "}, which is not set");
}

std::string source_of(const DatabaseTarget& target) {
    return target.origin + ": target '" + target.name + "'";
}

// Every URL expands, and none comes twice; two databases with one name get their origins as
// names, since the summary must tell them apart.
void check_group(const TargetGroup& group, std::vector<DatabaseTarget>& targets,
                 const Environment& environment) {
    std::map<std::string, const DatabaseTarget*> by_url;
    std::map<std::string, std::size_t> name_count;
    for (const DatabaseTarget& target : targets) {
        const std::string url = expand_variables(target.url, source_of(target), environment);
        if (auto [first, added] = by_url.emplace(url, &target); !added) {
            throw ConfigError(target.origin + ": group '" + group.name +
                              "' lists the same URL as " + first->second->origin);
        }
        ++name_count[target.name];
    }
    for (DatabaseTarget& target : targets) {
        if (target.name.empty() || name_count[target.name] > 1) {
            target.name = target.origin;
        }
    }
}

} // namespace

Environment process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        if (const char* value = std::getenv(name.c_str())) {
            return std::string(value);
        }
        return std::nullopt;
    };
}

std::string expand_variables(const std::string& url, const std::string& source,
                             const Environment& environment) {
    std::string result;
    std::size_t done = 0;
    for (std::size_t start = url.find("${"); start != std::string::npos;
         start = url.find("${", done)) {
        const std::size_t end = url.find('}', start);
        if (end == std::string::npos) {
            throw ConfigError(source + " has '${' without a closing '}'");
        }
        const std::string name = url.substr(start + 2, end - start - 2);
        const std::optional<std::string> value = environment(name);
        if (!value) {
            throw_unset(source, name);
        }
        result.append(url, done, start - done).append(*value);
        done = end + 1;
    }
    return result + url.substr(done);
}

const DatabaseTarget& find_target(const Config& config, std::string_view name) {
    return find_named(config.targets, name, "target", config);
}

const TargetGroup& find_group(const Config& config, std::string_view name) {
    return find_named(config.groups, name, "group", config);
}

Config config_for(const Config& config, const DatabaseTarget& target) {
    Config result = config;
    result.database_url = target.url;
    result.database_url_source = source_of(target);
    result.transaction_mode = target.transaction_mode.value_or(config.transaction_mode);
    result.lock_timeout_seconds = target.lock_timeout_seconds.value_or(config.lock_timeout_seconds);
    result.version_table = target.version_table.value_or(config.version_table);
    result.version_schema = target.version_schema.value_or(config.version_schema);
    const PostgresOverrides& pg = target.postgresql;
    result.postgresql.lock_timeout_seconds =
        pg.lock_timeout_seconds.value_or(config.postgresql.lock_timeout_seconds);
    result.postgresql.statement_timeout_seconds =
        pg.statement_timeout_seconds.value_or(config.postgresql.statement_timeout_seconds);
    result.postgresql.lock_retries = pg.lock_retries.value_or(config.postgresql.lock_retries);
    return result;
}

std::vector<DatabaseTarget> resolve_group(const Config& config, std::string_view name,
                                          const UrlQuery& query, const Environment& environment,
                                          FileSystem& files) {
    const TargetGroup& group = find_group(config, name);
    std::vector<DatabaseTarget> targets;
    for (const std::string& target : group.targets) {
        targets.push_back(find_target(config, target));
    }
    if (!group.urls_file.empty()) {
        add_file_urls(config, group, files, targets);
    }
    if (!group.urls_query.empty()) {
        add_query_urls(config, group, query, targets);
    }
    check_group(group, targets, environment);
    return targets;
}

} // namespace rev
