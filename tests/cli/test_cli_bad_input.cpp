// The bad-input corpus (tests/bad_input/, format in its README.md) through the real binary: each
// case asserts the whole of stderr, the exit status and stdout, and that the SQLite database is
// exactly as it was. Then valid inputs that look risky: empty scripts and a 10 MB script.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <rev/connect.hpp>
#include <rev/url.hpp>

#include <catch2/catch.hpp>
#include <toml++/toml.h>

#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::TempDir;

namespace {

namespace fs = std::filesystem;

using Args = std::vector<std::string>;

const fs::path& corpus() {
    static const fs::path path = fs::path(REV_TESTS_DIR) / "bad_input";
    return path;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

struct Case {
    std::string name; // e.g. "loader/unknown_parent"
    fs::path folder;
    Args args;
    std::vector<Args> setup = {{"upgrade", "b2"}};
    std::map<std::string, std::string> env;
    int exit_code = 1;
    std::optional<std::string> out = ""; // nullopt: not checked
    std::string err;
};

Args strings_of(const toml::array& array) {
    Args strings;
    for (const toml::node& element : array) {
        strings.push_back(element.value<std::string>().value());
    }
    return strings;
}

// Reads case.toml and expected.txt; a key the runner does not know is a typo in the corpus.
Case read_case(const fs::path& folder) {
    Case result;
    result.name = folder.lexically_relative(corpus()).generic_string();
    result.folder = folder;
    const toml::table table = toml::parse_file((folder / "case.toml").string());
    for (const auto& [key, node] : table) {
        const std::string_view name = key.str();
        if (name == "args") {
            result.args = strings_of(*node.as_array());
        } else if (name == "setup") {
            result.setup.clear();
            for (const toml::node& command : *node.as_array()) {
                result.setup.push_back(strings_of(*command.as_array()));
            }
        } else if (name == "env") {
            for (const auto& [variable, value] : *node.as_table()) {
                result.env[std::string(variable.str())] = value.value<std::string>().value();
            }
        } else if (name == "exit") {
            result.exit_code = static_cast<int>(node.value<int64_t>().value());
        } else if (name == "stdout") {
            result.out = node.value<std::string>().value();
        } else if (name == "ignore_stdout") {
            result.out.reset();
        } else {
            throw std::runtime_error(result.name + "/case.toml: unknown key '" + std::string(name) +
                                     "'");
        }
    }
    if (!fs::exists(folder / "expected.txt")) {
        throw std::runtime_error(result.name + ": no expected.txt");
    }
    result.err = slurp(folder / "expected.txt");
    return result;
}

std::vector<Case> cases_in(const std::string& area) {
    std::vector<fs::path> folders;
    for (const auto& entry : fs::directory_iterator(corpus() / area)) {
        if (fs::exists(entry.path() / "case.toml")) {
            folders.push_back(entry.path());
        }
    }
    std::sort(folders.begin(), folders.end());
    std::vector<Case> cases;
    cases.reserve(folders.size());
    for (const fs::path& folder : folders) {
        cases.push_back(read_case(folder));
    }
    return cases;
}

// Copies `from` into `to`, over what is there, leaving out the case's own files. A file in
// `from` may stand where `to` has a folder, or the other way round.
void overlay(const fs::path& from, const fs::path& to) {
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
        const fs::path relative = entry.path().lexically_relative(from);
        if (relative == "case.toml" || relative == "expected.txt") {
            continue;
        }
        const fs::path target = to / relative;
        if (entry.is_directory()) {
            if (!fs::is_directory(target)) {
                fs::remove(target);
            }
            fs::create_directories(target);
        } else {
            fs::remove_all(target);
            fs::copy_file(entry.path(), target);
        }
    }
}

std::string describe(const RunResult& result) {
    return "exit " + std::to_string(result.exit_code) + "\n--- stdout\n" + result.out +
           "--- stderr\n" + result.err;
}

// What must not change: the file's bytes, and, readably for a failure message, the tables and
// rev's records as rev reads them.
struct DatabaseState {
    std::optional<std::string> bytes;
    std::string records;

