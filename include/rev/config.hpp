#pragma once

#include <rev/file_system.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rev {

// How a move groups its steps into transactions.
enum class TransactionMode { per_revision, all };

// [postgresql]: how a step's statements give way on a busy PostgreSQL server
// (docs/safety.md, "DDL that gives way"). Each wait for a lock is cut short after
// lock_timeout_seconds, and the step is retried from the start of its transaction up to
// lock_retries times. Other engines ignore them.
struct PostgresSettings {
    double lock_timeout_seconds = 5;
    // 0: rev sets none, so the server's (or the role's) setting applies.
    double statement_timeout_seconds = 0;
    int lock_retries = 3;
};

// The keys of a [postgresql] table, each optional: a target's overrides of the project's.
struct PostgresOverrides {
    std::optional<double> lock_timeout_seconds;
    std::optional<double> statement_timeout_seconds;
    std::optional<int> lock_retries;
};

// A database that migrate.toml names in [targets.NAME] (docs/targets.md, "Databases"), or one
// line of a group's urls_file or urls_query. Unset overrides take the project's settings.
struct DatabaseTarget {
    std::string name;
    // As written: `${VAR}`s are replaced only when the URL is used (database_targets.hpp).
    std::string url;
    // Where it was named, for messages: "migrate.toml:7", "tenants.txt:3".
    std::string origin;
    std::optional<TransactionMode> transaction_mode;
    std::optional<double> lock_timeout_seconds;
    std::optional<std::string> version_table;
    std::optional<std::string> version_schema;
    // [targets.NAME.postgresql]
    PostgresOverrides postgresql;
};

// [groups.NAME]: databases that one command moves together. Any of the three sources may be
// given; the group is their union, in this order.
struct TargetGroup {
    std::string name;
    std::string origin;
    std::vector<std::string> targets;
    // Relative to migrate.toml's folder; read when the group is resolved.
    std::filesystem::path urls_file;
    std::string urls_file_origin;
    // Run on the target `query_target`; its first column holds the URLs.
    std::string urls_query;
    std::string query_target;
};

// The settings of one project, read from migrate.toml. Relative paths in the file are relative
// to the file's folder, so rev behaves the same from any working directory below it.
struct Config {
    // The migrate.toml read; empty when rev runs on defaults.
    std::filesystem::path file;
    std::filesystem::path revisions_dir;
    // The database URL as written ([database] url, or the chosen target's); empty when none
    // is set. May hold `${VAR}`s.
    std::string database_url;
    // Who wrote database_url, for messages about it: "migrate.toml:2: url",
    // "migrate.toml:7: target 'prod'".
    std::string database_url_source;
    // [targets.NAME] and [groups.NAME], by name; [database] default names one of the targets.
    std::map<std::string, DatabaseTarget, std::less<>> targets;
    std::map<std::string, TargetGroup, std::less<>> groups;
    std::string default_target;
    // Bookkeeping table names; validated identifiers.
    std::string version_table = "rev_version";
    std::string version_schema;
    TransactionMode transaction_mode = TransactionMode::per_revision;
    double lock_timeout_seconds = 60;
    PostgresSettings postgresql;
    bool allow_multiple_heads = false;

    std::filesystem::path root() const { return file.parent_path(); }
};

inline constexpr const char* k_config_name = "migrate.toml";

// The nearest migrate.toml in `start` or a folder above it.
std::optional<std::filesystem::path> find_config(const std::filesystem::path& start,
                                                 FileSystem& files = real_file_system());

// Reads and checks `file`; throws ConfigError naming `file:line` for a defect.
Config load_config(const std::filesystem::path& file, FileSystem& files = real_file_system());

// Parses `text` as if read from `file` (used by tests and by load_config).
Config parse_config(const std::string& text, const std::filesystem::path& file);

// The migrate.toml that `rev init` writes.
std::string default_config_text();

// True for an SQL identifier rev may splice into statements: [A-Za-z_][A-Za-z0-9_]*, at most 63
// characters (PostgreSQL's limit).
bool is_safe_identifier(const std::string& name);

} // namespace rev
