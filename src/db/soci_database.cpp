#include "soci_database.hpp"

#include <rev/applier.hpp>

#include <soci/sqlite3/soci-sqlite3.h>

#include <array>
#include <memory>
#include <sstream>
#include <thread>

namespace rev::db {

std::string one_line(const std::string& message) {
    std::string line;
    for (char c : message) {
        if (c == '\n' || c == '\r' || c == '\t') {
            if (!line.empty() && line.back() != ' ') {
                line += ' ';
            }
            continue;
        }
        line += c;
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '.')) {
        line.pop_back();
    }
    return mask_password(line);
}

std::string seconds_text(std::chrono::milliseconds duration) {
    std::ostringstream text;
    text << static_cast<double>(duration.count()) / 1000.0 << " s";
    return text.str();
}

SociDatabase::SociDatabase(DatabaseUrl url, Dialect dialect, std::unique_ptr<soci::session> session)
    : Database(std::move(url)), m_dialect(std::move(dialect)), m_session(std::move(session)) {}

SociDatabase::~SociDatabase() = default;

void SociDatabase::fail(const std::string& doing, const std::exception& error) const {
    throw DatabaseError(url().display + ": " + doing + ": " + one_line(error.what()));
}

void SociDatabase::run(const std::string& statement) {
    try {
        *m_session << statement;
    } catch (const soci::soci_error& error) {
        fail("rev's bookkeeping failed", error);
    }
}

std::vector<std::vector<std::string>> SociDatabase::query(const std::string& statement) {
    std::vector<std::vector<std::string>> rows;
    try {
        soci::rowset<soci::row> result = (m_session->prepare << statement);
        for (const soci::row& row : result) {
            std::vector<std::string> values(row.size());
            for (std::size_t i = 0; i < row.size(); ++i) {
                values[i] = row.get_indicator(i) == soci::i_null ? "" : row.get<std::string>(i);
            }
            rows.push_back(std::move(values));
        }
    } catch (const soci::soci_error& error) {
        fail("reading rev's records failed", error);
    }
    return rows;
}

bool SociDatabase::has_version_tables() {
    const auto rows = query(m_dialect.count_version_tables());
    return !rows.empty() && rows.front().front() != "0";
}

void SociDatabase::ensure_version_tables() {
    if (!has_version_tables()) {
        run_in_transaction(m_dialect.create_tables());
    } else if (layout_version() == "1") {
        // Only moves get here, holding the lock, so no other rev sees a half-changed layout.
        run_in_transaction(m_dialect.upgrade_layout_from_1());
    }
    check_layout();
}

void SociDatabase::run_in_transaction(const std::vector<std::string>& statements) {
    soci::transaction transaction(*m_session);
    for (const std::string& statement : statements) {
        run(statement);
    }
    transaction.commit();
}

bool SociDatabase::readable_version_tables() {
    if (!has_version_tables()) {
        return false;
    }
    check_layout();
    return true;
}

std::string SociDatabase::layout_version() {
    const auto rows = query(m_dialect.select_layout_version());
    return rows.empty() ? "(none)" : rows.front().front();
}

void SociDatabase::check_layout() {
    const std::string found = layout_version();
    const std::string expected = std::to_string(Dialect::k_layout_version);
    if (found == "1") {
        throw DatabaseError(url().display +
                            ": rev's tables have layout version 1, from an older rev; any "
                            "upgrade, downgrade or stamp updates them to " +
                            expected);
    }
    if (found != expected) {
        throw DatabaseError(url().display + ": rev's tables have layout version " + found +
                            ", this rev uses " + expected + "; use a matching rev");
    }
}

namespace {

template <std::size_t N>
using TextRow = std::array<std::string, N>;

// Calls `on_row` with each row of `statement`, whose N columns are all text (NULL reads as ""),
// straight from SQLite: SOCI spends several times longer per row than SQLite does. False when
// anything fails, for SOCI to start again and report the error its usual way.
template <std::size_t N, class OnRow>
bool sqlite_text_rows(soci::session& session, const std::string& statement, OnRow& on_row) {
    if (session.get_backend_name() != "sqlite3") {
        return false;
    }
    sqlite_api::sqlite3* handle =
        static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
    sqlite_api::sqlite3_stmt* prepared = nullptr;
    const int prepare = sqlite_api::sqlite3_prepare_v2(
        handle, statement.c_str(), static_cast<int>(statement.size()), &prepared, nullptr);
    const std::unique_ptr<sqlite_api::sqlite3_stmt, int (*)(sqlite_api::sqlite3_stmt*)> query(
        prepared, sqlite_api::sqlite3_finalize);
    if (prepare != SQLITE_OK || !query ||
        sqlite_api::sqlite3_column_count(query.get()) != static_cast<int>(N)) {
        return false;
    }
    TextRow<N> row;
    int status = SQLITE_ROW;
    while ((status = sqlite_api::sqlite3_step(query.get())) == SQLITE_ROW) {
        for (std::size_t c = 0; c < N; ++c) {
            const auto column = static_cast<int>(c);
            const auto* text = sqlite_api::sqlite3_column_text(query.get(), column);
            const auto size =
                static_cast<std::size_t>(sqlite_api::sqlite3_column_bytes(query.get(), column));
            row[c].assign(text == nullptr ? "" : reinterpret_cast<const char*>(text),
                          text == nullptr ? 0 : size);
        }
        on_row(row);
    }
    return status == SQLITE_DONE;
}

// Calls `on_row` with each row of `statement`, whose N columns are all text (NULL reads as "").
// Should SQLite's own reading fail part-way, `restart` forgets the rows given so far and SOCI
// reads them all again, fetching a batch at a time: its row-by-row rowset<row> spends more time
// on its dynamic column types than the database spends reading the rows.
template <std::size_t N, class OnRow, class Restart>
void for_each_text_row(soci::session& session, const std::string& statement, OnRow on_row,
                       Restart restart) {
    if (sqlite_text_rows<N>(session, statement, on_row)) {
        return;
    }
    restart();
    constexpr std::size_t k_batch = 256;
    std::array<std::vector<std::string>, N> columns;
    std::array<std::vector<soci::indicator>, N> indicators;
    soci::statement query(session);
    for (std::size_t c = 0; c < N; ++c) {
        columns[c].resize(k_batch);
        indicators[c].resize(k_batch);
        query.exchange(soci::into(columns[c], indicators[c]));
    }
    query.alloc();
    query.prepare(statement);
    query.define_and_bind();
    query.execute();
    TextRow<N> row;
    while (query.fetch()) {
        for (std::size_t r = 0; r < columns[0].size(); ++r) {
            for (std::size_t c = 0; c < N; ++c) {
                if (indicators[c][r] == soci::i_null) {
                    row[c].clear();
                } else {
                    row[c].swap(columns[c][r]);
                }
            }
            on_row(row);
        }
    }
}

AppliedRevision::State state_named(const std::string& name) {
    if (name == "upgrading") {
        return AppliedRevision::State::upgrading;
    }
    if (name == "downgrading") {
        return AppliedRevision::State::downgrading;
    }
    return AppliedRevision::State::applied;
}

} // namespace

