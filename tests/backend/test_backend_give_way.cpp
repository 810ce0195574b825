// DDL that gives way (docs/safety.md): a step whose statement waits too long for a lock that
// another session holds is retried, each retry printed and logged as lock-retry, and after the
// last one the error names the lock and its holder (src/move/applier.cpp, src/db/postgresql.cpp,
// src/db/pg_lock_watch.cpp). On SQLite, a write transaction of another connection makes the step
// fail with "database is locked" once --lock-timeout has passed.
#include "backend_fixture.hpp"
#include "run_rev.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

using rev::MoveKind;
using rev::test::BackendFixture;
using rev::test::run_rev;
using rev::test::write_scripted_revision;

namespace {

// A project on the test database whose a1 adds a column to t, which exists already.
void write_project(const BackendFixture& db, const std::string& config) {
    db.dir().write("migrate.toml", "[database]\nurl = \"" + db.url_text() + "\"\n" + config);
    db.execute("CREATE TABLE t (a integer);");
    write_scripted_revision(db.dir(), "a1", {}, "ALTER TABLE t ADD COLUMN b integer;\n",
                            "ALTER TABLE t DROP COLUMN b;\n");
}

// Another session holding a lock on t in its open transaction, until release().
class LockHolder {
public:
    LockHolder(const BackendFixture& db, const std::string& lock) : m_database(db.connect()) {
        m_pid = m_database->first_column("SELECT pg_backend_pid()::text").front();
        m_database->runner().begin();
        m_database->runner().execute({lock, "holder.sql"});
    }
    ~LockHolder() { release(); }
    LockHolder(const LockHolder&) = delete;
    LockHolder& operator=(const LockHolder&) = delete;

    const std::string& pid() const { return m_pid; }
    void release() { m_database->runner().rollback(); }

private:
    std::unique_ptr<rev::Database> m_database;
    std::string m_pid;
};

// The pauses are drawn with jitter: "in 0.27 s" reads as "in N s".
std::string without_pauses(const std::string& text) {
    return std::regex_replace(text, std::regex("in [0-9]+\\.[0-9]+ s"), "in N s");
}

std::vector<std::string> lock_retry_details(const BackendFixture& db) {
    std::vector<std::string> details;
    for (const rev::LogEntry& entry : db.connect()->log(20)) {
        if (entry.event == "lock-retry") {
            details.insert(details.begin(), entry.detail);
        }
    }
    return details;
}

const char* const k_lock = "LOCK TABLE t IN ACCESS SHARE MODE;";

std::string waited(const LockHolder& holder) {
    return "versions/a1/up.sql:1: canceling statement due to lock timeout (SQLSTATE 55P03); it "
           "waited for AccessExclusiveLock on t, held by pid " +
           holder.pid() + " (idle in transaction: " + k_lock + ")";
}

} // namespace

TEST_CASE("Backend: a step that waits too long for a lock is retried, then names the lock",
          "[backend][postgresql][give-way]") {
    BackendFixture db;
    write_project(db, "[postgresql]\nlock_timeout = 0.2\nlock_retries = 2\n");
    const LockHolder holder(db, k_lock);

    const auto result = run_rev(db.dir().path(), {"upgrade", "head", "-q"});
    CHECK(result.exit_code == 1);
    CHECK(without_pauses(result.err) ==
          "rev: warning: upgrade a1: " + waited(holder) + "; retry 1 of 2 in N s\n" +
              "rev: warning: upgrade a1: " + waited(holder) + "; retry 2 of 2 in N s\n" +
              "rev: error: versions/a1/up.sql:1: upgrade a1 failed: " +
              waited(holder).substr(std::string("versions/a1/up.sql:1: ").size()) +
              " (gave up after 2 retries) (this step was rolled back; 0 earlier steps stay "
              "applied)\n");
    CHECK(lock_retry_details(db) == std::vector<std::string>{"retry 1 of 2: " + waited(holder),
                                                             "retry 2 of 2: " + waited(holder)});
    CHECK(db.applied_ids().empty());
}

