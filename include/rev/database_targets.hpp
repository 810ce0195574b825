#pragma once

#include <rev/config.hpp>
#include <rev/file_system.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Choosing the databases a command runs on: one [targets.NAME], or every database of a
// [groups.NAME] (docs/targets.md, "Databases"). Everything a group names is checked here,
// before anything is connected, except the rows of a urls_query.
namespace rev {

// Looks a variable up in an environment; nullopt when it is not set.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
// The process's environment (getenv).
Environment process_environment();

// `url` with each `${VAR}` replaced from `environment`. An unset variable throws ConfigError
// "SOURCE uses ${VAR}, which is not set", where `source` says who wrote the URL
// ("migrate.toml:7: target 'prod'").
std::string expand_variables(const std::string& url, const std::string& source,
                             const Environment& environment);

// [targets.NAME] and [groups.NAME]; a name that is neither throws UsageError with a
// suggestion.
const DatabaseTarget& find_target(const Config& config, std::string_view name);
const TargetGroup& find_group(const Config& config, std::string_view name);

// `config` as a command on `target` sees it: the target's URL as database_url, and its
// overrides of [run] and of the version table's name and schema.
Config config_for(const Config& config, const DatabaseTarget& target);

// Runs `sql` on the database `source` (a config_for the group's query_target) and returns the
// first column of its rows: the URLs of a urls_query.
using UrlQuery =
    std::function<std::vector<std::string>(const Config& source, const std::string& sql)>;

// The databases of group `name`, in the order it lists them: its targets, the lines of its
// urls_file, then the rows of its urls_query. A database from a file or a query is named after
// its file or database name ("tenant-0042" for sqlite:///tenants/tenant-0042.db). Throws
// ConfigError naming file and line for an unset ${VAR}, a urls_file that cannot be read or lists
// no URL, and a URL listed twice.
std::vector<DatabaseTarget> resolve_group(const Config& config, std::string_view name,
                                          const UrlQuery& query,
                                          const Environment& environment = process_environment(),
                                          FileSystem& files = real_file_system());

} // namespace rev
