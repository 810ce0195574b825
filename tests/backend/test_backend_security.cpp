// Security and odd input against a live database, through the real binary: a password given in
// the URL is never shown nor stored, a refused login does not show it either, and the names
// from migrate.toml work when they are SQL keywords, mixed case, or as long as allowed.
// The cases tagged [postgresql] need a server: the SQLite run of the suite leaves them out with
// the test spec "~[postgresql]" (tests/CMakeLists.txt), so they are neither run nor reported as
// passing there. The CLI side without a server is tests/cli/test_cli_security.cpp.
#include "backend_fixture.hpp"
#include "run_rev.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using rev::test::BackendFixture;
using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::write_revision;

namespace {

constexpr const char* k_password = "Pw0rd-Zq7Xk9";

// The fixture's connection string for another role.
std::string url_as(const BackendFixture& db, const std::string& user, const std::string& password) {
    return db.url_text() + " user=" + user + " password=" + password;
}

void drop_role(const BackendFixture& db, const std::string& role) {
    db.execute("DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role +
               "') THEN EXECUTE 'DROP OWNED BY " + role + "'; EXECUTE 'DROP ROLE " + role +
               "'; END IF; END $$;");
}

// A role that may log in with k_password and work in the fixture's schema.
class ScopedRole {
public:
    ScopedRole(const BackendFixture& db, std::string name, const std::string& options = "LOGIN")
        : m_db(db), m_name(std::move(name)) {
        drop_role(m_db, m_name);
        m_db.execute("CREATE ROLE " + m_name + " " + options + " PASSWORD '" + k_password +
                     "'; GRANT ALL ON SCHEMA public TO " + m_name + ";");
    }
    ~ScopedRole() {
        try {
            drop_role(m_db, m_name);
        } catch (...) {
            // The next run drops it first.
        }
    }
    ScopedRole(const ScopedRole&) = delete;
    ScopedRole& operator=(const ScopedRole&) = delete;

private:
    const BackendFixture& m_db;
    std::string m_name;
};

// The [postgresql] cases start here: run on SQLite (without the SQLite run's test spec), they
// fail saying why instead of passing with nothing checked.
void require_postgresql(const BackendFixture& db) {
    if (!db.is_postgresql()) {
        FAIL("this case needs PostgreSQL: set REV_TEST_DATABASE to a libpq connection string, or "
             "leave it out with the test spec ~[postgresql]");
    }
}

bool has_password(const RunResult& result) {
    return result.out.find("Zq7Xk9") != std::string::npos ||
           result.err.find("Zq7Xk9") != std::string::npos;
}

bool one_line(const std::string& text) {
    return std::count(text.begin(), text.end(), '\n') == 1 && text.ends_with("\n");
}

void write_two_revisions(const BackendFixture& db) {
    write_revision(db.dir(), "a", {});
    write_revision(db.dir(), "b", {"a"});
}

// Writes migrate.toml for the fixture's database with `database` added to its section.
void configure(const BackendFixture& db, const std::string& database) {
    db.dir().write("migrate.toml", "[database]\nurl = \"" + db.url_text() + "\"\n" + database);
}

// Upgrades to head and back down to a through the real binary, checking each step.
void up_and_down(const BackendFixture& db) {
    RunResult result = run_rev(db.dir().path(), {"-q", "upgrade", "head"});
    CHECK(result.err.empty());
    CHECK(run_rev(db.dir().path(), {"current"}).out == "b (head), revision b\n");
    result = run_rev(db.dir().path(), {"-q", "downgrade", "a"});
    CHECK(result.err.empty());
    CHECK(run_rev(db.dir().path(), {"current"}).out == "a, revision a\n");
    CHECK(run_rev(db.dir().path(), {"log"}).out.find("downgrade b") != std::string::npos);
}

} // namespace

TEST_CASE("Backend security: a password in the URL is never shown nor stored",
          "[backend][security][postgresql]") {
    BackendFixture db;
    require_postgresql(db);
    const ScopedRole role(db, "rev_pw_user");
    write_revision(db.dir(), "a", {});
    write_revision(db.dir(), "b", {"a"});
    write_revision(db.dir(), "c", {"b"});
    db.dir().write("versions/c/up.sql", "CREATE TABLE t_c (x INTEGER);\nCREATE TABLE (;\n");
    const std::string url = url_as(db, "rev_pw_user", k_password);
    db.dir().write("migrate.toml", "[database]\nurl = \"" + url + "\"\n");

    const std::vector<std::vector<std::string>> commands = {
        {"upgrade", "b"},
        {"current"},
        {"current", "-v"},
        {"status"},
        {"log"},
        {"check"},
        {"upgrade", "head", "--dry-run"},
        {"upgrade", "base:head", "--sql"},
        {"downgrade", "head:base", "--sql"},
        {"upgrade", "head"}, // c fails on its line 2
        {"log"},
        {"downgrade", "-1"},
        {"stamp", "b"},
        {"log"},
    };
    for (const auto& command : commands) {
        INFO("rev " << command.front() << (command.size() > 1 ? " " + command[1] : ""));
        const RunResult result = run_rev(db.dir().path(), command);
        CHECK_FALSE(has_password(result));
        if (command == std::vector<std::string>{"upgrade", "head"}) {
            CHECK(result.exit_code == 1);
            CHECK(result.err.find("versions/c/up.sql:2: upgrade c failed: ") != std::string::npos);
        }
    }
    // The records rev wrote, searched by the server itself: every column of every row.
    for (const std::string table : {"rev_version", "rev_version_log", "rev_version_meta"}) {
        INFO(table);
        CHECK_NOTHROW(db.execute("DO $$ BEGIN IF EXISTS (SELECT FROM " + table +
                                 " t WHERE t::text LIKE '%Zq7Xk9%') THEN RAISE EXCEPTION "
                                 "'password stored'; END IF; END $$;"));
    }
    CHECK(db.connect()->log(100).size() >= 3);
}

