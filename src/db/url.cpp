#include "db/libpq.hpp"

#include <rev/error.hpp>
#include <rev/url.hpp>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

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

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// `text` with %XY escapes decoded, as libpq decodes URI query keywords.
std::string percent_decode(std::string_view text) {
    std::string decoded;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const int high = text[i] == '%' && i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
        const int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
        if (low >= 0) {
            decoded += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            decoded += text[i];
        }
    }
    return decoded;
}

// Masks the value of every `?NAME=VALUE` or `&NAME=VALUE` whose NAME libpq decodes to
// "password" (pass%77ord too). libpq's value runs to the next '&', spaces included.
std::string mask_query_passwords(const std::string& text) {
    std::string masked;
    std::size_t copied = 0;
    for (std::size_t start = text.find_first_of("?&"); start != std::string::npos;
         start = text.find_first_of("?&", start + 1)) {
        // A name that decodes to "password" spans at most 8 %XY escapes: looking no further
        // keeps a long run of '?' linear.
        const std::string_view window = std::string_view(text).substr(start + 1, 8 * 3 + 1);
        const std::size_t name_size = window.find_first_of("=&");
        if (name_size == std::string_view::npos || window[name_size] != '=' ||
            percent_decode(window.substr(0, name_size)) != "password") {
            continue;
        }
        const std::size_t equals = start + 1 + name_size;
        const std::size_t end = std::min(text.find('&', equals), text.size());
        if (end > equals + 1) {
            masked += text.substr(copied, equals + 1 - copied) + "***";
            copied = end;
        }
        start = end - 1;
    }
    return masked + text.substr(copied);
}

// Masks user:PASSWORD@ right after each "scheme://", as libpq reads it: a '/' before the '@'
// means there are no credentials; the password runs from the first ':' to the '@', and may hold
// spaces. The masking steps scan by hand: std::regex recurses once per character matched and
// overflows the stack on a long message.
std::string mask_url_passwords(const std::string& text) {
    std::string masked;
    std::size_t copied = 0;
    for (std::size_t scheme = text.find("://"); scheme != std::string::npos;
         scheme = text.find("://", scheme + 1)) {
        const std::size_t start = scheme + 3;
        const std::size_t at = text.find_first_of("@/", start);
        if (at == std::string::npos || text[at] != '@') {
            continue;
        }
        const std::size_t colon = text.find(':', start);
        if (colon < at && colon >= copied) {
            masked += text.substr(copied, colon + 1 - copied) + "***";
            copied = at;
        }
    }
    return masked + text.substr(copied);
}

bool is_blank(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// Where the value of a `password = VALUE` keyword ends, as libpq's conninfo_parse reads it:
// quoted with backslash escapes (to the end when the quote is never closed), or up to a blank
// that no backslash escapes.
std::size_t keyword_value_end(const std::string& text, std::size_t value) {
    const bool quoted = value < text.size() && text[value] == '\'';
    std::size_t end = quoted ? value + 1 : value;
    while (end < text.size() && (quoted ? text[end] != '\'' : !is_blank(text[end]))) {
        end += text[end] == '\\' ? 2 : 1;
    }
    return std::min(quoted ? end + 1 : end, text.size());
}

// Masks the value of each `password = VALUE` keyword. After '?' or '&' the word is a URI query
// parameter, which mask_query_passwords reads instead.
std::string mask_keyword_passwords(const std::string& text) {
    static constexpr std::string_view k_keyword = "password";
    std::string masked;
    std::size_t copied = 0;
    for (std::size_t keyword = text.find(k_keyword); keyword != std::string::npos;
         keyword = text.find(k_keyword, keyword + 1)) {
        if (keyword < copied ||
            (keyword > 0 && (text[keyword - 1] == '?' || text[keyword - 1] == '&'))) {
            continue;
        }
        std::size_t equals = keyword + k_keyword.size();
        while (equals < text.size() && is_blank(text[equals])) {
            ++equals;
        }
        if (equals >= text.size() || text[equals] != '=') {
            continue;
        }
        std::size_t value = equals + 1;
        while (value < text.size() && is_blank(text[value])) {
            ++value;
        }
        const std::size_t end = keyword_value_end(text, value);
        if (end > value) {
            masked += text.substr(copied, value - copied) + "***";
            copied = end;
        }
    }
    return masked + text.substr(copied);
}

using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

// `text` with each [begin, end) of `spans` (in order, apart) replaced by "***".
std::string mask_spans(const std::string& text, const Spans& spans) {
    std::string masked;
    std::size_t copied = 0;
    for (const auto& [begin, end] : spans) {
        masked += text.substr(copied, begin - copied) + "***";
        copied = end;
    }
    return masked + text.substr(copied);
}

bool is_scheme_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.' ||
           c == '_';
}

// The length of a "scheme://" that starts `text`; 0 without one.
std::size_t scheme_length(std::string_view text) {
    const std::size_t end =
        std::find_if_not(text.begin(), text.end(), is_scheme_char) - text.begin();
    return end > 0 && text.substr(end).starts_with("://") ? end + 3 : 0;
}

