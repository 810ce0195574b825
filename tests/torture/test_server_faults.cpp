// Server faults on PostgreSQL (docs/safety.md, "Server faults"): rev's connection terminated
// by another session mid-step, the server stopped (pg_ctl stop -m immediate) and started again
// mid-move, and the holder of rev's advisory lock killed while another rev waits for it. After
// each fault rev must say, on one line, that the connection was lost; the database must be
// consistent; and the next `rev upgrade head` must finish. On SQLite there is no server: the
// cases pass without running.
#include "run_rev.hpp"
#include "torture.hpp"

#include <catch2/catch.hpp>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string_view>
#include <thread>

using namespace rev::torture;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int k_kill_trials = 30;
constexpr int k_stop_trials = 10;
constexpr int k_revisions = 6;

// s0 -> s1 -> ... : each up.sql creates t_<id> with its row, then runs a statement long enough
// for a fault to land inside it.
TortureGraph write_slow_graph(const rev::test::TempDir& dir, const std::string& url) {
    dir.write("migrate.toml", "[database]\nurl = \"" + url + "\"\n");
    TortureGraph graph;
    std::string parent;
    for (int i = 0; i < k_revisions; ++i) {
        const std::string id = "s" + std::to_string(i);
        const std::string folder = "versions/" + id + "/";
        const std::string parents = parent.empty() ? "" : "\"" + parent + "\"";
        dir.write(folder + "manifest.toml", std::string("id = \"")
                                                .append(id)
                                                .append("\"\nmessage = \"slow\"\nparents = [")
                                                .append(parents)
                                                .append("]\n"));
        const std::string table = "t_" + id;
        dir.write(folder + "up.sql", std::string("CREATE TABLE ")
                                         .append(table)
                                         .append(" (x integer);\nINSERT INTO ")
                                         .append(table)
                                         .append(" VALUES (1);\nSELECT pg_sleep(0.05);\n"));
        dir.write(folder + "down.sql", "DROP TABLE t_" + id + ";\n");
        graph.ids.push_back(id);
        graph.parents[id] =
            parent.empty() ? std::vector<std::string>{} : std::vector<std::string>{parent};
        parent = id;
    }
    return graph;
}

struct Tally {
    int trials = 0;
    int lost = 0;     // rev said the connection was lost
    int finished = 0; // the fault landed after rev was done
    int refused = 0;  // the fault landed before rev had connected: it could not

    std::vector<std::string> problems;
};

bool is_one_line(std::string_view text) {
    return text.find('\n') == text.size() - 1;
}

// A server going down while rev connects says so ("WARNING:  terminating connection due to
// immediate shutdown command"), and libpq prints that to stderr itself: SOCI makes the
// connection, so rev's notice processor can only be set once it is made (docs/safety.md).
std::string_view after_connect_warnings(std::string_view err) {
    constexpr std::string_view warning = "WARNING:  terminating connection ";
    while (err.starts_with(warning) && err.find('\n') != std::string_view::npos) {
        err.remove_prefix(err.find('\n') + 1);
    }
    return err;
}

// rev's exit after a fault: 0, or 1 with one line saying the connection was lost, or that it
// could not connect (the server went before rev reached it).
void judge_exit(const rev::test::RunResult& ended, const std::string& context, Tally& tally) {
    if (ended.exit_code == 0) {
        ++tally.finished;
        return;
    }
    if (ended.exit_code == 1 && is_one_line(ended.err) &&
        ended.err.find("the connection to the database was lost") != std::string::npos) {
        ++tally.lost;
        return;
    }
    const std::string_view refusal = after_connect_warnings(ended.err);
    if (ended.exit_code == 1 && is_one_line(refusal) &&
        refusal.starts_with("rev: error: cannot connect to ")) {
        ++tally.refused;
        return;
    }
    tally.problems.push_back(context + ": rev exited with " + std::to_string(ended.exit_code) +
                             ": " + ended.err);
}

