#include "config_error.hpp"
#include "temp_dir.hpp"

#include <rev/config.hpp>
#include <rev/error.hpp>

#include <catch2/catch.hpp>

#include <string>

using rev::test::ScopedCurrentPath;
using rev::test::TempDir;
namespace fs = std::filesystem;

using rev::test::config_error;

TEST_CASE("parse_config: defaults", "[config]") {
    const rev::Config config = rev::parse_config("", "/project/migrate.toml");
    CHECK(config.file == fs::path("/project/migrate.toml"));
    CHECK(config.root() == fs::path("/project"));
    CHECK(config.revisions_dir == fs::path("/project/versions"));
    CHECK(config.database_url.empty());
    CHECK(config.version_table == "rev_version");
    CHECK(config.version_schema.empty());
    CHECK(config.transaction_mode == rev::TransactionMode::per_revision);
    CHECK(config.lock_timeout_seconds == 60);
    CHECK_FALSE(config.allow_multiple_heads);
}

TEST_CASE("parse_config: every key", "[config]") {
    const rev::Config config = rev::parse_config(R"(
[revisions]
dir = "../db/revisions"

[database]
url = "postgresql://app@localhost/app"
version_table = "schema_history"
schema = "ops"

[run]
transaction = "all"
lock_timeout = 2.5

[check]
allow_multiple_heads = true
)",
                                                 "/project/conf/migrate.toml");
    CHECK(config.revisions_dir == fs::path("/project/db/revisions"));
    CHECK(config.database_url == "postgresql://app@localhost/app");
    CHECK(config.version_table == "schema_history");
    CHECK(config.version_schema == "ops");
    CHECK(config.transaction_mode == rev::TransactionMode::all);
    CHECK(config.lock_timeout_seconds == 2.5);
    CHECK(config.allow_multiple_heads);
    SECTION("an integer lock_timeout and transaction = \"revision\"") {
        const rev::Config other = rev::parse_config(
            "[run]\ntransaction = \"revision\"\nlock_timeout = 5\n", "/p/migrate.toml");
        CHECK(other.lock_timeout_seconds == 5);
        CHECK(other.transaction_mode == rev::TransactionMode::per_revision);
    }
    SECTION("an absolute revisions dir") {
        const rev::Config other =
            rev::parse_config("[revisions]\ndir = \"/srv/revisions\"\n", "/p/migrate.toml");
        CHECK(other.revisions_dir == fs::path("/srv/revisions"));
    }
}

TEST_CASE("parse_config: the text rev init writes", "[config]") {
    const rev::Config config = rev::parse_config(rev::default_config_text(), "/p/migrate.toml");
    CHECK(config.revisions_dir == fs::path("/p/versions"));
    CHECK(config.database_url == "sqlite:///app.db");
    CHECK(config.version_table == "rev_version");
    CHECK(config.transaction_mode == rev::TransactionMode::per_revision);
}

TEST_CASE("parse_config: rejects malformed TOML with its line", "[config][error]") {
    CHECK(config_error("[database]\nurl = \"x\"\nurl = \"y\"\n") ==
          "migrate.toml:3: invalid TOML: Error while parsing key-value pair: cannot redefine "
          "existing string 'url'");
}

TEST_CASE("parse_config: rejects unknown sections and keys", "[config][error]") {
    SECTION("a section, with a suggestion") {
        CHECK(config_error("# comment\n[revision]\ndir = \"x\"\n") ==
              "migrate.toml:2: unknown section 'revision' (did you mean 'revisions'?)");
    }
    SECTION("a section, without a suggestion") {
        CHECK(config_error("[logging]\nlevel = 1\n") ==
              "migrate.toml:1: unknown section 'logging'");
    }
    SECTION("a key, with a suggestion") {
        CHECK(config_error("[database]\nurl = \"x\"\nversion_tabel = \"v\"\n") ==
              "migrate.toml:3: unknown key 'version_tabel' in [database] (did you mean "
              "'version_table'?)");
    }
    SECTION("a key, without a suggestion") {
        CHECK(config_error("[run]\n\nparallel = true\n") ==
              "migrate.toml:3: unknown key 'parallel' in [run]");
    }
    SECTION("a key outside any section") {
        CHECK(config_error("url = \"sqlite:///x.db\"\n[database]\n") ==
              "migrate.toml:1: key 'url' is outside any section (put it under [database])");
        CHECK(config_error("colour = true\n") ==
              "migrate.toml:1: key 'colour' is outside any section");
    }
    SECTION("a section that is not a table") {
        CHECK(config_error("database = \"sqlite:///x.db\"\n") ==
              "migrate.toml:1: 'database' must be a table ([database])");
    }
}

