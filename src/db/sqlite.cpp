// SQLite through SOCI. Scripts run through the native handle, because SOCI's sqlite3 backend
// runs only the first statement of a string and silently ignores the rest.
#include "db/script_position.hpp"
#include "db/soci_database.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <unordered_map>

namespace rev::db {

namespace {

struct StatementFinalizer {
    void operator()(sqlite_api::sqlite3_stmt* statement) const {
        sqlite_api::sqlite3_finalize(statement);
    }
};

class SqliteDatabase final : public SociDatabase {
public:
    SqliteDatabase(const DatabaseUrl& url, Dialect dialect, std::unique_ptr<soci::session> session)
        : SociDatabase(url, std::move(dialect), std::move(session)) {
        sqlite_api::sqlite3_set_authorizer(native(), &SqliteDatabase::note_statement, this);
    }

    ~SqliteDatabase() override {
        sqlite_api::sqlite3_set_authorizer(native(), nullptr, nullptr);
        unlock();
    }

    // SQLite has no advisory locks, so rev holds flock() on a file beside the database: the
    // kernel releases it when the process dies, so a killed rev never leaves a stale lock.
    bool try_lock() override {
        if (url().is_memory()) {
            return true;
        }
        if (m_lock_fd < 0) {
            const std::string path = url().sqlite_path.string() + ".rev-lock";
            m_lock_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
            if (m_lock_fd < 0) {
                throw DatabaseError(path + ": cannot open the lock file: " + std::strerror(errno));
            }
        }
        return ::flock(m_lock_fd, LOCK_EX | LOCK_NB) == 0;
    }

    void release_lock() noexcept override {
        if (m_lock_fd >= 0) {
            ::flock(m_lock_fd, LOCK_UN);
            ::close(m_lock_fd);
            m_lock_fd = -1;
        }
    }

    bool in_transaction() override { return sqlite_api::sqlite3_get_autocommit(native()) == 0; }

    SchemaSnapshot snapshot() override { return read_sqlite_schema(catalog_query(), dialect()); }
    SchemaSnapshot snapshot(const std::vector<std::string>& parts) override {
        return read_sqlite_schema(catalog_query(), dialect(), &parts);
    }
    SchemaFingerprintsRead schema_fingerprints() override {
        return m_fingerprints.read(catalog_query(), dialect());
    }
    std::vector<TableLock> held_table_locks() override { return {}; }

    // Straight from SQLite: SOCI spends several times longer per row than SQLite does, which
    // shows in `current` and `status` on a long history.
    void read_rows(const std::string& statement, std::size_t columns,
                   const RowHandler& on_row) override {
        sqlite_api::sqlite3* handle = native();
        sqlite_api::sqlite3_stmt* raw = nullptr;
        if (sqlite_api::sqlite3_prepare_v2(handle, statement.c_str(),
                                           static_cast<int>(statement.size()), &raw,
                                           nullptr) != SQLITE_OK) {
            throw soci::soci_error(sqlite_api::sqlite3_errmsg(handle));
        }
        const std::unique_ptr<sqlite_api::sqlite3_stmt, StatementFinalizer> query(raw);
        Row row(columns);
        int status = SQLITE_ROW;
        while ((status = sqlite_api::sqlite3_step(query.get())) == SQLITE_ROW) {
            for (std::size_t c = 0; c < columns; ++c) {
                const auto column = static_cast<int>(c);
                const auto* text = sqlite_api::sqlite3_column_text(query.get(), column);
                row[c].assign(text == nullptr ? "" : reinterpret_cast<const char*>(text),
                              static_cast<std::size_t>(
                                  sqlite_api::sqlite3_column_bytes(query.get(), column)));
            }
            on_row(row);
        }
        if (status != SQLITE_DONE) {
            throw soci::soci_error(sqlite_api::sqlite3_errmsg(handle));
        }
    }

    // Bookkeeping through statements prepared once per connection, with bound values: each
    // event's statements have the same text every time (Dialect::bound_record), and parsing and
    // SOCI's statement objects cost more than the inserts themselves.
    void record(const StepRecord& record) override {
        for (const BoundStatement& statement : dialect().bound_record(record)) {
            run_bound(statement);
        }
    }

