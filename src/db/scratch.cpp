// Scratch databases: create_scratch, and SQLite's, a file in a folder of its own.
#include "db/soci_database.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace rev::db {

namespace {

// A new folder under the system's temporary folder, removed with everything in it on
// destruction.
class ScratchFolder {
public:
    ScratchFolder() {
        std::error_code ec;
        const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
        std::string pattern = ((ec ? "/tmp" : base) / "rev-scratch-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw DatabaseError(pattern +
                                ": cannot create a scratch folder: " + std::strerror(errno));
        }
        m_path = pattern;
    }
    ~ScratchFolder() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;

    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

struct Closer {
    void operator()(sqlite_api::sqlite3* handle) const { sqlite_api::sqlite3_close(handle); }
};
using Handle = std::unique_ptr<sqlite_api::sqlite3, Closer>;

Handle open(const std::filesystem::path& path, int flags) {
    sqlite_api::sqlite3* raw = nullptr;
    const int status = sqlite_api::sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Handle handle(raw);
    if (status != SQLITE_OK) {
        throw DatabaseError(display_path(path) + ": cannot open the SQLite database: " +
                            (raw != nullptr ? sqlite_api::sqlite3_errmsg(raw)
                                            : sqlite_api::sqlite3_errstr(status)));
    }
    return handle;
}

// Copies the database at `from` into a new file `to` with SQLite's backup API, which reads a
// consistent state (a WAL's committed pages too) and never writes to `from`.
void copy_database(const DatabaseUrl& configured, const std::filesystem::path& to) {
    if (configured.is_memory()) {
        throw DatabaseError(configured.display +
                            ": cannot copy an in-memory database into a scratch database");
    }
    std::error_code ec;
    if (!std::filesystem::exists(configured.sqlite_path, ec)) {
        throw DatabaseError(display_path(configured.sqlite_path) +
                            ": SQLite database not found, so it cannot be copied");
    }
    const Handle source = open(configured.sqlite_path, SQLITE_OPEN_READONLY);
    const Handle target = open(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite_api::sqlite3_backup* backup =
        sqlite_api::sqlite3_backup_init(target.get(), "main", source.get(), "main");
    if (backup != nullptr) {
        sqlite_api::sqlite3_backup_step(backup, -1);
        sqlite_api::sqlite3_backup_finish(backup);
    }
    if (sqlite_api::sqlite3_errcode(target.get()) != SQLITE_OK) {
        throw DatabaseError(display_path(configured.sqlite_path) +
                            ": cannot copy it into a scratch database: " +
                            sqlite_api::sqlite3_errmsg(target.get()));
    }
}

class SqliteScratch final : public ScratchDatabase {
public:
    SqliteScratch(const DatabaseUrl& configured, const VersionTables& tables,
                  const ScratchOptions& options) {
        const std::filesystem::path file = m_folder.path() / "scratch.db";
        if (options.from_current) {
            copy_database(configured, file);
        }
        m_database =
            connect_sqlite(parse_database_url("sqlite:///" + file.string(), m_folder.path()),
                           tables, IfMissing::create);
        // Thrown away at the end, so never worth a sync: a commit that waits for the disk is
        // most of what a script costs on a small table.
        m_database->runner().execute(
            {"PRAGMA synchronous = OFF;\nPRAGMA journal_mode = MEMORY;\n", file});
    }
    // The session closes before its folder goes.
    ~SqliteScratch() override { m_database.reset(); }

    Database& database() override { return *m_database; }

private:
    ScratchFolder m_folder;
    std::unique_ptr<Database> m_database;
};

} // namespace

std::unique_ptr<ScratchDatabase> create_sqlite_scratch(const DatabaseUrl& configured,
                                                       const VersionTables& tables,
                                                       const ScratchOptions& options) {
    return std::make_unique<SqliteScratch>(configured, tables, options);
}

} // namespace rev::db

namespace rev {

std::unique_ptr<ScratchDatabase> create_scratch(const DatabaseUrl& configured,
                                                const VersionTables& tables,
                                                const ScratchOptions& options) {
    if (configured.kind == DatabaseUrl::Kind::sqlite) {
        return db::create_sqlite_scratch(configured, tables, options);
    }
    return db::create_postgresql_scratch(configured, tables, options);
}

} // namespace rev