    bool operator==(const DatabaseState&) const = default;
};

std::string records_of(const fs::path& project) {
    try {
        auto database = rev::connect(rev::parse_database_url("sqlite:///app.db", project), {},
                                     rev::IfMissing::skip);
        if (!database) {
            return "(no database)";
        }
        std::string text = "tables:";
        for (const std::string& table :
             database->snapshot().names_of(rev::SchemaObject::Kind::table)) {
            text += " " + table;
        }
        text += "\napplied:";
        for (const rev::AppliedRevision& row : database->applied()) {
            text += " " + row.revision + "@" + std::to_string(row.seq);
        }
        text += "\nlog:";
        for (const rev::LogEntry& entry : database->log(1000)) {
            text += " " + entry.event + ":" + entry.revision;
        }
        return text;
    } catch (const rev::Error& error) {
        return std::string("(unreadable: ") + error.what() + ")";
    }
}

DatabaseState state_of(const fs::path& project) {
    DatabaseState state;
    if (fs::exists(project / "app.db")) {
        state.bytes = slurp(project / "app.db");
    }
    state.records = records_of(project);
    return state;
}

// The database each setup leaves, made once: most cases share the default one.
std::optional<std::string> database_after(const std::vector<Args>& setup) {
    static std::map<std::vector<Args>, std::optional<std::string>> made;
    if (auto it = made.find(setup); it != made.end()) {
        return it->second;
    }
    TempDir dir;
    fs::copy(corpus() / "_project", dir.path(), fs::copy_options::recursive);
    for (const Args& command : setup) {
        Args args = command;
        args.insert(args.begin(), "-q");
        const RunResult result = run_rev(dir.path(), args);
        if (result.exit_code != 0) {
            throw std::runtime_error("setup failed: " + describe(result));
        }
    }
    std::optional<std::string> bytes;
    if (fs::exists(dir.path() / "app.db")) {
        bytes = slurp(dir.path() / "app.db");
    }
    return made[setup] = bytes;
}

void run_case(const Case& c) {
    INFO("case " << c.name);
    TempDir dir;
    fs::copy(corpus() / "_project", dir.path(), fs::copy_options::recursive);
    if (const auto bytes = database_after(c.setup)) {
        std::ofstream(dir.path() / "app.db", std::ios::binary) << *bytes;
    }
    overlay(c.folder, dir.path());
    const DatabaseState before = state_of(dir.path());

    const RunResult result = run_rev(dir.path(), c.args, c.env);
    INFO(describe(result));
    CHECK(result.err == c.err);
    CHECK(result.exit_code == c.exit_code);
    if (c.out) {
        CHECK(result.out == *c.out);
    }
    const DatabaseState after = state_of(dir.path());
    CHECK(after.records == before.records);
    CHECK((after.bytes == before.bytes));
    CHECK_FALSE(fs::exists(dir.path() / "app.db-journal"));
    CHECK_FALSE(fs::exists(dir.path() / "app.db-wal"));
}

std::size_t run_area(const std::string& area) {
    // The corpus names its databases itself; a URL from the developer's shell must not win.
    unsetenv("REV_DATABASE_URL");
    const std::vector<Case> cases = cases_in(area);
    for (const Case& c : cases) {
        run_case(c);
    }
    std::cout << "bad-input corpus: " << cases.size() << " cases in " << area << "/\n";
    return cases.size();
}

} // namespace

TEST_CASE("bad input: the corpus is well formed", "[cli][bad_input]") {
    const std::vector<std::string> areas = {"config",  "database", "loader",
                                            "scripts", "targets",  "url"};
    std::size_t total = 0;
    for (const auto& entry : fs::directory_iterator(corpus())) {
        if (!entry.is_directory() || entry.path().filename() == "_project") {
            continue;
        }
        const std::string area = entry.path().filename().string();
        INFO("area " << area);
        CHECK(std::find(areas.begin(), areas.end(), area) != areas.end());
        for (const auto& folder : fs::directory_iterator(entry.path())) {
            INFO("folder " << folder.path());
            CHECK(fs::exists(folder.path() / "case.toml"));
            CHECK_NOTHROW(total += !read_case(folder.path()).args.empty());
        }
    }
    std::cout << "bad-input corpus: " << total << " cases\n";
    CHECK(total >= 100);
}

TEST_CASE("bad input: the loader reports each defect of a revisions folder", "[cli][bad_input]") {
    CHECK(run_area("loader") > 0);
}

TEST_CASE("bad input: malformed targets and ranges", "[cli][bad_input]") {
    CHECK(run_area("targets") > 0);
}

TEST_CASE("bad input: malformed migrate.toml", "[cli][bad_input]") {
    CHECK(run_area("config") > 0);
}

TEST_CASE("bad input: malformed database URLs", "[cli][bad_input]") {
    CHECK(run_area("url") > 0);
}

TEST_CASE("bad input: databases that cannot be used", "[cli][bad_input]") {
    CHECK(run_area("database") > 0);
}

TEST_CASE("bad input: scripts that fail or are not UTF-8 text", "[cli][bad_input]") {
    CHECK(run_area("scripts") > 0);
}