TEST_CASE("Backend security: a refused login does not show the password",
          "[backend][security][postgresql]") {
    BackendFixture db;
    require_postgresql(db);
    write_revision(db.dir(), "a", {});
    db.dir().write("migrate.toml", "[database]\nurl = \"sqlite:///unused.db\"\n");
    const auto connect_as = [&](const std::string& url) {
        return run_rev(db.dir().path(), {"--url", url, "upgrade", "head"});
    };
    SECTION("a role that may not log in") {
        const ScopedRole role(db, "rev_pw_nologin", "NOLOGIN");
        const RunResult result = connect_as(url_as(db, "rev_pw_nologin", k_password));
        CHECK(result.err.starts_with("rev: error: cannot connect to postgresql://rev_pw_nologin:"
                                     "***@"));
        CHECK(result.err.ends_with("FATAL:  role \"rev_pw_nologin\" is not permitted to log in\n"));
        CHECK(one_line(result.err));
        CHECK_FALSE(has_password(result));
    }
    SECTION("a role that does not exist") {
        drop_role(db, "rev_pw_nobody");
        const RunResult result = connect_as(url_as(db, "rev_pw_nobody", k_password));
        CHECK(result.err.ends_with("FATAL:  role \"rev_pw_nobody\" does not exist\n"));
        CHECK(one_line(result.err));
        CHECK_FALSE(has_password(result));
    }
    SECTION("a database that does not exist") {
        const RunResult result =
            connect_as(db.url_text() + " dbname=rev_no_such_db password=" + k_password);
        CHECK(result.err.ends_with("FATAL:  database \"rev_no_such_db\" does not exist\n"));
        CHECK(one_line(result.err));
        CHECK_FALSE(has_password(result));
    }
    SECTION("a wrong password, when the server asks for one") {
        const ScopedRole role(db, "rev_pw_user");
        const RunResult result = connect_as(url_as(db, "rev_pw_user", "Wrong-Zq7Xk9"));
        CHECK_FALSE(has_password(result));
        if (result.exit_code == 0) {
            // scripts/test.sh's throwaway server trusts local connections.
            WARN("the server trusts this connection: a wrong password was not refused");
        } else {
            CHECK(result.err.ends_with(
                "FATAL:  password authentication failed for user \"rev_pw_user\"\n"));
            CHECK(one_line(result.err));
        }
    }
}

TEST_CASE("Backend security: names that are keywords, mixed case or as long as allowed work",
          "[backend][security]") {
    BackendFixture db;
    write_two_revisions(db);
    SECTION("a keyword") {
        configure(db, "version_table = \"select\"\n");
        up_and_down(db);
    }
    SECTION("a mixed-case keyword, without a schema") {
        configure(db, "version_table = \"Order\"\n");
        up_and_down(db);
    }
    SECTION("58 characters: with _meta, exactly PostgreSQL's 63") {
        configure(db, "version_table = \"" + std::string(58, 'v') + "\"\n");
        up_and_down(db);
        // SQLite has no limit to reach; on PostgreSQL the longest name must not be truncated.
        if (db.is_postgresql()) {
            CHECK_NOTHROW(db.execute("DO $$ BEGIN IF to_regclass('" + std::string(58, 'v') +
                                     "_meta') IS NULL THEN RAISE EXCEPTION 'no meta'; END IF; "
                                     "END $$;"));
        }
    }
}

TEST_CASE("Backend security: a mixed-case table in a mixed-case schema works",
          "[backend][security][postgresql]") {
    BackendFixture db;
    require_postgresql(db);
    write_two_revisions(db);
    db.execute("DROP SCHEMA IF EXISTS \"Rev_Ops\" CASCADE;");
    configure(db, "version_table = \"Order\"\nschema = \"Rev_Ops\"\n");
    up_and_down(db);
    CHECK_NOTHROW(db.execute("DO $$ BEGIN IF to_regclass('\"Rev_Ops\".\"Order_log\"') IS "
                             "NULL THEN RAISE EXCEPTION 'no log'; END IF; END $$;"));
    db.execute("DROP SCHEMA \"Rev_Ops\" CASCADE;");
}

TEST_CASE("Backend: a script saved with a byte-order mark runs", "[backend][bad_input]") {
    BackendFixture db;
    write_revision(db.dir(), "a", {});
    db.dir().write("versions/a/up.sql", "\xEF\xBB\xBF"
                                        "CREATE TABLE t_a (x INTEGER);\n");
    db.dir().write("versions/a/down.sql", "\xEF\xBB\xBF"
                                          "DROP TABLE t_a;\n");
    CHECK(db.move(rev::MoveKind::upgrade, "head") == 1);
    CHECK(db.tables() == std::vector<std::string>{"t_a"});
    CHECK(db.move(rev::MoveKind::downgrade, "base") == 1);
    CHECK(db.tables().empty());
}
