#include "db/pg_lock_watch.hpp"

#include "db/soci_database.hpp"

#include <poll.h>

#include <cerrno>
#include <memory>
#include <string_view>

namespace rev::db {

namespace {

struct ResultDeleter {
    void operator()(PGresult* result) const { libpq().clear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// The waiting lock of `pid` and one session that blocks it, with what that session runs (or
// last ran, when idle in transaction).
std::string blocker_query(int pid) {
    return "SELECT COALESCE(w.relation::regclass::text, w.locktype), w.mode, b.pid::text, "
           "COALESCE(b.state, ''), COALESCE(b.query, '') FROM pg_locks w CROSS JOIN LATERAL "
           "unnest(pg_blocking_pids(w.pid)) AS blocker(pid) JOIN pg_stat_activity b ON b.pid = "
           "blocker.pid WHERE w.pid = " +
           std::to_string(pid) + " AND NOT w.granted LIMIT 1";
}

// A blocker's query as a message quotes it: one line, and not the whole of a long script.
std::string shortened(const std::string& query) {
    constexpr std::size_t k_longest = 120;
    std::string line = one_line(query);
    if (line.size() > k_longest) {
        line.resize(k_longest);
        line += "...";
    }
    return line;
}

} // namespace

DatabaseError::Cause cause_of_sqlstate(const char* sqlstate, bool connection_bad) {
    const std::string_view state = sqlstate != nullptr ? sqlstate : "";
    // 57P01-57P03: the server ended the session (pg_terminate_backend, a shutdown, a crash of
    // another backend); class 08: the connection failed.
    if (connection_bad || state.substr(0, 2) == "08" || state == "57P01" || state == "57P02" ||
        state == "57P03") {
        return DatabaseError::Cause::connection_lost;
    }
    if (state == "55P03") {
        return DatabaseError::Cause::lock_not_available;
    }
    return DatabaseError::Cause::other;
}

bool wait_for_result(PGconn* connection, std::chrono::milliseconds period,
                     const std::function<void()>& while_waiting) {
    const Libpq& pq = libpq();
    const int timeout = period.count() > 0 ? static_cast<int>(period.count()) : -1;
    while (pq.is_busy(connection) == 1) {
        pollfd socket{pq.socket(connection), POLLIN, 0};
        const int ready = ::poll(&socket, 1, timeout);
        if (ready == 0) {
            while_waiting();
            continue;
        }
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready < 0 || pq.consume_input(connection) != 1) {
            return false;
        }
    }
    return true;
}

LockWatch::~LockWatch() {
    if (m_connection != nullptr) {
        libpq().finish(m_connection);
    }
}

void LockWatch::look(int pid) noexcept {
    const Libpq& pq = libpq();
    if (m_connection != nullptr && pq.status(m_connection) != CONNECTION_OK) {
        pq.finish(m_connection);
        m_connection = nullptr;
    }
    if (m_connection == nullptr) {
        m_connection = pq.connectdb(m_conninfo.c_str());
        if (m_connection == nullptr || pq.status(m_connection) != CONNECTION_OK) {
            return;
        }
    }
    const Result result{pq.exec(m_connection, blocker_query(pid).c_str())};
    if (!result || pq.result_status(result.get()) != PGRES_TUPLES_OK ||
        pq.ntuples(result.get()) == 0) {
        return;
    }
    const auto value = [&](int column) {
        return std::string(pq.getvalue(result.get(), 0, column));
    };
    const std::string state = value(3);
    m_seen = "it waited for " + value(1) + " on " + value(0) + ", held by pid " + value(2) + " (" +
             (state.empty() ? "" : state + ": ") + shortened(value(4)) + ")";
}

std::string LockWatch::take_seen() {
    std::string seen;
    seen.swap(m_seen);
    return seen;
}

} // namespace rev::db
