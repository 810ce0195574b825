// [targets.NAME], [groups.NAME] and [database] default: how migrate.toml names databases, and
// how a group becomes the list of databases a fleet run takes.
#include "config_error.hpp"
#include "memory_file_system.hpp"

#include <rev/config.hpp>
#include <rev/database_targets.hpp>
#include <rev/error.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <string>

using rev::test::MemoryFileSystem;

using rev::test::config_error;

namespace {

const std::string k_fleet = R"([database]
default = "staging"

[run]
lock_timeout = 30

[targets.staging]
url = "sqlite:///staging.db"

[targets.prod]
url = "postgresql://app:${PROD_PASSWORD}@db.example.com/app"
transaction = "all"
lock_timeout = 5
version_table = "prod_versions"
schema = "ops"

[targets.control]
url = "sqlite:///control.db"

[groups.all]
targets = ["staging", "prod"]
urls_file = "tenants.txt"

[groups.from_control]
urls_query = "SELECT url FROM tenants"
query_target = "control"
)";

rev::Environment environment(const std::map<std::string, std::string>& variables) {
    return [variables](const std::string& name) -> std::optional<std::string> {
        if (auto found = variables.find(name); found != variables.end()) {
            return found->second;
        }
        return std::nullopt;
    };
}

std::vector<std::string> no_query(const rev::Config&, const std::string&) {
    FAIL("the group has no urls_query");
    return {};
}

} // namespace

TEST_CASE("parse_config: targets and groups", "[config][targets]") {
    const rev::Config config = rev::parse_config(k_fleet, "/p/migrate.toml");
    CHECK(config.default_target == "staging");
    REQUIRE(config.targets.size() == 3);
    const rev::DatabaseTarget& prod = config.targets.at("prod");
    CHECK(prod.url == "postgresql://app:${PROD_PASSWORD}@db.example.com/app");
    CHECK(prod.transaction_mode == rev::TransactionMode::all);
    CHECK(prod.lock_timeout_seconds == 5);
    CHECK(prod.version_table == "prod_versions");
    CHECK(prod.version_schema == "ops");
    CHECK_FALSE(config.targets.at("staging").transaction_mode);
    REQUIRE(config.groups.size() == 2);
    CHECK(config.groups.at("all").targets == std::vector<std::string>{"staging", "prod"});
    CHECK(config.groups.at("all").urls_file == "tenants.txt");
    CHECK(config.groups.at("from_control").query_target == "control");
}

TEST_CASE("config_for: a target's overrides, the project's settings otherwise", "[targets]") {
    const rev::Config config = rev::parse_config(k_fleet, "/p/migrate.toml");
    const rev::Config prod = rev::config_for(config, rev::find_target(config, "prod"));
    CHECK(prod.transaction_mode == rev::TransactionMode::all);
    CHECK(prod.lock_timeout_seconds == 5);
    CHECK(prod.version_table == "prod_versions");
    CHECK(prod.version_schema == "ops");
    const rev::Config staging = rev::config_for(config, rev::find_target(config, "staging"));
    CHECK(staging.database_url == "sqlite:///staging.db");
    CHECK(staging.transaction_mode == rev::TransactionMode::per_revision);
    CHECK(staging.lock_timeout_seconds == 30);
    CHECK(staging.version_table == "rev_version");
}

TEST_CASE("expand_variables: ${VAR} from the environment", "[targets]") {
    const auto env = environment({{"PASSWORD", "s3cret"}, {"HOST", "db"}});
    CHECK(rev::expand_variables("postgresql://u:${PASSWORD}@${HOST}/app", "here", env) ==
          "postgresql://u:s3cret@db/app");
    CHECK(rev::expand_variables("sqlite:///a.db", "here", env) == "sqlite:///a.db");
    CHECK_THROWS_WITH(rev::expand_variables("x${MISSING}", "migrate.toml:4: target 'prod'", env),
                      "migrate.toml:4: target 'prod' uses ${MISSING}, which is not set");
    CHECK_THROWS_WITH(rev::expand_variables("x${OPEN", "migrate.toml:4: url", env),
                      "migrate.toml:4: url has '${' without a closing '}'");
}

TEST_CASE("find_target and find_group: unknown names get a suggestion", "[targets][error]") {
    const rev::Config config = rev::parse_config(k_fleet, "migrate.toml");
    CHECK_THROWS_AS(rev::find_target(config, "stagin"), rev::UsageError);
    CHECK_THROWS_WITH(rev::find_target(config, "stagin"),
                      "unknown target 'stagin' (did you mean 'staging'?)");
    CHECK_THROWS_WITH(rev::find_group(config, "al"), "unknown group 'al' (did you mean 'all'?)");
    const rev::Config none = rev::parse_config("", "migrate.toml");
    CHECK_THROWS_WITH(rev::find_target(none, "prod"),
                      "unknown target 'prod' (migrate.toml has no [targets.NAME])");
}

TEST_CASE("resolve_group: targets, then the urls_file's lines, named after their files",
          "[targets]") {
    const rev::Config config = rev::parse_config(k_fleet, "/p/migrate.toml");
    MemoryFileSystem files;
    files.write("/p/tenants.txt", "# tenants\nsqlite:///t/tenant-0001.db\n\n  sqlite:///t/"
                                  "tenant-0002.db  \nhost=db dbname=tenant_3 user=app\n");
    const auto targets =
        rev::resolve_group(config, "all", no_query, environment({{"PROD_PASSWORD", "pw"}}), files);
    std::vector<std::string> names;
    names.reserve(targets.size());
    for (const rev::DatabaseTarget& target : targets) {
        names.push_back(target.name);
    }
    CHECK(names ==
          std::vector<std::string>{"staging", "prod", "tenant-0001", "tenant-0002", "tenant_3"});
    CHECK(targets[3].url == "sqlite:///t/tenant-0002.db");
    CHECK(targets[3].origin == "/p/tenants.txt:4");
    CHECK(targets[1].transaction_mode == rev::TransactionMode::all);
}

