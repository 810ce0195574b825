#include "torture.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace rev::torture {

namespace {

std::string quoted_list(const std::vector<std::string>& ids) {
    std::string list;
    for (const std::string& id : ids) {
        list += (list.empty() ? "\"" : ", \"") + id + "\"";
    }
    return "[" + list + "]";
}

void write_one(const test::TempDir& dir, TortureGraph& graph, const std::string& id,
               const std::vector<std::string>& parents, const std::string& label = "") {
    const std::filesystem::path folder = std::filesystem::path("versions") / id;
    dir.write(folder / "manifest.toml",
              "id = \"" + id + "\"\nmessage = \"torture " + id +
                  "\"\nparents = " + quoted_list(parents) + "\n" +
                  (label.empty() ? "" : "branch_labels = [\"" + label + "\"]\n"));
    dir.write(folder / "up.sql",
              "CREATE TABLE t_" + id + " (x INTEGER);\nINSERT INTO t_" + id + " (x) VALUES (1);\n");
    dir.write(folder / "down.sql", "DROP TABLE t_" + id + ";\n");
    graph.ids.push_back(id);
    graph.parents[id] = parents;
}

// A chain of `count` revisions named PREFIX000.., the first with `first_parents`; returns the
// last id.
std::string write_chain(const test::TempDir& dir, TortureGraph& graph, char prefix, int count,
                        const std::vector<std::string>& first_parents,
                        const std::string& label = "") {
    std::vector<std::string> parents = first_parents;
    for (int i = 0; i < count; ++i) {
        const std::string number = std::to_string(i);
        const std::string id = prefix + std::string(3 - number.size(), '0') + number;
        write_one(dir, graph, id, parents, i == 0 ? label : "");
        parents = {id};
    }
    return parents.front();
}

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::size_t count_progress_lines(const std::string& out) {
    std::size_t steps = 0;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("  up    ") || line.starts_with("  down  ")) {
            ++steps;
        }
    }
    return steps;
}

std::string configured_database() {
    const char* value = std::getenv("REV_TEST_DATABASE");
    return value != nullptr ? value : "sqlite";
}

std::vector<std::vector<std::string>> rows_of(soci::session& session, const std::string& query) {
    std::vector<std::vector<std::string>> rows;
    soci::rowset<soci::row> result = (session.prepare << query);
    for (const soci::row& row : result) {
        std::vector<std::string> values;
        for (std::size_t i = 0; i < row.size(); ++i) {
            values.push_back(row.get_indicator(i) == soci::i_null ? "" : row.get<std::string>(i));
        }
        rows.push_back(std::move(values));
    }
    return rows;
}

void check_replay(const TortureGraph& graph, const Snapshot& snapshot,
                  std::vector<std::string>& problems) {
    std::set<std::string> replayed;
    for (const LogEvent& event : snapshot.log) {
        const std::string where = "log event " + std::to_string(event.id) + " (" + event.event +
                                  " " + event.revision + ")";
        if (event.event == "purge") {
            replayed.clear();
        } else if (!graph.parents.contains(event.revision)) {
            problems.push_back(where + " names an unknown revision");
        } else if (event.event == "upgrade" || event.event == "stamp-up") {
            if (!replayed.insert(event.revision).second) {
                problems.push_back(where + " applies a revision already applied");
            }
        } else if (event.event == "downgrade" || event.event == "stamp-down") {
            if (replayed.erase(event.revision) == 0) {
                problems.push_back(where + " reverts a revision not applied");
            }
        } else {
            problems.push_back(where + " is no event of a transactional step");
        }
    }
    if (replayed != snapshot.applied) {
        problems.push_back("replaying the log gives " + std::to_string(replayed.size()) +
                           " applied revisions, the applied table holds " +
                           std::to_string(snapshot.applied.size()));
    }
}

} // namespace

TortureGraph write_torture_graph(const test::TempDir& dir, const std::string& url) {
    dir.write("migrate.toml",
              "[revisions]\ndir = \"versions\"\n\n[database]\nurl = \"" + url + "\"\n");
    TortureGraph graph;
    const std::string branch_point = write_chain(dir, graph, 'r', 40, {});
    const std::string alpha = write_chain(dir, graph, 'a', 30, {branch_point}, "alpha");
    const std::string beta = write_chain(dir, graph, 'b', 30, {branch_point}, "beta");
    write_one(dir, graph, "m000", {alpha, beta});
    write_chain(dir, graph, 'c', 10, {"m000"});
    return graph;
}

std::vector<std::string> check_snapshot(const TortureGraph& graph, const Snapshot& snapshot) {
    std::vector<std::string> problems;
    // rev creates its tables in one transaction: all of them or none.
    for (const char* table : {"rev_version", "rev_version_log", "rev_version_meta"}) {
        if (!snapshot.rev_tables.empty() && !snapshot.rev_tables.contains(table)) {
            problems.push_back(std::string("rev's table ") + table +
                               " is missing beside the others");
        }
    }
    for (const std::string& id : snapshot.applied) {
        if (!snapshot.rows_per_table.contains("t_" + id)) {
            problems.push_back(std::string(id)
                                   .append(" is recorded as applied but its table t_")
                                   .append(id)
                                   .append(" does not exist"));
        }
        const auto parents = graph.parents.find(id);
        if (parents == graph.parents.end()) {
            problems.push_back(id + " is recorded as applied but is no revision of the graph");
            continue;
        }
        for (const std::string& parent : parents->second) {
            if (!snapshot.applied.contains(parent)) {
                problems.push_back(std::string(id)
                                       .append(" is applied but its parent ")
                                       .append(parent)
                                       .append(" is not"));
            }
        }
    }
    for (const std::string& id : snapshot.unfinished) {
        problems.push_back(id +
                           " is recorded as an unfinished step, but its step is transactional");
    }
    for (const auto& [table, rows] : snapshot.rows_per_table) {
        if (!snapshot.applied.contains(table.substr(2))) {
            problems.push_back("table " + table + " exists but no applied revision created it");
        } else if (rows != 1) {
            problems.push_back("table " + table + " holds " + std::to_string(rows) +
                               " rows instead of 1");
        }
    }
    check_replay(graph, snapshot, problems);
    return problems;
}

