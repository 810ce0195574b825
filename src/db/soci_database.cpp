#include "db/soci_database.hpp"

#include <rev/metrics.hpp>
#include <rev/step_runner.hpp>

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
    : Database(url.display), m_url(std::move(url)), m_dialect(std::move(dialect)),
      m_session(std::move(session)) {}

SociDatabase::~SociDatabase() = default;

void SociDatabase::fail(const std::string& doing, const std::exception& error) {
    const DatabaseError::Cause cause = cause_of(error);
    if (cause == DatabaseError::Cause::connection_lost) {
        throw DatabaseError(name() + ": the connection to the database was lost (" + doing + ": " +
                                one_line(error.what()) + ")",
                            cause);
    }
    throw DatabaseError(name() + ": " + doing + ": " + one_line(error.what()), cause);
}

void SociDatabase::run(const std::string& statement) {
    try {
        *m_session << statement;
    } catch (const soci::soci_error& error) {
        fail("rev's bookkeeping failed", error);
    }
}

std::vector<std::string> SociDatabase::query(const std::string& statement) {
    std::vector<std::string> values;
    for_each_row(statement, 1, [&](Row& row) { values.push_back(std::move(row.front())); });
    return values;
}

void SociDatabase::for_each_row(const std::string& statement, std::size_t columns,
                                const RowHandler& on_row) {
    try {
        read_rows(statement, columns, on_row);
    } catch (const soci::soci_error& error) {
        fail("reading rev's records failed", error);
    }
}

void SociDatabase::read_rows(const std::string& statement, std::size_t columns,
                             const RowHandler& on_row) {
    // A batch at a time into typed vectors: SOCI's rowset<row> spends more time on its dynamic
    // column types than the database spends reading the rows.
    constexpr std::size_t k_batch = 256;
    std::vector<std::vector<std::string>> values(columns, std::vector<std::string>(k_batch));
    std::vector<std::vector<soci::indicator>> indicators(columns,
                                                         std::vector<soci::indicator>(k_batch));
    soci::statement query(*m_session);
    for (std::size_t c = 0; c < columns; ++c) {
        query.exchange(soci::into(values[c], indicators[c]));
    }
    query.alloc();
    query.prepare(statement);
    query.define_and_bind();
    query.execute();
    Row row(columns);
    while (query.fetch()) {
        for (std::size_t r = 0; r < values[0].size(); ++r) {
            for (std::size_t c = 0; c < columns; ++c) {
                if (indicators[c][r] == soci::i_null) {
                    row[c].clear();
                } else {
                    row[c].swap(values[c][r]);
                }
            }
            on_row(row);
        }
    }
}

bool SociDatabase::has_version_tables() {
    const std::vector<std::string> count = query(m_dialect.count_version_tables());
    return !count.empty() && count.front() != "0";
}

void SociDatabase::ensure_version_tables() {
    if (m_layout_checked) {
        return;
    }
    std::string found = has_version_tables() ? layout_version() : "";
    if (found.empty() || found == "1") {
        // Only moves get here, holding the lock, so no other rev sees a half-changed layout.
        run_in_transaction(found.empty() ? m_dialect.create_tables()
                                         : m_dialect.upgrade_layout_from_1());
        found = layout_version();
    }
    check_layout(found);
}

void SociDatabase::run_in_transaction(const std::vector<std::string>& statements) {
    // The connection can go at any statement, the transaction's own included (the server-fault
    // tests kill it at random moments): each failure is a DatabaseError that says so.
    try {
        soci::transaction transaction(*m_session);
        for (const std::string& statement : statements) {
            run(statement);
        }
        transaction.commit();
    } catch (const soci::soci_error& error) {
        fail("rev's bookkeeping failed", error);
    }
}

bool SociDatabase::readable_version_tables() {
    if (m_layout_checked) {
        return true;
    }
    if (!has_version_tables()) {
        return false;
    }
    check_layout(layout_version());
    return true;
}

std::string SociDatabase::layout_version() {
    const std::vector<std::string> version = query(m_dialect.select_layout_version());
    return version.empty() ? "(none)" : version.front();
}

void SociDatabase::check_layout(const std::string& found) {
    const std::string expected = std::to_string(Dialect::k_layout_version);
    if (found == "1") {
        throw DatabaseError(name() +
                            ": rev's tables have layout version 1, from an older rev; any "
                            "upgrade, downgrade or stamp updates them to " +
                            expected);
    }
    if (found != expected) {
        throw DatabaseError(name() + ": rev's tables have layout version " + found +
                            ", this rev uses " + expected + "; use a matching rev");
    }
    m_layout_checked = true;
}

namespace {

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
    static Metric reads("database: read applied set");
    const MetricTimer timer(reads);
    std::vector<AppliedRevision> result;
    if (!readable_version_tables()) {
        return result;
    }
    // Counted first: growing a vector of 10,000 rows doubled rev current's peak memory for them.
    if (const std::vector<std::string> count = query(m_dialect.count_applied()); !count.empty()) {
        result.reserve(std::stoull(count.front()));
    }
    for_each_row(m_dialect.select_applied(), 11, [&](Row& row) {
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
    });
    return result;
}

std::vector<std::string> SociDatabase::first_column(const std::string& query) {
    std::vector<std::string> values;
    try {
        read_rows(query, 1, [&values](Row& row) { values.push_back(std::move(row[0])); });
    } catch (const soci::soci_error& error) {
        fail("the query '" + query + "' failed", error);
    }
    return values;
}

std::vector<LogEntry> SociDatabase::log(std::size_t limit) {
    std::vector<LogEntry> result;
    if (!readable_version_tables()) {
        return result;
    }
    for_each_row(m_dialect.select_log(limit), 8, [&](Row& row) {
        result.push_back({std::stoll(row[0]), std::move(row[1]), std::move(row[2]),
                          std::move(row[3]), std::move(row[4]), std::stoll(row[5]),
                          std::move(row[6]), std::move(row[7])});
    });
    return result;
}

CatalogQuery SociDatabase::catalog_query() {
    return [this](const std::string& statement, std::size_t columns, const RowHandler& on_row) {
        try {
            read_rows(statement, columns, on_row);
        } catch (const soci::soci_error& error) {
            fail("cannot read the schema", error);
        }
    };
}

void SociDatabase::lock(std::chrono::milliseconds timeout) {
    using namespace std::chrono_literals;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = 10ms;
    while (!m_locked && !try_lock()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            release_lock();
            throw DatabaseError(name() +
                                ": another rev process is moving this database; gave up after " +
                                seconds_text(timeout) + " (--lock-timeout)");
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(200));
    }
    m_locked = true;
    lock_taken(timeout);
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
    transaction_begun();
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
    static Metric connects("database: connect");
    const MetricTimer timer(connects);
    if (url.kind == DatabaseUrl::Kind::sqlite) {
        return db::connect_sqlite(url, tables, if_missing);
    }
    return db::connect_postgresql(url, tables);
}

} // namespace rev
