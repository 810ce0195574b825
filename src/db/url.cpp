#include <rev/error.hpp>
#include <rev/url.hpp>

#include <libpq-fe.h>

#include <memory>
#include <regex>

namespace rev {

namespace {

[[noreturn]] void invalid_url(const std::string& url, const std::string& why) {
    throw ConfigError("invalid database URL '" + mask_password(url) + "': " + why);
}

DatabaseUrl parse_sqlite(const std::string& url, const std::filesystem::path& base_dir) {
    DatabaseUrl result;
    result.kind = DatabaseUrl::Kind::sqlite;
    result.display = url;
    std::string rest = url.substr(std::string("sqlite://").size());
    if (rest.find('?') != std::string::npos) {
        invalid_url(url, "query parameters are not supported for SQLite");
    }
    if (rest.empty() || rest == "/:memory:") {
        result.sqlite_path = ":memory:";
        return result;
    }
    if (rest.front() != '/') {
        invalid_url(url, "expected sqlite:///relative/path.db or sqlite:////absolute/path.db");
    }
    rest.erase(0, 1);
    if (rest.empty()) {
        invalid_url(url, "missing the database file name");
    }
    if (rest.find('=') != std::string::npos) {
        invalid_url(url, "'=' is not allowed in a SQLite file name");
    }
    const std::filesystem::path path(rest);
    result.sqlite_path = (path.is_absolute() ? path : base_dir / path).lexically_normal();
    return result;
}

using ConninfoOptions = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

std::string quote_keyword_value(const std::string& value) {
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\\' || c == '\'') {
            quoted += '\\';
        }
        quoted += c;
    }
    return quoted + "'";
}

DatabaseUrl parse_postgresql(std::string url) {
    // SQLAlchemy writes the driver into the scheme (postgresql+psycopg2://); libpq does not.
    static const std::regex driver(R"(^(postgres(ql)?)\+[A-Za-z0-9_]+://)");
    url = std::regex_replace(url, driver, "$1://");
    char* error = nullptr;
    ConninfoOptions options(PQconninfoParse(url.c_str(), &error), &PQconninfoFree);
    if (!options) {
        std::string why = error != nullptr ? error : "cannot parse it";
        PQfreemem(error);
        while (!why.empty() && why.back() == '\n') {
            why.pop_back();
        }
        invalid_url(url, mask_password(why));
    }
    DatabaseUrl result;
    result.kind = DatabaseUrl::Kind::postgresql;
    std::string user, host, port, dbname;
    bool has_password = false;
    for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
        if (option->val == nullptr) {
            continue;
        }
        const std::string keyword = option->keyword;
        const std::string value = option->val;
        result.conninfo +=
            (result.conninfo.empty() ? "" : " ") + keyword + "=" + quote_keyword_value(value);
        if (keyword == "user") {
            user = value;
        } else if (keyword == "host") {
            host = value;
        } else if (keyword == "port") {
            port = value;
        } else if (keyword == "dbname") {
            dbname = value;
        } else if (keyword == "password") {
            has_password = true;
        }
    }
    // libpq waits forever for an unreachable host by default; a migration tool should not.
    if (result.conninfo.find("connect_timeout=") == std::string::npos) {
        result.conninfo += " connect_timeout='10'";
    }
    result.display = "postgresql://" + user + (has_password ? ":***" : "") +
                     (user.empty() && !has_password ? "" : "@") + host +
                     (port.empty() ? "" : ":" + port) + "/" + dbname;
    return result;
}

} // namespace

DatabaseUrl parse_database_url(const std::string& url, const std::filesystem::path& base_dir) {
    if (url.empty()) {
        throw ConfigError("no database URL: set [database] url in migrate.toml, "
                          "REV_DATABASE_URL, or --url");
    }
    if (url.starts_with("sqlite://")) {
        return parse_sqlite(url, base_dir);
    }
    if (url.starts_with("postgres") || url.find('=') != std::string::npos) {
        return parse_postgresql(url);
    }
    invalid_url(url, "expected sqlite:// or postgresql://");
}

std::string mask_password(const std::string& text) {
    static const std::regex url_password(R"((://[^:/@\s]*:)[^@\s]*@)");
    static const std::regex keyword_password(R"((password\s*=\s*)('([^'\\]|\\.)*'|\S+))");
    return std::regex_replace(std::regex_replace(text, url_password, "$1***@"), keyword_password,
                              "$1***");
}

} // namespace rev