TEST_CASE("parse_config: rejects a value of the wrong type", "[config][error]") {
    CHECK(config_error("[revisions]\ndir = 3\n") ==
          "migrate.toml:2: 'dir' in [revisions] must be a string");
    CHECK(config_error("[database]\nurl = [\"a\"]\n") ==
          "migrate.toml:2: 'url' in [database] must be a string");
    CHECK(config_error("[run]\nlock_timeout = \"60s\"\n") ==
          "migrate.toml:2: 'lock_timeout' in [run] must be a number of seconds");
    CHECK(config_error("[run]\ntransaction = true\n") ==
          "migrate.toml:2: 'transaction' in [run] must be a string");
    CHECK(config_error("[check]\nallow_multiple_heads = \"yes\"\n") ==
          "migrate.toml:2: 'allow_multiple_heads' in [check] must be a boolean");
}

TEST_CASE("parse_config: rejects bad values", "[config][error]") {
    SECTION("a transaction mode") {
        CHECK(config_error("[run]\ntransaction = \"each\"\n") ==
              "migrate.toml:2: 'transaction' must be \"revision\" or \"all\", not \"each\"");
    }
    SECTION("a negative lock timeout") {
        CHECK(config_error("[run]\nlock_timeout = -1\n") ==
              "migrate.toml:2: 'lock_timeout' must not be negative");
    }
    SECTION("a version_table that is not a safe identifier") {
        CHECK(config_error("[database]\nversion_table = \"v; DROP TABLE users\"\n") ==
              "migrate.toml:2: 'version_table' must be an SQL identifier (letters, digits and "
              "'_', not starting with a digit), not 'v; DROP TABLE users'");
        CHECK(config_error("[database]\nversion_table = \"\"\n") ==
              "migrate.toml:2: 'version_table' must be an SQL identifier (letters, digits and "
              "'_', not starting with a digit), not ''");
    }
    SECTION("a schema that is not a safe identifier") {
        CHECK(config_error("[database]\nschema = \"1st\"\n") ==
              "migrate.toml:2: 'schema' must be an SQL identifier (letters, digits and '_', not "
              "starting with a digit), not '1st'");
    }
}

TEST_CASE("is_safe_identifier", "[config]") {
    CHECK(rev::is_safe_identifier("rev_version"));
    CHECK(rev::is_safe_identifier("_x9"));
    CHECK(rev::is_safe_identifier(std::string(63, 'a')));
    CHECK_FALSE(rev::is_safe_identifier(std::string(64, 'a')));
    CHECK_FALSE(rev::is_safe_identifier(""));
    CHECK_FALSE(rev::is_safe_identifier("9lives"));
    CHECK_FALSE(rev::is_safe_identifier("a.b"));
    CHECK_FALSE(rev::is_safe_identifier("a\"b"));
    CHECK_FALSE(rev::is_safe_identifier("tabl\xc3\xa9"));
}

TEST_CASE("load_config", "[config]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    SECTION("reads the file") {
        dir.write("migrate.toml", "[database]\nurl = \"sqlite:///a.db\"\n");
        const rev::Config config = rev::load_config("migrate.toml");
        CHECK(config.file == dir.path() / "migrate.toml");
        CHECK(config.revisions_dir == dir.path() / "versions");
        CHECK(config.database_url == "sqlite:///a.db");
    }
    SECTION("names the file in an error") {
        dir.write("conf/migrate.toml", "[database]\nurl = 1\n");
        REQUIRE_THROWS_WITH(rev::load_config(dir.path() / "conf/migrate.toml"),
                            "conf/migrate.toml:2: 'url' in [database] must be a string");
    }
    SECTION("rejects a missing file") {
        REQUIRE_THROWS_AS(rev::load_config("migrate.toml"), rev::ConfigError);
        REQUIRE_THROWS_WITH(rev::load_config("migrate.toml"), "migrate.toml: cannot read the file");
    }
}

TEST_CASE("find_config: walks up to the nearest migrate.toml", "[config]") {
    TempDir dir;
    fs::create_directories(dir.path() / "app/src/deep");
    dir.write("migrate.toml", "");
    SECTION("in the folder itself") {
        CHECK(rev::find_config(dir.path()) == dir.path() / "migrate.toml");
    }
    SECTION("in a folder above") {
        CHECK(rev::find_config(dir.path() / "app/src/deep") == dir.path() / "migrate.toml");
    }
    SECTION("the nearest of several") {
        dir.write("app/migrate.toml", "");
        CHECK(rev::find_config(dir.path() / "app/src/deep") == dir.path() / "app/migrate.toml");
    }
    SECTION("a folder called migrate.toml does not count") {
        fs::create_directories(dir.path() / "app/src/migrate.toml");
        CHECK(rev::find_config(dir.path() / "app/src/deep") == dir.path() / "migrate.toml");
    }
    SECTION("from a relative start") {
        ScopedCurrentPath cwd(dir.path() / "app/src");
        CHECK(rev::find_config("deep") == dir.path() / "migrate.toml");
    }
}
