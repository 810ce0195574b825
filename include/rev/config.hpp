#pragma once

#include <rev/file_system.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace rev {

// How a move groups its steps into transactions.
enum class TransactionMode { per_revision, all };

// The settings of one project, read from migrate.toml. Relative paths in the file are relative
// to the file's folder, so rev behaves the same from any working directory below it.
struct Config {
    // The migrate.toml read; empty when rev runs on defaults.
    std::filesystem::path file;
    std::filesystem::path revisions_dir;
    // The database URL as written ([database] url); empty when none is set.
    std::string database_url;
    // Bookkeeping table names; validated identifiers.
    std::string version_table = "rev_version";
    std::string version_schema;
    TransactionMode transaction_mode = TransactionMode::per_revision;
    double lock_timeout_seconds = 60;
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