    void run_script(const Script& script) override {
        sqlite_api::sqlite3* handle = native();
        const std::string& text = script.text;
        const char* tail = text.c_str();
        const char* end = text.c_str() + text.size();
        while (tail < end) {
            const char* start = tail;
            sqlite_api::sqlite3_stmt* raw = nullptr;
            // The length counts the string's terminating NUL: without it SQLite copies the
            // rest of the script on every statement, quadratic in the script's size.
            const int prepared = sqlite_api::sqlite3_prepare_v2(
                handle, start, static_cast<int>(end - start + 1), &raw, &tail);
            const std::size_t offset = static_cast<std::size_t>(start - text.c_str());
            if (prepared != SQLITE_OK) {
                const int error_offset = sqlite_api::sqlite3_error_offset(handle);
                const std::size_t at = error_offset >= 0
                                           ? offset + static_cast<std::size_t>(error_offset)
                                           : statement_start(text, offset);
                throw ScriptError(line_at(text, at), sqlite_api::sqlite3_errmsg(handle));
            }
            std::unique_ptr<sqlite_api::sqlite3_stmt, StatementFinalizer> statement(raw);
            if (!statement) {
                if (tail == start) {
                    break;
                }
                continue;
            }
            int stepped = SQLITE_ROW;
            while (stepped == SQLITE_ROW) {
                stepped = sqlite_api::sqlite3_step(statement.get());
            }
            if (stepped != SQLITE_DONE) {
                throw ScriptError(line_at(text, statement_start(text, offset)),
                                  error_text(stepped));
            }
        }
    }

    // SQLite locks the whole file, so a write waits for any other connection's write
    // transaction: as long as rev waited for its own lock (--lock-timeout), not a fixed minute.
    void lock_taken(std::chrono::milliseconds timeout) override {
        m_busy_timeout = timeout;
        run("PRAGMA busy_timeout = " + std::to_string(timeout.count()));
    }

private:
    std::string error_text(int status) {
        std::string text = sqlite_api::sqlite3_errmsg(native());
        if ((status & 0xff) == SQLITE_BUSY) {
            text += " (another connection holds a write transaction on it; waited " +
                    seconds_text(m_busy_timeout) + ", --lock-timeout)";
        }
        return text;
    }

    using Statement = std::unique_ptr<sqlite_api::sqlite3_stmt, StatementFinalizer>;

    // Clears a cached statement for its next use, also when a step failed.
    struct StatementReset {
        sqlite_api::sqlite3_stmt* statement;
        ~StatementReset() {
            sqlite_api::sqlite3_reset(statement);
            sqlite_api::sqlite3_clear_bindings(statement);
        }
    };