TEST_CASE("resolve_group: urls_query runs on its query_target", "[targets]") {
    const rev::Config config = rev::parse_config(k_fleet, "/p/migrate.toml");
    std::string asked;
    const auto query = [&asked](const rev::Config& source, const std::string& sql) {
        asked = source.database_url + " <- " + sql;
        return std::vector<std::string>{"sqlite:///a.db", "sqlite:///b.db"};
    };
    const auto targets = rev::resolve_group(config, "from_control", query, environment({}));
    CHECK(asked == "sqlite:///control.db <- SELECT url FROM tenants");
    REQUIRE(targets.size() == 2);
    CHECK(targets[1].name == "b");
    CHECK(targets[1].origin == "control row 2");
}

TEST_CASE("resolve_group: what is checked before anything runs", "[targets][error]") {
    const rev::Config config = rev::parse_config(k_fleet, "/p/migrate.toml");
    MemoryFileSystem files;
    const auto env = environment({{"PROD_PASSWORD", "pw"}});
    SECTION("an unset variable") {
        files.write("/p/tenants.txt", "sqlite:///${TENANT_DIR}/a.db\n");
        CHECK_THROWS_WITH(rev::resolve_group(config, "all", no_query, env, files),
                          "/p/tenants.txt:1: target 'a' uses ${TENANT_DIR}, which is not set");
    }
    SECTION("a URL twice, also once ${VAR}s are replaced") {
        files.write("/p/tenants.txt", "sqlite:///a.db\npostgresql://app:pw@db.example.com/app\n");
        CHECK_THROWS_WITH(rev::resolve_group(config, "all", no_query, env, files),
                          "/p/tenants.txt:2: group 'all' lists the same URL as /p/migrate.toml:11");
    }
    SECTION("an empty or missing urls_file") {
        files.write("/p/tenants.txt", "# none yet\n   \n");
        CHECK_THROWS_WITH(
            rev::resolve_group(config, "all", no_query, env, files),
            "/p/migrate.toml:22: urls_file 'tenants.txt' of group 'all' lists no URLs");
        files.remove_all("/p/tenants.txt");
        CHECK_THROWS_WITH(rev::resolve_group(config, "all", no_query, env, files),
                          "/p/migrate.toml:22: cannot read urls_file 'tenants.txt' of group 'all'");
    }
    SECTION("two databases of one name are told apart by where they were named") {
        files.write("/p/tenants.txt", "sqlite:///eu/shop.db\nsqlite:///us/shop.db\n");
        const auto targets = rev::resolve_group(config, "all", no_query, env, files);
        CHECK(targets[2].name == "/p/tenants.txt:1");
        CHECK(targets[3].name == "/p/tenants.txt:2");
    }
}

TEST_CASE("parse_config: defects of targets and groups", "[config][targets][error]") {
    CHECK(config_error("[targets.prod]\nuri = \"sqlite:///a.db\"\n") ==
          "migrate.toml:2: unknown key 'uri' in [targets.prod] (did you mean 'url'?)");
    CHECK(config_error("[targets.prod]\ntransaction = \"all\"\n") ==
          "migrate.toml:1: [targets.prod] has no 'url'");
    CHECK(config_error("[targets]\nprod = \"sqlite:///a.db\"\n") ==
          "migrate.toml:2: 'prod' in [targets] must be a table ([targets.prod])");
    CHECK(config_error("[targets.prod]\nurl = \"sqlite:///a.db\"\nlock_timeout = -1\n") ==
          "migrate.toml:3: 'lock_timeout' must not be negative");
    CHECK(config_error("[targets.prod]\nurl = \"sqlite:///a.db\"\nschema = \"1x\"\n") ==
          "migrate.toml:3: 'schema' must be an SQL identifier (letters, digits and '_', not "
          "starting with a digit), not '1x'");
    CHECK(config_error("[targets.a]\nurl = \"sqlite:///a.db\"\n[groups.g]\ntargets = \"a\"\n") ==
          "migrate.toml:4: 'targets' in [groups.g] must be an array of target names");
    CHECK(config_error("[groups.g]\n") ==
          "migrate.toml:1: group 'g' names no databases: give 'targets', 'urls_file' or "
          "'urls_query'");
    CHECK(config_error("[groups.g]\nurls_query = \"SELECT url FROM t\"\n") ==
          "migrate.toml:1: group 'g' has 'urls_query' but no 'query_target' to run it on");
    CHECK(config_error("[targets.control]\nurl = \"sqlite:///c.db\"\n[groups.g]\nurls_query = "
                       "\"SELECT 1\"\nquery_target = \"contrl\"\n") ==
          "migrate.toml:5: group 'g''s query_target names unknown target 'contrl' (did you mean "
          "'control'?)");
    CHECK(config_error("[database]\nurl = \"sqlite:///a.db\"\ndefault = \"a\"\n") ==
          "migrate.toml:3: [database] has both 'url' and 'default'; keep one");
    CHECK(config_error("[target.prod]\nurl = \"sqlite:///a.db\"\n") ==
          "migrate.toml:1: unknown section 'target' (did you mean 'targets'?)");
}