// postgresql, postgres, or either with SQLAlchemy's driver (postgresql+psycopg2), which
// parse_postgresql drops before libpq reads the URI.
bool is_postgresql_scheme(std::string_view scheme) {
    for (const std::string_view name : {"postgresql", "postgres"}) {
        if (scheme == name) {
            return true;
        }
        if (scheme.starts_with(name) && scheme.size() > name.size() + 1 &&
            scheme[name.size()] == '+') {
            const std::string_view driver = scheme.substr(name.size() + 1);
            return std::all_of(driver.begin(), driver.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
            });
        }
    }
    return false;
}

// The password of user:password@ right after a URL's "scheme://" (at `start`), as libpq reads
// it: no '/' before the '@', and the password runs from the first ':' to the '@'. Returns where
// the host part starts (`start` without credentials).
std::size_t credentials(const std::string& url, std::size_t start, Spans& spans) {
    const std::size_t at = url.find_first_of("@/", start);
    if (at == std::string::npos || url[at] != '@') {
        return start;
    }
    if (const std::size_t colon = url.find(':', start); colon < at) {
        spans.emplace_back(colon + 1, at);
    }
    return at + 1;
}

// The passwords of a libpq URI, as conninfo_uri_parse_options reads them: the credentials', and
// the value of each query parameter whose name decodes to "password".
std::string mask_uri_conninfo(const std::string& uri, std::size_t prefix) {
    Spans spans;
    const std::size_t rest = credentials(uri, prefix, spans);
    const std::size_t query = uri.find('?', rest);
    for (std::size_t param = query; param < uri.size();) {
        const std::size_t end = std::min(uri.find('&', param + 1), uri.size());
        const std::string_view text = std::string_view(uri).substr(param + 1, end - param - 1);
        if (const std::size_t equals = text.find('=');
            equals != std::string_view::npos && equals + 1 < text.size() &&
            percent_decode(text.substr(0, equals)) == "password") {
            spans.emplace_back(param + 1 + equals + 1, end);
        }
        param = end;
    }
    return mask_spans(uri, spans);
}

// The passwords of a libpq keyword string, as conninfo_parse reads it. Past the point where
// libpq would stop with an error, mask_password's search has to do.
std::string mask_keyword_conninfo(const std::string& text) {
    Spans spans;
    std::size_t p = 0;
    while (p < text.size()) {
        if (is_blank(text[p])) {
            ++p;
            continue;
        }
        const std::size_t name = p;
        while (p < text.size() && text[p] != '=' && !is_blank(text[p])) {
            ++p;
        }
        const bool is_password = text.compare(name, p - name, "password") == 0;
        while (p < text.size() && is_blank(text[p])) {
            ++p;
        }
        if (p >= text.size() || text[p] != '=') {
            break;
        }
        ++p;
        while (p < text.size() && is_blank(text[p])) {
            ++p;
        }
        const std::size_t end = keyword_value_end(text, p);
        if (is_password && end > p) {
            spans.emplace_back(p, end);
        }
        p = end;
    }
    return mask_spans(text, spans);
}

// `conninfo` with its passwords masked, found with libpq's own grammar, so that what is left
// cannot depend on them.
std::string mask_conninfo(const std::string& conninfo) {
    const std::size_t scheme = scheme_length(conninfo);
    if (scheme > 0 && is_postgresql_scheme(std::string_view(conninfo).substr(0, scheme - 3))) {
        return mask_uri_conninfo(conninfo, scheme);
    }
    // Not a URI to libpq, but perhaps to its writer (mysql://user:password@host), and libpq may
    // quote that text whole in its message. Its credentials go first: a keyword that they seem
    // to hold must not decide what else is masked.
    Spans spans;
    if (scheme > 0) {
        credentials(conninfo, scheme, spans);
    }
    return mask_keyword_conninfo(mask_spans(conninfo, spans));
}

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

// libpq's parse of `conninfo`; empty, with libpq's message in `why`, when it fails.
ConninfoOptions parse_conninfo(const std::string& conninfo, std::string& why) {
    const db::Libpq& pq = db::libpq();
    char* error = nullptr;
    ConninfoOptions options(pq.conninfo_parse(conninfo.c_str(), &error), pq.conninfo_free);
    if (!options) {
        why = error != nullptr ? error : "cannot parse it";
        while (!why.empty() && why.back() == '\n') {
            why.pop_back();
        }
    }
    pq.freemem(error);
    return options;
}

DatabaseUrl parse_postgresql(std::string url) {
    // SQLAlchemy writes the driver into the scheme (postgresql+psycopg2://); libpq does not.
    const std::size_t scheme = scheme_length(url);
    if (const std::size_t plus = url.find('+');
        plus < scheme && is_postgresql_scheme(std::string_view(url).substr(0, scheme - 3))) {
        url.erase(plus, scheme - 3 - plus);
    }
    std::string why;
    const ConninfoOptions options = parse_conninfo(url, why);
    if (!options) {
        // libpq's message may quote any token of the URL, the password included ("invalid
        // percent-encoded token: ..."), so it is taken from the URL with the password masked.
        const std::string masked = mask_conninfo(url);
        if (parse_conninfo(masked, why)) {
            why = "libpq cannot parse it, and its message would show the password";
        }
        throw ConfigError("invalid database URL '" + mask_password(masked) +
                          "': " + mask_password(why));
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
    // Text that is a connection string is read exactly as libpq reads it first; the searches
    // then catch URLs and keywords inside other text, and what libpq would not read.
    return mask_keyword_passwords(mask_query_passwords(mask_url_passwords(mask_conninfo(text))));
}

} // namespace rev
