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