std::vector<AppliedRevision> SociDatabase::applied() {
    std::vector<AppliedRevision> result;
    if (!readable_version_tables()) {
        return result;
    }
    try {
        for_each_text_row<11>(
            *m_session, m_dialect.select_applied(),
            [&](TextRow<11>& row) {
                AppliedRevision& applied = result.emplace_back();
                applied.revision = std::move(row[0]);
                applied.seq = std::stoll(row[1]);
                applied.checksums = {std::move(row[2]), std::move(row[3]), std::move(row[4])};
                applied.applied_at = std::move(row[5]);
                applied.applied_by = std::move(row[6]);
                applied.duration_ms = std::stoll(row[7]);
                applied.rev_version = std::move(row[8]);
                applied.state = state_named(row[9]);
                applied.error = std::move(row[10]);
            },
            [&] { result.clear(); });
    } catch (const soci::soci_error& error) {
        fail("reading rev's records failed", error);
    }
    return result;
}

std::vector<LogEntry> SociDatabase::log(std::size_t limit) {
    std::vector<LogEntry> result;
    if (!readable_version_tables()) {
        return result;
    }
    try {
        for_each_text_row<8>(
            *m_session, m_dialect.select_log(limit),
            [&](TextRow<8>& row) {
                result.push_back({std::stoll(row[0]), std::move(row[1]), std::move(row[2]),
                                  std::move(row[3]), std::move(row[4]), std::stoll(row[5]),
                                  std::move(row[6]), std::move(row[7])});
            },
            [&] { result.clear(); });
    } catch (const soci::soci_error& error) {
        fail("reading rev's records failed", error);
    }
    return result;
}

std::vector<std::string> SociDatabase::tables() {
    std::vector<std::string> names;
    for (auto& row : query(m_dialect.select_tables())) {
        names.push_back(row.front());
    }
    return names;
}

void SociDatabase::lock(std::chrono::milliseconds timeout) {
    using namespace std::chrono_literals;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = 10ms;
    while (!m_locked && !try_lock()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            release_lock();
            throw DatabaseError(url().display +
                                ": another rev process is moving this database; gave up after " +
                                seconds_text(timeout) + " (--lock-timeout)");
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(200));
    }
    m_locked = true;
}

void SociDatabase::unlock() noexcept {
    if (m_locked) {
        release_lock();
        m_locked = false;
    }
}

void SociDatabase::execute(const Script& script) {
    run_script(script);
    // A COMMIT or ROLLBACK in a script would split the step from its bookkeeping.
    if (m_transaction && !in_transaction()) {
        throw ScriptError(0,
                          "the script ended rev's transaction (COMMIT or ROLLBACK in it?); "
                          "leave transactions to rev, or set transactional = false",
                          ScriptError::Ended::yes);
    }
}

void SociDatabase::begin() {
    try {
        m_transaction.emplace(*m_session);
    } catch (const soci::soci_error& error) {
        fail("cannot begin a transaction", error);
    }
}

void SociDatabase::commit() {
    try {
        m_transaction->commit();
        m_transaction.reset();
    } catch (const soci::soci_error& error) {
        m_transaction.reset();
        fail("commit failed", error);
    }
}

void SociDatabase::rollback() noexcept {
    try {
        if (m_transaction) {
            m_transaction->rollback();
        }
    } catch (...) {
        // The connection may be gone; the database rolls back an unfinished transaction itself.
    }
    m_transaction.reset();
}

void SociDatabase::record(const StepRecord& record) {
    for (const std::string& statement : m_dialect.record(record)) {
        run(statement);
    }
}

} // namespace rev::db

namespace rev {

std::unique_ptr<Database> connect(const DatabaseUrl& url, const VersionTables& tables,
                                  IfMissing if_missing) {
    if (url.kind == DatabaseUrl::Kind::sqlite) {
        return db::connect_sqlite(url, tables, if_missing);
    }
    return db::connect_postgresql(url, tables);
}

} // namespace rev
