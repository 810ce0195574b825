// Security through the real binary, on SQLite and with unreachable PostgreSQL servers:
// - the version table and schema from migrate.toml are checked identifiers, refused whole before
//   anything runs, and quoted when used;
// - a password given in a URL never shows in any output. The PostgreSQL side, with a live
//   server, is tests/backend/test_backend_security.cpp.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::TempDir;
using rev::test::write_revision;

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// a1 - b2, with b2 applied, and a table `victim` the injections below try to drop.
void write_project(const TempDir& dir) {
    rev::test::write_sqlite_project(dir);
    dir.write("versions/a1/up.sql", "CREATE TABLE victim (x INTEGER);\n");
    dir.write("versions/a1/down.sql", "DROP TABLE victim;\n");
    REQUIRE(run_rev(dir.path(), {"-q", "upgrade", "head"}).exit_code == 0);
}

// `value` as a TOML literal string where it can be one, else as a basic string with escapes.
std::string toml_string(const std::string& value) {
    if (value.find_first_of("'\n") == std::string::npos) {
        return "'" + value + "'";
    }
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '\n') {
            quoted += "\\n";
        } else if (c == '"' || c == '\\') {
            quoted += std::string("\\") + c;
        } else {
            quoted += c;
        }
    }
    return quoted + "\"";
}

struct Injection {
    std::string value;
    // The message's tail after "'KEY' ".
    std::string why;
};

std::string not_identifier(const std::string& value) {
    return "must be an SQL identifier (letters, digits and '_', not starting with a digit), "
           "not '" +
           value + "'";
}

std::vector<Injection> injections() {
    std::vector<Injection> list;
    for (const std::string value :
         {"rev_version; DROP TABLE victim", "rev_version\"; DROP TABLE victim; --", "a\"b", "x--",
          "x'y", "x/*", "rev.version", "`x`", "[x]", "rev version", "1abc", "", "v\xc3\xa9rsion",
          "rev\xe2\x80\x8bversion", "\xd0\xb0\x64min"}) {
        list.push_back({value, not_identifier(value)});
    }
    return list;
}

} // namespace

TEST_CASE("security: version_table and schema are identifiers, checked before anything runs",
          "[cli][security]") {
    TempDir dir;
    write_project(dir);
    const std::string before = slurp(dir.path() / "app.db");
    const auto try_value = [&](const std::string& key, const Injection& injection,
                               const std::vector<std::string>& args) {
        INFO(key << " = " << toml_string(injection.value) << ", rev " << args.front());
        dir.write("migrate.toml", "[database]\nurl = \"sqlite:///app.db\"\n" + key + " = " +
                                      toml_string(injection.value) + "\n");
        const RunResult result = run_rev(dir.path(), args);
        CHECK(result.err == "rev: error: migrate.toml:3: '" + key + "' " + injection.why + "\n");
        CHECK(result.exit_code == 1);
        CHECK(result.out.empty());
    };
    std::size_t tried = 0;
    for (const std::string key : {"version_table", "schema"}) {
        for (const Injection& injection : injections()) {
            try_value(key, injection, {"upgrade", "head"});
            ++tried;
        }
        // The check comes with the configuration, before any command reads or writes.
        for (const std::vector<std::string>& args : {std::vector<std::string>{"downgrade", "base"},
                                                     {"current", "-v"},
                                                     {"log"},
                                                     {"status"},
                                                     {"stamp", "base", "--purge"},
                                                     {"upgrade", "base:head", "--sql"}}) {
            try_value(key, injections().front(), args);
            ++tried;
        }
    }
    CHECK(slurp(dir.path() / "app.db") == before);
    std::cout << "security: " << tried << " runs with an injected identifier\n";
}

