#pragma once

#include <rev/database.hpp>

namespace rev::detail {

// Holds the database's lock while rev changes its records, released however that ends.
class LockGuard {
public:
    LockGuard(Database& database, std::chrono::milliseconds timeout) : m_database(database) {
        m_database.lock(timeout);
    }
    ~LockGuard() { m_database.unlock(); }
    LockGuard(const LockGuard&) = delete;
    LockGuard& operator=(const LockGuard&) = delete;

private:
    Database& m_database;
};

} // namespace rev::detail
