#pragma once

#include "db/libpq.hpp"

#include <rev/error.hpp>

#include <chrono>
#include <functional>
#include <string>

// What PostgreSQL's errors mean to a move, and who made a statement wait for its lock: the
// parts of the PostgreSQL engine that DDL that gives way (docs/safety.md) needs.
namespace rev::db {

// What a failed statement's SQLSTATE (null when the server sent none), and whether libpq still
// has the connection, mean to the move stage.
DatabaseError::Cause cause_of_sqlstate(const char* sqlstate, bool connection_bad);

// Waits until the result of the query sent on `connection` is ready, calling `while_waiting`
// each time `period` passes without a word from the server. Returns false when the connection
// failed (PQgetResult then reports why). A zero period waits without calling it.
bool wait_for_result(PGconn* connection, std::chrono::milliseconds period,
                     const std::function<void()>& while_waiting);

// Asks, from a second connection opened on first use, which session holds the lock that the
// session `pid` waits for: pg_blocking_pids can tell only while the wait lasts, and the error
// that ends it names neither the lock nor its holder.
class LockWatch {
public:
    explicit LockWatch(std::string conninfo) : m_conninfo(std::move(conninfo)) {}
    ~LockWatch();
    LockWatch(const LockWatch&) = delete;
    LockWatch& operator=(const LockWatch&) = delete;

    // Looks once; keeps what it saw, if `pid` was waiting. Never throws: this is only to
    // explain an error that may come.
    void look(int pid) noexcept;
    // "it waited for AccessExclusiveLock on t, held by pid 42 (idle in transaction: LOCK
    // TABLE t)", what the last look saw since the last call, or "".
    std::string take_seen();

private:
    std::string m_conninfo;
    PGconn* m_connection = nullptr;
    std::string m_seen;
};

} // namespace rev::db
