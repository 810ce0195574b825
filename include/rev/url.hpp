#pragma once

#include <filesystem>
#include <string>

namespace rev {

// A database URL, parsed. SQLite URLs are SQLAlchemy's, so Alembic users can paste theirs:
// sqlite:///relative.db (relative to migrate.toml's folder), sqlite:////absolute.db, sqlite://
// (in memory). PostgreSQL URLs (postgresql://, postgres://, postgresql+DRIVER://) and libpq
// keyword strings are read by libpq's own PQconninfoParse.
struct DatabaseUrl {
    enum class Kind { sqlite, postgresql };

    Kind kind = Kind::sqlite;
    // SQLite: the database file, or ":memory:".
    std::filesystem::path sqlite_path;
    // PostgreSQL: libpq keyword form, password included. Never print it.
    std::string conninfo;
    // The URL with any password replaced by "***": the only form that may be shown.
    std::string display;

    bool is_memory() const { return kind == Kind::sqlite && sqlite_path == ":memory:"; }
};

// Parses `url`; relative SQLite paths are taken from `base_dir`. Throws ConfigError with the
// password masked.
DatabaseUrl parse_database_url(const std::string& url, const std::filesystem::path& base_dir);

// `text` with the password of any URL in it replaced by "***", for messages.
std::string mask_password(const std::string& text);

} // namespace rev