// The database is consistent, and the next `rev upgrade head` applies everything.
void judge_after(TortureDatabase& db, const TortureGraph& graph, const std::filesystem::path& dir,
                 const std::string& context, Tally& tally) {
    for (const std::string& problem : check_snapshot(graph, db.snapshot())) {
        tally.problems.push_back(std::string(context).append(": ").append(problem));
    }
    // A short --lock-timeout: rev's lock must have gone with the session that held it.
    const rev::test::RunResult next =
        rev::test::run_rev(dir, {"upgrade", "head", "-q", "--lock-timeout", "2"});
    if (next.exit_code != 0) {
        tally.problems.push_back(context + ": the next upgrade failed: " + next.err);
    }
    if (db.snapshot().applied.size() != graph.ids.size()) {
        tally.problems.push_back(context + ": the next upgrade left revisions unapplied");
    }
}

// Runs `rev upgrade head` in a thread, with `fault` after `delay`; returns how rev ended.
template <class Fault>
rev::test::RunResult upgrade_with_fault(const std::filesystem::path& dir, Clock::duration delay,
                                        Fault fault) {
    rev::test::RunResult ended;
    std::thread rev([&] { ended = rev::test::run_rev(dir, {"upgrade", "head", "-q"}); });
    std::this_thread::sleep_for(delay);
    fault();
    rev.join();
    return ended;
}

void report(const char* what, const Tally& tally, std::uint64_t seed, Clock::duration took) {
    std::cout << "server faults test (" << what << "): " << tally.trials << " trials, "
              << tally.lost << " lost the connection mid-move, " << tally.refused
              << " could not connect, " << tally.finished << " finished first; "
              << tally.problems.size() << " inconsistencies; seed " << seed << ", "
              << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
    for (const std::string& problem : tally.problems) {
        std::cout << "server faults test (" << what << "): " << problem << "\n";
    }
}

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}

} // namespace

TEST_CASE("Server faults: rev's connection terminated at random moments", "[torture][faults]") {
    rev::test::TempDir dir;
    TortureDatabase db(dir.path());
    if (!db.is_postgresql()) {
        return;
    }
    const TortureGraph graph = write_slow_graph(dir, db.url());
    const std::uint64_t seed = torture_seed();
    std::mt19937_64 random(seed);
    // The whole upgrade takes about k_revisions * 50 ms; the faults land across all of it.
    std::uniform_int_distribution<int> delay_ms(0, k_revisions * 60);
    Tally tally;
    const auto started = Clock::now();
    for (; tally.trials < k_kill_trials; ++tally.trials) {
        db.reset();
        const auto delay = std::chrono::milliseconds(delay_ms(random));
        const std::string context = "trial " + std::to_string(tally.trials) +
                                    " (terminated after " + std::to_string(delay.count()) + " ms)";
        const auto ended = upgrade_with_fault(dir.path(), delay, [&] {
            // Closed before the checks, which wait until no other session is connected.
            soci::session killer(soci::postgresql, db.url());
            killer << "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                      "current_database() AND pid <> pg_backend_pid()";
        });
        judge_exit(ended, context, tally);
        judge_after(db, graph, dir.path(), context, tally);
    }
    report("pg_terminate_backend", tally, seed, Clock::now() - started);
    CHECK(tally.problems.empty());
}

