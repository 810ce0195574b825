// [postgresql] in migrate.toml and [targets.NAME.postgresql]: DDL that gives way
// (docs/safety.md), read by src/load/config.cpp and src/load/config_targets.cpp.
#include "config_error.hpp"

#include <rev/config.hpp>
#include <rev/database_targets.hpp>
#include <rev/error.hpp>

#include <catch2/catch.hpp>

#include <string>

using rev::test::config_error;

TEST_CASE("parse_config: [postgresql] defaults give way after 5 s, 3 times", "[config]") {
    const rev::Config config = rev::parse_config("", "/p/migrate.toml");
    CHECK(config.postgresql.lock_timeout_seconds == 5);
    CHECK(config.postgresql.statement_timeout_seconds == 0);
    CHECK(config.postgresql.lock_retries == 3);
}

TEST_CASE("parse_config: [postgresql] keys, and a target's overrides", "[config]") {
    const rev::Config config =
        rev::parse_config("[postgresql]\nlock_timeout = 0.2\nstatement_timeout = 600\n"
                          "lock_retries = 0\n"
                          "[targets.prod]\nurl = \"postgresql://db/app\"\n"
                          "postgresql = { lock_timeout = 2 }\n"
                          "[targets.staging.postgresql]\nlock_retries = 7\n"
                          "[targets.staging]\nurl = \"postgresql://db/staging\"\n",
                          "/p/migrate.toml");
    CHECK(config.postgresql.lock_timeout_seconds == 0.2);
    CHECK(config.postgresql.statement_timeout_seconds == 600);
    CHECK(config.postgresql.lock_retries == 0);

    const rev::Config prod = rev::config_for(config, rev::find_target(config, "prod"));
    CHECK(prod.postgresql.lock_timeout_seconds == 2);
    CHECK(prod.postgresql.statement_timeout_seconds == 600);
    CHECK(prod.postgresql.lock_retries == 0);
    const rev::Config staging = rev::config_for(config, rev::find_target(config, "staging"));
    CHECK(staging.postgresql.lock_timeout_seconds == 0.2);
    CHECK(staging.postgresql.lock_retries == 7);
}

TEST_CASE("parse_config: rejects bad [postgresql] keys and values", "[config][error]") {
    CHECK(config_error("[postgresql]\nlock_retry = 2\n") ==
          "migrate.toml:2: unknown key 'lock_retry' in [postgresql] (did you mean "
          "'lock_retries'?)");
    CHECK(config_error("[postgresql]\nlock_timeout = \"5s\"\n") ==
          "migrate.toml:2: 'lock_timeout' in [postgresql] must be a number of seconds");
    CHECK(config_error("[postgresql]\n\nstatement_timeout = -1\n") ==
          "migrate.toml:3: 'statement_timeout' in [postgresql] must not be negative");
    CHECK(config_error("[postgresql]\nlock_timeout = 1e9\n") ==
          "migrate.toml:2: 'lock_timeout' in [postgresql] must be at most 2147483 seconds "
          "(PostgreSQL's limit)");
    CHECK(config_error("[postgresql]\nlock_retries = 2.5\n") ==
          "migrate.toml:2: 'lock_retries' in [postgresql] must be a whole number from 0 to 100");
    CHECK(config_error("[postgresql]\nlock_retries = -1\n") ==
          "migrate.toml:2: 'lock_retries' in [postgresql] must be a whole number from 0 to 100");
    CHECK(config_error("postgresql = 5\n") ==
          "migrate.toml:1: 'postgresql' must be a table ([postgresql])");
    CHECK(config_error("[targets.prod]\nurl = \"postgresql://db/app\"\npostgresql = 1\n") ==
          "migrate.toml:3: 'postgresql' in [targets.prod] must be a table "
          "([targets.prod.postgresql])");
    CHECK(config_error("[targets.prod]\nurl = \"postgresql://db/app\"\n"
                       "[targets.prod.postgresql]\nlock_timout = 1\n") ==
          "migrate.toml:4: unknown key 'lock_timout' in [targets.prod.postgresql] (did you mean "
          "'lock_timeout'?)");
}
