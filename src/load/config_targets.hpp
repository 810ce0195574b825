#pragma once

#include <rev/config.hpp>

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>

// The parts of migrate.toml that several sections share: [targets.NAME] and [groups.NAME]
// (config_targets.cpp), and the checks of names and modes that [database] and [run] apply too.
namespace rev::detail {

// Reads [targets.NAME] and [groups.NAME] from `root` into `config`, and checks that every name
// a group, [database] default or a query_target uses is a target. Throws ConfigError naming
// `file:line`.
void read_targets_and_groups(const toml::table& root, const std::filesystem::path& file,
                             Config& config);

// The keys of the [postgresql] table `table`, whose header is `header` ("postgresql",
// "targets.prod.postgresql"), checked. Throws ConfigError naming `file:line`.
PostgresOverrides read_postgresql_table(const toml::table& table, const std::string& header,
                                        const std::filesystem::path& file);

// What is wrong with `name` as the value of version_table or schema (`key`), or "" when it is
// an identifier rev may use.
std::string version_name_problem(std::string_view key, const std::string& name);

// "revision" or "all"; nullopt for anything else.
std::optional<TransactionMode> transaction_mode_named(std::string_view name);

} // namespace rev::detail
