#include <rev/error.hpp>
#include <rev/url.hpp>

#include <catch2/catch.hpp>

using rev::DatabaseUrl;
using rev::parse_database_url;

TEST_CASE("parse_database_url: SQLite as SQLAlchemy writes it", "[url]") {
    CHECK(parse_database_url("sqlite:///app.db", "/srv/proj").sqlite_path == "/srv/proj/app.db");
    CHECK(parse_database_url("sqlite:///data/../app.db", "/srv/proj").sqlite_path ==
          "/srv/proj/app.db");
    CHECK(parse_database_url("sqlite:////var/lib/app.db", "/srv/proj").sqlite_path ==
          "/var/lib/app.db");
    CHECK(parse_database_url("sqlite://", "/srv").is_memory());
    CHECK(parse_database_url("sqlite:///:memory:", "/srv").is_memory());
    CHECK_THROWS_WITH(parse_database_url("sqlite:///app.db?mode=ro", "/srv"),
                      "invalid database URL 'sqlite:///app.db?mode=ro': query parameters are "
                      "not supported for SQLite");
    CHECK_THROWS_WITH(parse_database_url("sqlite:/app.db", "/srv"),
                      "invalid database URL 'sqlite:/app.db': expected sqlite:// or postgresql://");
}

TEST_CASE("parse_database_url: PostgreSQL through PQconninfoParse, password masked", "[url]") {
    const DatabaseUrl url =
        parse_database_url("postgresql://bob:s3cr%40t@db.local:5433/app?sslmode=require", "/");
    CHECK(url.kind == DatabaseUrl::Kind::postgresql);
    CHECK(url.display == "postgresql://bob:***@db.local:5433/app");
    CHECK(url.conninfo == "user='bob' password='s3cr@t' dbname='app' host='db.local' "
                          "port='5433' sslmode='require' connect_timeout='10'");
    CHECK(parse_database_url("postgres://u@h/d", "/").display == "postgresql://u@h/d");
    CHECK(parse_database_url("postgresql+psycopg2://u@h/d", "/").display == "postgresql://u@h/d");
    // The driver was dropped with std::regex, which overflowed the stack on a long one.
    CHECK(
        parse_database_url("postgresql+" + std::string(1'000'000, 'x') + "://u@h/d", "/").display ==
        "postgresql://u@h/d");
    CHECK(parse_database_url("host=h dbname=d", "/").display == "postgresql://h/d");
    CHECK_THROWS_WITH(parse_database_url("postgresql://bob:s3cret@h/d?nosuch=1", "/"),
                      Catch::Contains("postgresql://bob:***@h/d?nosuch=1") &&
                          !Catch::Contains("s3cret"));
    CHECK_THROWS_WITH(parse_database_url("", "/"),
                      "no database URL: set [database] url in migrate.toml, REV_DATABASE_URL, "
                      "or --url");
}

TEST_CASE("mask_password: URLs and keyword strings", "[url]") {
    CHECK(rev::mask_password("failed for postgresql://a:pw@h/d") ==
          "failed for postgresql://a:***@h/d");
    CHECK(rev::mask_password("host=h password='p w' dbname=d") == "host=h password=*** dbname=d");
}

// Found by fuzz/fuzz_url: what rev shows of a URL must not depend on its password.
TEST_CASE("parse_database_url: no password in the error of a URL libpq cannot parse",
          "[url][error]") {
    SECTION("libpq's message quotes the password: rev does not show it") {
        CHECK_THROWS_WITH(parse_database_url("postgresql://user:p%zzass@h/d", "/"),
                          "invalid database URL 'postgresql://user:***@h/d': libpq cannot parse "
                          "it, and its message would show the password");
        CHECK_THROWS_WITH(parse_database_url("postgresql://u:p%00@h/d", "/"),
                          "invalid database URL 'postgresql://u:***@h/d': libpq cannot parse it, "
                          "and its message would show the password");
    }
    SECTION("a password with a space") {
        CHECK_THROWS_WITH(parse_database_url("postgresql://user:pa ss@h/d?x=1", "/"),
                          "invalid database URL 'postgresql://user:***@h/d?x=1': invalid URI "
                          "query parameter: \"x\"");
    }
    SECTION("a password query parameter whose name is percent-encoded") {
        CHECK_THROWS_WITH(parse_database_url("postgresql://h/d?pass%77ord=secret&bad=1", "/"),
                          "invalid database URL 'postgresql://h/d?pass%77ord=***&bad=1': invalid "
                          "URI query parameter: \"bad\"");
    }
    SECTION("a keyword password that holds '?password='") {
        CHECK_THROWS_WITH(parse_database_url("host=h password=a?password=b nosuch=1", "/"),
                          "invalid database URL 'host=h password=*** nosuch=1': invalid "
                          "connection option \"nosuch\"");
    }
    SECTION("a URL of another scheme that libpq reads as keywords") {
        CHECK_THROWS_WITH(parse_database_url("mysql://user:pa ss@h/d?x=1", "/"),
                          "invalid database URL 'mysql://user:***@h/d?x=1': invalid connection "
                          "option \"mysql://user:***@h/d?x\"");
    }
    SECTION("a keyword password with an escaped blank") {
        CHECK_THROWS_WITH(parse_database_url("host=h password=a\\ b dbname=d nosuch=1", "/"),
                          "invalid database URL 'host=h password=*** dbname=d nosuch=1': invalid "
                          "connection option \"nosuch\"");
    }
}

TEST_CASE("mask_password: passwords as libpq reads them, in text of any length", "[url]") {
    CHECK(rev::mask_password("postgresql://u x:p w@h/d") == "postgresql://u x:***@h/d");
    CHECK(rev::mask_password("postgresql://h/d?sslmode=require&password=a b&x=1") ==
          "postgresql://h/d?sslmode=require&password=***&x=1");
    CHECK(rev::mask_password("host=h password='a\\' b' port=1") == "host=h password=*** port=1");
    // SQLAlchemy's driver suffix does not stop the URI from being read as libpq reads it.
    CHECK(rev::mask_password("postgresql+psycopg2://u:p w@h/d?pass%77ord=a b&x=1") ==
          "postgresql+psycopg2://u:***@h/d?pass%77ord=***&x=1");
    // A quoted value that looks like a password keyword does not hide the real one.
    CHECK(rev::mask_password("host='password =='password = sp hount") ==
          "host='password =*** = *** hount");
    // std::regex recursed once per character and overflowed the stack near 100 000.
    CHECK(rev::mask_password("password=" + std::string(1'000'000, 'a')) == "password=***");
    CHECK(rev::mask_password("a://b:" + std::string(1'000'000, 'c') + "@d") == "a://b:***@d");
}