TEST_CASE("Backend: a step retried after a lock wait succeeds once the lock is released",
          "[backend][postgresql][give-way]") {
    BackendFixture db;
    write_project(db, "[postgresql]\nlock_timeout = 0.2\n");
    LockHolder holder(db, k_lock);
    std::thread release([&holder] {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        holder.release();
    });
    // The option overrides migrate.toml's 3 retries.
    const auto result =
        run_rev(db.dir().path(), {"upgrade", "head", "-q", "--pg-lock-retries", "6"});
    release.join();
    CHECK(result.exit_code == 0);
    CHECK(without_pauses(result.err)
              .rfind("rev: warning: upgrade a1: " + waited(holder) + "; retry 1 of 6 in N s\n",
                     0) == 0);
    CHECK(!lock_retry_details(db).empty());
    CHECK(db.applied_ids() == std::vector<std::string>{"a1"});
}

TEST_CASE("Backend: a step outside a transaction is retried when nothing of it ran",
          "[backend][postgresql][give-way]") {
    BackendFixture db;
    write_project(db, "[postgresql]\nlock_timeout = 0.2\nlock_retries = 6\n");
    write_scripted_revision(db.dir(), "a1", {}, "ALTER TABLE t ADD COLUMN b integer;\n",
                            "ALTER TABLE t DROP COLUMN b;\n", "transactional = false\n");
    LockHolder holder(db, k_lock);
    std::thread release([&holder] {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        holder.release();
    });
    const auto result = run_rev(db.dir().path(), {"upgrade", "head", "-q"});
    release.join();
    CHECK(result.exit_code == 0);
    CHECK(!lock_retry_details(db).empty());
    CHECK(db.applied_ids() == std::vector<std::string>{"a1"});
    // Applied, not left unfinished by the first attempt's mark.
    CHECK(run_rev(db.dir().path(), {"upgrade", "head", "-q"}).exit_code == 0);
}

TEST_CASE("Backend: --pg-lock-timeout 0 waits for the lock as long as it takes",
          "[backend][postgresql][give-way]") {
    BackendFixture db;
    write_project(db, "[postgresql]\nlock_timeout = 0.1\n");
    LockHolder holder(db, k_lock);
    std::thread release([&holder] {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        holder.release();
    });
    const auto result = run_rev(db.dir().path(), {"upgrade", "head", "-q", "--pg-lock-timeout", "0",
                                                  "--pg-lock-retries", "0"});
    release.join();
    CHECK(result.err == "");
    CHECK(result.exit_code == 0);
    CHECK(lock_retry_details(db).empty());
}

TEST_CASE("Backend: SQLite held in a write transaction by another connection",
          "[backend][give-way]") {
    BackendFixture db;
    if (db.is_postgresql()) {
        return;
    }
    write_project(db, "");
    write_scripted_revision(db.dir(), "a0", {}, "CREATE TABLE u (x integer);\n", "DROP TABLE u;\n");
    write_scripted_revision(db.dir(), "a1", {"a0"}, "ALTER TABLE t ADD COLUMN b integer;\n",
                            "ALTER TABLE t DROP COLUMN b;\n");
    REQUIRE(run_rev(db.dir().path(), {"upgrade", "a0", "-q"}).exit_code == 0);
    const std::string before = db.records();
    // Not through rev's lock: as another program writing to the file would.
    const auto writer = db.connect();
    writer->runner().begin();
    writer->runner().execute({"INSERT INTO u VALUES (1);", "writer.sql"});

    const auto started = std::chrono::steady_clock::now();
    const auto result =
        run_rev(db.dir().path(), {"upgrade", "head", "-q", "--lock-timeout", "0.5"});
    const auto waited = std::chrono::steady_clock::now() - started;
    writer->runner().rollback();
    CHECK(result.err == "rev: error: versions/a1/up.sql:1: upgrade a1 failed: database is locked "
                        "(another connection holds a write transaction on it; waited 0.5 s, "
                        "--lock-timeout) (this step was rolled back; 0 earlier steps stay "
                        "applied)\n");
    CHECK(result.exit_code == 1);
    CHECK(waited >= std::chrono::milliseconds(500));
    CHECK(waited < std::chrono::seconds(10));
    CHECK(db.records() == before);
    CHECK(db.applied_ids() == std::vector<std::string>{"a0"});
}