std::size_t count_steps(const std::vector<LogEvent>& log) {
    std::size_t steps = 0;
    for (const LogEvent& event : log) {
        steps += event.event == "upgrade" || event.event == "downgrade" ? 1 : 0;
    }
    return steps;
}

TortureDatabase::TortureDatabase(const std::filesystem::path& dir) {
    const std::string database = configured_database();
    if (database == "sqlite") {
        m_sqlite_path = dir / "torture.db";
        m_url = "sqlite:///torture.db";
        return;
    }
    m_postgresql = true;
    m_url = database;
    m_connect = database;
}

TortureDatabase::~TortureDatabase() = default;

std::unique_ptr<soci::session> TortureDatabase::open() const {
    if (m_postgresql) {
        auto session = std::make_unique<soci::session>(soci::postgresql, m_connect);
        *session << "SET client_min_messages = warning";
        return session;
    }
    auto session = std::make_unique<soci::session>(soci::sqlite3, m_sqlite_path.string());
    *session << "PRAGMA busy_timeout = 60000";
    return session;
}

void TortureDatabase::wait_for_other_sessions(soci::session& session) const {
    if (!m_postgresql) {
        return; // a killed process holds no SQLite lock: the kernel released it
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (rows_of(session, "SELECT CAST(COUNT(*) AS TEXT) FROM pg_stat_activity WHERE datname "
                            "= current_database() AND pid <> pg_backend_pid()")
               .front()
               .front() != "0") {
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("a killed rev's session is still connected after 60 s");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void TortureDatabase::reset() {
    if (!m_postgresql) {
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
            std::filesystem::remove(m_sqlite_path.string() + suffix);
        }
        return;
    }
    auto session = open();
    wait_for_other_sessions(*session);
    *session << "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;";
}

Snapshot TortureDatabase::snapshot() {
    Snapshot snapshot;
    auto session = open();
    wait_for_other_sessions(*session);
    *session << (m_postgresql ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN");
    const std::string tables_query =
        m_postgresql ? "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                       "current_schema()"
                     : "SELECT name FROM sqlite_master WHERE type = 'table'";
    for (const auto& row : rows_of(*session, tables_query)) {
        const std::string& table = row.front();
        if (table.starts_with("rev_version")) {
            snapshot.rev_tables.insert(table);
        } else {
            snapshot.rows_per_table[table] = std::stoll(
                rows_of(*session, "SELECT CAST(COUNT(*) AS TEXT) FROM " + table).front().front());
        }
    }
    if (snapshot.rev_tables.contains("rev_version")) {
        for (const auto& row : rows_of(*session, "SELECT revision, state FROM rev_version")) {
            snapshot.applied.insert(row[0]);
            if (row[1] != "applied") {
                snapshot.unfinished.insert(row[0]);
            }
        }
        // Qualified, so that PostgreSQL orders by the number and not by the text column.
        for (const auto& row : rows_of(*session, "SELECT CAST(id AS TEXT), event, revision FROM "
                                                 "rev_version_log ORDER BY rev_version_log.id")) {
            snapshot.log.push_back({std::stoll(row[0]), row[1], row[2]});
        }
    }
    *session << "COMMIT";
    return snapshot;
}

RevProcess::RevProcess(const std::filesystem::path& cwd, const std::vector<std::string>& args) {
    static std::atomic<int> counter{0};
    const std::string suffix = std::to_string(counter++);
    m_out = cwd / (".torture-stdout-" + suffix);
    m_err = cwd / (".torture-stderr-" + suffix);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, m_out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, m_err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv{const_cast<char*>(REV_BINARY)};
    for (const std::string& arg : args) {
        argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    const int error = posix_spawn(&m_pid, REV_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
        throw std::runtime_error(std::string("cannot start ") + REV_BINARY);
    }
}

RevProcess::~RevProcess() {
    if (m_pid > 0) {
        kill();
    }
}

Ended RevProcess::kill() {
    // A process that has exited already is a zombie until reaped: the signal does nothing.
    ::kill(m_pid, SIGKILL);
    return reap(true);
}

Ended RevProcess::wait() {
    return reap(false);
}

Ended RevProcess::reap(bool killed) {
    int status = 0;
    while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_pid = -1;
    Ended ended;
    ended.killed = killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    ended.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ended.out = slurp(m_out);
    ended.err = slurp(m_err);
    ended.steps = count_progress_lines(ended.out);
    std::filesystem::remove(m_out);
    std::filesystem::remove(m_err);
    return ended;
}

std::uint64_t torture_seed() {
    if (const char* value = std::getenv("REV_TORTURE_SEED"); value != nullptr && *value != '\0') {
        return std::stoull(value);
    }
    std::random_device random;
    return (static_cast<std::uint64_t>(random()) << 32) | random();
}

} // namespace rev::torture