TEST_CASE("Server faults: the server stopped and started again mid-move",
          "[torture][faults][server-stop]") {
    rev::test::TempDir dir;
    TortureDatabase db(dir.path());
    const std::string pg_ctl = environment("REV_POSTGRESQL_PG_CTL");
    const std::string data = environment("REV_POSTGRESQL_DATA_DIR");
    if (!db.is_postgresql() || pg_ctl.empty() || data.empty()) {
        return;
    }
    const TortureGraph graph = write_slow_graph(dir, db.url());
    const std::uint64_t seed = torture_seed();
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<int> delay_ms(0, k_revisions * 60);
    // The server runs as its data folder's owner: as root, pg_ctl refuses to run.
    std::vector<std::string> restart = {pg_ctl,      "restart", "-D", data, "-m",
                                        "immediate", "-w",      "-t", "60"};
    if (::geteuid() == 0) {
        restart.insert(restart.begin(), {"runuser", "-u", "postgres", "--"});
    }
    Tally tally;
    const auto started = Clock::now();
    for (; tally.trials < k_stop_trials; ++tally.trials) {
        db.reset();
        const auto delay = std::chrono::milliseconds(delay_ms(random));
        const std::string context = "trial " + std::to_string(tally.trials) + " (stopped after " +
                                    std::to_string(delay.count()) + " ms)";
        // restart, not stop then start: one command, which leaves the server running even when
        // the trial's checks fail.
        rev::test::RunResult restarted;
        const auto ended = upgrade_with_fault(
            dir.path(), delay, [&] { restarted = rev::test::run_program(dir.path(), restart); });
        if (restarted.exit_code != 0) {
            tally.problems.push_back(context + ": pg_ctl restart failed: " + restarted.err);
            break;
        }
        judge_exit(ended, context, tally);
        judge_after(db, graph, dir.path(), context, tally);
    }
    report("pg_ctl stop -m immediate", tally, seed, Clock::now() - started);
    CHECK(tally.problems.empty());
}

namespace {

// The pid of the one other session whose query contains `text`, waiting up to 10 s for it.
std::string session_running(soci::session& session, const std::string& text) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
        std::string pid;
        soci::indicator found = soci::i_null;
        session << "SELECT MIN(pid)::text FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
                   "query LIKE '%" +
                       text + "%'",
            soci::into(pid, found);
        if (found == soci::i_ok) {
            return pid;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "";
}

// How long after `since` a session other than `pid` holds an advisory lock; 10 s at most.
Clock::duration until_lock_taken_from(soci::session& session, const std::string& pid,
                                      Clock::time_point since) {
    const auto deadline = since + std::chrono::seconds(10);
    int holders = 0;
    while (Clock::now() < deadline) {
        session << "SELECT COUNT(*)::int FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                   "pid <> " +
                       pid,
            soci::into(holders);
        if (holders > 0) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Clock::now() - since;
}

} // namespace

TEST_CASE("Server faults: a rev waiting for the lock takes it soon after its holder dies",
          "[torture][faults]") {
    rev::test::TempDir dir;
    TortureDatabase db(dir.path());
    if (!db.is_postgresql()) {
        return;
    }
    dir.write("migrate.toml", "[database]\nurl = \"" + db.url() + "\"\n");
    dir.write("versions/h0/manifest.toml", "id = \"h0\"\nmessage = \"long\"\nparents = []\n");
    dir.write("versions/h0/up.sql", "CREATE TABLE t_h0 (x integer);\nINSERT INTO t_h0 VALUES (1);\n"
                                    "SELECT pg_sleep(2);\n");
    dir.write("versions/h0/down.sql", "DROP TABLE t_h0;\n");
    TortureGraph graph;
    graph.ids = {"h0"};
    graph.parents["h0"] = {};
    db.reset();
    auto watch = std::make_unique<soci::session>(soci::postgresql, db.url());

    RevProcess holder(dir.path(), {"upgrade", "head", "-q"});
    const std::string holder_pid = session_running(*watch, "pg_sleep(2)");
    REQUIRE(!holder_pid.empty());
    RevProcess waiter(dir.path(), {"upgrade", "head", "-q", "--lock-timeout", "30"});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto killed = Clock::now();
    holder.kill();
    // The server notices the dead client within client_connection_check_interval, which rev
    // sets; without it the holder's session would keep the lock until pg_sleep ended.
    const auto took = until_lock_taken_from(*watch, holder_pid, killed);
    watch.reset();
    const Ended waited = waiter.wait();
    std::cout << "server faults test (lock holder killed): the waiting rev took the lock "
              << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
              << " ms after the holder died\n";
    CHECK(took < std::chrono::seconds(1));
    CHECK(waited.err == "");
    CHECK(waited.exit_code == 0);
    CHECK(check_snapshot(graph, db.snapshot()).empty());
}