    sqlite_api::sqlite3_stmt* prepared(const std::string& text) {
        auto found = m_statements.find(text);
        if (found != m_statements.end()) {
            return found->second.get();
        }
        sqlite_api::sqlite3_stmt* raw = nullptr;
        // Kept for the whole connection. SQLite prepares it again by itself after a script
        // changes the schema.
        if (sqlite_api::sqlite3_prepare_v3(native(), text.c_str(),
                                           static_cast<int>(text.size() + 1),
                                           SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
            bookkeeping_failed();
        }
        return m_statements.emplace(text, Statement(raw)).first->second.get();
    }

    void bind(sqlite_api::sqlite3_stmt* statement, const BoundStatement& bound) {
        for (std::size_t i = 0; i < bound.values.size(); ++i) {
            const BoundStatement::Value& value = bound.values[i];
            const int index = static_cast<int>(i + 1);
            int status = SQLITE_OK;
            switch (value.kind) {
            case BoundStatement::Value::Kind::text:
                status = sqlite_api::sqlite3_bind_text(statement, index, value.text.data(),
                                                       static_cast<int>(value.text.size()),
                                                       SQLITE_STATIC);
                break;
            case BoundStatement::Value::Kind::integer:
                status = sqlite_api::sqlite3_bind_int64(statement, index, value.integer);
                break;
            case BoundStatement::Value::Kind::null:
                status = sqlite_api::sqlite3_bind_null(statement, index);
                break;
            }
            if (status != SQLITE_OK) {
                bookkeeping_failed();
            }
        }
    }

    void run_bound(const BoundStatement& bound) {
        sqlite_api::sqlite3_stmt* statement = prepared(bound.text);
        const StatementReset reset{statement};
        bind(statement, bound);
        int stepped = SQLITE_ROW;
        while (stepped == SQLITE_ROW) {
            stepped = sqlite_api::sqlite3_step(statement);
        }
        if (stepped != SQLITE_DONE) {
            bookkeeping_failed();
        }
    }

    [[noreturn]] void bookkeeping_failed() {
        fail("rev's bookkeeping failed", soci::soci_error(sqlite_api::sqlite3_errmsg(native())));
    }

    sqlite_api::sqlite3* native() {
        return static_cast<soci::sqlite3_session_backend*>(session().get_backend())->conn_;
    }

    // SQLite's authorizer, called as each statement is prepared: which parts of the schema it
    // may change, for schema_fingerprints(). It allows everything. ALTER TABLE may rewrite the
    // text of every part that names the table or its columns.
    static int note_statement(void* self, int action, const char* first, const char* second,
                              const char* database, const char* /*trigger*/) {
        auto& fingerprints = static_cast<SqliteDatabase*>(self)->m_fingerprints;
        const bool main = database == nullptr || std::strcmp(database, "main") == 0;
        switch (action) {
        case SQLITE_CREATE_TABLE:
        case SQLITE_DROP_TABLE:
        case SQLITE_CREATE_VIEW:
        case SQLITE_DROP_VIEW:
            if (main && first != nullptr) {
                fingerprints.touched(first);
            }
            break;
        case SQLITE_CREATE_INDEX:
        case SQLITE_DROP_INDEX:
        case SQLITE_CREATE_TRIGGER:
        case SQLITE_DROP_TRIGGER:
            if (main && second != nullptr) {
                fingerprints.touched(second);
            }
            break;
        case SQLITE_ALTER_TABLE:
        case SQLITE_CREATE_VTABLE:
        case SQLITE_DROP_VTABLE:
            fingerprints.touched_everything();
            break;
        case SQLITE_PRAGMA:
            // Writes to sqlite_schema itself cannot be told from SQLite's own (DDL writes it
            // through nested statements), so a session that may make them is read whole.
            if (first != nullptr && sqlite_api::sqlite3_stricmp(first, "writable_schema") == 0) {
                fingerprints.touched_everything(true);
            }
            break;
        default:
            break;
        }
        return SQLITE_OK;
    }

    int m_lock_fd = -1;
    // The connection's busy timeout, as connect_sqlite set it until rev took its lock.
    std::chrono::milliseconds m_busy_timeout{60'000};
    SqliteFingerprintReader m_fingerprints;
    // Finalized before the base class closes the session.
    std::unordered_map<std::string, Statement> m_statements;
};

} // namespace

std::unique_ptr<Database> connect_sqlite(const DatabaseUrl& url, const VersionTables& tables,
                                         IfMissing if_missing) {
    // Before the file is opened or created: the dialect refuses a schema.
    Dialect dialect(DatabaseUrl::Kind::sqlite, tables);
    const std::string path = url.sqlite_path.string();
    std::error_code ec;
    if (!url.is_memory() && if_missing != IfMissing::create &&
        !std::filesystem::exists(url.sqlite_path, ec)) {
        if (if_missing == IfMissing::skip) {
            return nullptr;
        }
        throw DatabaseError(display_path(url.sqlite_path) +
                            ": SQLite database not found (nothing applied yet? 'rev upgrade' "
                            "creates it)");
    }
    try {
        auto session = std::make_unique<soci::session>(soci::sqlite3, path);
        // Readers wait for a writer's commit instead of failing with "database is locked".
        *session << "PRAGMA busy_timeout = 60000";
        return std::make_unique<SqliteDatabase>(url, std::move(dialect), std::move(session));
    } catch (const soci::soci_error& error) {
        throw DatabaseError(display_path(url.sqlite_path) +
                            ": cannot open the SQLite database: " + one_line(error.what()));
    }
}

} // namespace rev::db