namespace {

// A copy of the corpus' project, for the valid inputs below.
void copy_project(const TempDir& dir) {
    fs::copy(corpus() / "_project", dir.path(), fs::copy_options::recursive);
}

Args applied_ids(const TempDir& dir) {
    Args ids;
    auto database = rev::connect(rev::parse_database_url("sqlite:///app.db", dir.path()), {},
                                 rev::IfMissing::fail);
    for (const rev::AppliedRevision& row : database->applied()) {
        ids.push_back(row.revision);
    }
    return ids;
}

Args tables_of(const TempDir& dir) {
    auto database = rev::connect(rev::parse_database_url("sqlite:///app.db", dir.path()), {},
                                 rev::IfMissing::fail);
    return database->snapshot().names_of(rev::SchemaObject::Kind::table);
}

} // namespace

TEST_CASE("bad input: empty scripts are valid and recorded (merges have them)",
          "[cli][bad_input]") {
    TempDir dir;
    copy_project(dir);
    dir.write("versions/c3/up.sql", "");
    dir.write("versions/c3/down.sql", "");
    dir.write("versions/d4/up.sql", "-- nothing to do yet\n/* still nothing */\n");
    dir.write("versions/d4/down.sql", "\n  \n\t\n");
    dir.write("versions/e5/up.sql", "\xEF\xBB\xBF");
    dir.write("versions/e5/down.sql", ";\n;\n");
    const RunResult up = run_rev(dir.path(), {"-q", "upgrade", "head"});
    INFO(describe(up));
    CHECK(up.exit_code == 0);
    CHECK(up.err.empty());
    CHECK(applied_ids(dir) == Args{"a1", "b2", "c3", "d4", "e5"});
    CHECK(tables_of(dir) == Args{"t_a1", "t_b2"});
    CHECK(run_rev(dir.path(), {"current"}).out == "e5 (head) (mergepoint), merge left and right\n");

    const RunResult down = run_rev(dir.path(), {"-q", "downgrade", "b2"});
    INFO(describe(down));
    CHECK(down.exit_code == 0);
    CHECK(down.err.empty());
    CHECK(applied_ids(dir) == Args{"a1", "b2"});
}

TEST_CASE("bad input: a 10 MB script applies, with bounded memory", "[cli][bad_input][big]") {
    TempDir dir;
    copy_project(dir);
    // 100,000 rows of ~100 bytes each, written as they are made: a child's peak memory counts
    // what it shared with this process when forked, so this process must stay small. The last
    // statement fails unless every row got in.
    constexpr int k_rows = 100'000;
    {
        std::ofstream script(dir.path() / "versions/c3/up.sql", std::ios::binary);
        script << "CREATE TABLE t_c3 (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n";
        const std::string padding(72, 'x');
        for (int i = 1; i <= k_rows; ++i) {
            script << "INSERT INTO t_c3 (id, v) VALUES (" << i << ", '" << padding << "');\n";
        }
        script << "CREATE TABLE t_c3_check (n INTEGER CHECK (n = " << k_rows << "));\n"
               << "INSERT INTO t_c3_check SELECT COUNT(*) FROM t_c3;\n";
    }
    REQUIRE(fs::file_size(dir.path() / "versions/c3/up.sql") >= 10'000'000);
    dir.write("versions/c3/down.sql", "DROP TABLE t_c3_check;\nDROP TABLE t_c3;\n");

    // AddressSanitizer keeps freed blocks in quarantine (256 MB by default), which would hide
    // what rev itself holds.
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string asan_options =
        (asan != nullptr && *asan != '\0' ? std::string(asan) + ":" : "") + "quarantine_size_mb=0";
    const RunResult result =
        run_rev(dir.path(), {"-q", "upgrade", "c3"}, {{"ASAN_OPTIONS", asan_options}});
    INFO(describe(result));
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(applied_ids(dir) == Args{"a1", "b2", "c3"});
    CHECK(tables_of(dir) == Args{"t_a1", "t_b2", "t_c3", "t_c3_check"});

    // Peaks in KiB. rev holds the script a few times over (as read, and its checksum's
    // normalised copy): about 80 MB in all under AddressSanitizer, 100 MB for 20 MB.
    constexpr long k_bound = 200L * 1024;
    rusage self{};
    rusage children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    INFO("largest child: " << children.ru_maxrss / 1024
                           << " MiB; this process: " << self.ru_maxrss / 1024 << " MiB");
    if (self.ru_maxrss < k_bound) {
        CHECK(children.ru_maxrss < k_bound);
    } else {
        WARN("memory not checked: this test process is larger than the bound");
    }

    const RunResult down = run_rev(dir.path(), {"-q", "downgrade", "b2"});
    INFO(describe(down));
    CHECK(down.exit_code == 0);
    CHECK(tables_of(dir) == Args{"t_a1", "t_b2"});
}