TEST_CASE("security: a newline in version_table cannot forge a second message line",
          "[cli][security]") {
    TempDir dir;
    write_project(dir);
    dir.write("migrate.toml", "[database]\nurl = \"sqlite:///app.db\"\nversion_table = "
                              "\"x\\nrev: error: all fine\"\n");
    const RunResult result = run_rev(dir.path(), {"upgrade", "head"});
    CHECK(result.exit_code == 1);
    // The name is shown as written, but every line of the message is marked as rev's error.
    CHECK(result.err == "rev: error: migrate.toml:3: 'version_table' must be an SQL identifier "
                        "(letters, digits and '_', not starting with a digit), not 'x\n"
                        "rev: error: rev: error: all fine'\n");
}

TEST_CASE("security: names too long for PostgreSQL are refused with their length",
          "[cli][security]") {
    TempDir dir;
    write_project(dir);
    const std::string before = slurp(dir.path() / "app.db");
    SECTION("version_table: 58 characters, since rev adds _meta") {
        dir.write("migrate.toml", "[database]\nurl = \"sqlite:///app.db\"\nversion_table = \"" +
                                      std::string(59, 'v') + "\"\n");
        CHECK(run_rev(dir.path(), {"upgrade", "head"}).err ==
              "rev: error: migrate.toml:3: 'version_table' may be at most 58 characters (rev "
              "adds _meta and _log to it), not 59\n");
    }
    SECTION("schema: 63 characters") {
        dir.write("migrate.toml", "[database]\nurl = \"sqlite:///app.db\"\nschema = \"" +
                                      std::string(64, 's') + "\"\n");
        CHECK(run_rev(dir.path(), {"upgrade", "head"}).err ==
              "rev: error: migrate.toml:3: 'schema' may be at most 63 characters, not 64\n");
    }
    SECTION("a long name with a bad character is named as not an identifier") {
        const std::string name = std::string(40, 'v') + "-" + std::string(30, 'v');
        dir.write("migrate.toml",
                  "[database]\nurl = \"sqlite:///app.db\"\nversion_table = \"" + name + "\"\n");
        CHECK(run_rev(dir.path(), {"upgrade", "head"}).err ==
              "rev: error: migrate.toml:3: 'version_table' " + not_identifier(name) + "\n");
    }
    CHECK(slurp(dir.path() / "app.db") == before);
}

TEST_CASE("security: valid names that are SQL keywords work, because rev quotes them",
          "[cli][security]") {
    TempDir dir;
    dir.write("migrate.toml",
              "[database]\nurl = \"sqlite:///app.db\"\nversion_table = \"select\"\n");
    write_revision(dir, "a1", {});
    write_revision(dir, "b2", {"a1"});
    const std::string table = std::string(58, 'T');
    SECTION("select") {
        CHECK(run_rev(dir.path(), {"-q", "upgrade", "head"}).exit_code == 0);
        CHECK(run_rev(dir.path(), {"current"}).out == "b2 (head), revision b2\n");
        CHECK(run_rev(dir.path(), {"-q", "downgrade", "a1"}).exit_code == 0);
        CHECK(run_rev(dir.path(), {"current"}).out == "a1, revision a1\n");
        const std::string sql = run_rev(dir.path(), {"upgrade", "base:head", "--sql"}).out;
        CHECK(sql.find("CREATE TABLE IF NOT EXISTS \"select\" (") != std::string::npos);
        CHECK(sql.find("INSERT INTO \"select_log\" (") != std::string::npos);
    }
    SECTION("the longest name allowed") {
        dir.write("migrate.toml",
                  "[database]\nurl = \"sqlite:///app.db\"\nversion_table = \"" + table + "\"\n");
        CHECK(run_rev(dir.path(), {"-q", "upgrade", "head"}).exit_code == 0);
        CHECK(run_rev(dir.path(), {"current"}).out == "b2 (head), revision b2\n");
    }
}

namespace {

// A password no message has a reason to contain.
constexpr const char* k_password = "Pw0rd-Zq7Xk9";

// Every stream of `result` without the password, in its written and decoded forms.
void check_no_password(const RunResult& result, const std::string& password = k_password) {
    for (const std::string& stream : {result.out, result.err}) {
        CHECK(stream.find(password) == std::string::npos);
        CHECK(stream.find(k_password) == std::string::npos);
        CHECK(stream.find("Zq7Xk9") == std::string::npos);
    }
}

} // namespace

TEST_CASE("security: a password in a URL never shows, whatever the command",
          "[cli][security][password]") {
    TempDir dir;
    write_project(dir);
    const std::string url = "postgresql://bob:" + std::string(k_password) +
                            "@127.0.0.1:1/app?connect_timeout=2&application_name=rev";
    const std::vector<std::vector<std::string>> commands = {
        {"upgrade", "head"},
        {"upgrade", "head", "--dry-run"},
        {"upgrade", "a1:head", "--sql"},
        {"downgrade", "base"},
        {"downgrade", "head:base", "--sql"},
        {"stamp", "head"},
        {"current"},
        {"current", "-v"},
        {"status"},
        {"log"},
        {"check"},
        {"history"},
        {"heads", "-v"},
        {"show", "head"},
        {"upgrade", "nowhere"},
    };
    std::size_t runs = 0;
    SECTION("given with --url") {
        for (const auto& command : commands) {
            std::vector<std::string> args = {"--url", url};
            args.insert(args.end(), command.begin(), command.end());
            INFO(command.front());
            check_no_password(run_rev(dir.path(), args));
            ++runs;
        }
    }
    SECTION("from REV_DATABASE_URL") {
        for (const auto& command : commands) {
            INFO(command.front());
            check_no_password(run_rev(dir.path(), command, {{"REV_DATABASE_URL", url}}));
            ++runs;
        }
    }
    SECTION("from migrate.toml, in keyword form") {
        dir.write("migrate.toml", "[database]\nurl = \"host=127.0.0.1 port=1 user=bob password=" +
                                      std::string(k_password) + " connect_timeout=2\"\n");
        for (const auto& command : commands) {
            INFO(command.front());
            check_no_password(run_rev(dir.path(), command));
            ++runs;
        }
    }
    std::cout << "security: " << runs << " runs with a password in the URL (one source)\n";
}

TEST_CASE("security: a password never shows in a URL that does not parse",
          "[cli][security][password]") {
    TempDir dir;
    write_project(dir);
    const std::string pw = k_password;
    // Each URL breaks libpq's parser somewhere, some of them inside the password.
    const std::vector<std::pair<std::string, std::string>> urls = {
        {"postgresql://bob:" + pw + "%ZZ@127.0.0.1/app", pw + "%ZZ"},
        {"postgresql://bob:%ZZ" + pw + "@127.0.0.1/app", "%ZZ" + pw},
        {"postgresql://bob:" + pw + "@127.0.0.1:port/app", pw},
        {"postgresql://bob:" + pw + "@[::1/app", pw},
        {"postgresql://bob:" + pw + "@127.0.0.1/app?colour=red", pw},
        {"postgresql://bob@127.0.0.1/app?password=" + pw + "&colour=red", pw},
        {"postgresql://bob@127.0.0.1:1/app?pass%77ord=" + pw + "&sslmode=bogus", pw},
        {"host=127.0.0.1 password=" + pw + " colour=red", pw},
        {"host=127.0.0.1 password='" + pw + " dbname=app", pw},
        {"host=127.0.0.1 password = '" + pw + "' port=x", pw},
        {"mysql://bob:" + pw + "@127.0.0.1/app", pw},
    };
    for (const auto& [url, password] : urls) {
        INFO(url);
        const RunResult result = run_rev(dir.path(), {"--url", url, "current"});
        CHECK(result.exit_code == 1);
        CHECK(result.err.starts_with("rev: error: "));
        check_no_password(result, password);
    }
}
