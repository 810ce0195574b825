// Fuzzes database URL handling: parse_database_url() and mask_password() on the input.
//
// Beyond "no crash", it checks the promise of include/rev/url.hpp: a password never shows, in
// DatabaseUrl::display, in the ConfigError of a URL that does not parse, or in
// mask_password()'s result. Which parts of the input are passwords is decided here, apart from
// url.cpp, by following libpq's own grammar (fe-connect.c: conninfo_parse and
// conninfo_uri_parse_options/_params): the text between "user:" and '@' in any scheme://
// URL, a `password` URI query parameter (its name percent-decoded), and the value of a
// `password` keyword. When libpq parses the input, its password must be one that this oracle
// found, so the oracle cannot silently drift from libpq.
//
// The check: what rev shows of a URL (parse_database_url's display form, the error of a URL
// that does not parse, mask_password's result) must not depend on the password at all. The
// same URL with every password's letters and digits rotated must show exactly the same text.
// That catches a password shown in part as well as whole, and text that merely resembles the
// password (a user name equal to it, a word of an error message) cannot raise a false alarm.
#include <rev/error.hpp>
#include <rev/url.hpp>

#include <libpq-fe.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;
    // The value libpq stores for it: percent-decoded or unescaped.
    std::optional<std::string> decoded;
};

[[noreturn]] void fail(const char* why, const std::string& first, const std::string& second) {
    std::fprintf(stderr, "invariant broken: %s\n  '%s'\n  '%s'\n", why, first.c_str(),
                 second.c_str());
    std::abort();
}

int hex_value(char c) {
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

// libpq's conninfo_uri_decode: nullopt for a bad %XY or %00.
std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) {
            return std::nullopt;
        }
        const int high = hex_value(text[i + 1]);
        const int low = hex_value(text[i + 2]);
        if (high < 0 || low < 0 || (high == 0 && low == 0)) {
            return std::nullopt;
        }
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

std::size_t libpq_uri_prefix(std::string_view s) {
    for (std::string_view prefix : {"postgresql://", "postgres://"}) {
        if (s.starts_with(prefix)) {
            return prefix.size();
        }
    }
    return 0;
}

// The length of a "scheme://" at the start of `s`, 0 without one.
std::size_t any_uri_prefix(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) != 0 ||
                            std::string_view("+-._").find(s[i]) != std::string_view::npos)) {
        ++i;
    }
    return i > 0 && s.substr(i).starts_with("://") ? i + 3 : 0;
}

// user:password@ right after "scheme://", as libpq reads it: the credentials end at the first
// '@', unless a '/' comes first; the password starts after the first ':'.
void credentials(std::string_view s, std::size_t start, std::vector<Span>& spans,
                 std::size_t& after) {
    after = start;
    const std::size_t at = s.find_first_of("@/", start);
    if (at == std::string_view::npos || s[at] != '@') {
        return;
    }
    after = at + 1;
    const std::size_t colon = s.find(':', start);
    if (colon < at && colon + 1 < at) {
        spans.push_back({colon + 1, at, percent_decode(s.substr(colon + 1, at - colon - 1))});
    }
}

// Where libpq's URI query starts: after the host list ("[v6]", host:port, comma-separated) and
// the database name.
std::size_t query_start(std::string_view s, std::size_t p) {
    for (;;) {
        if (p < s.size() && s[p] == '[') {
            const std::size_t close = s.find(']', p);
            if (close == std::string_view::npos) {
                return std::string_view::npos;
            }
            p = close + 1;
        } else {
            p = std::min(s.find_first_of(":/?,", p), s.size());
        }
        if (p < s.size() && s[p] == ':') {
            p = std::min(s.find_first_of("/?,", p), s.size());
        }
        if (p < s.size() && s[p] == ',') {
            ++p;
            continue;
        }
        break;
    }
    if (p < s.size() && s[p] == '/') {
        p = std::min(s.find('?', p), s.size());
    }
    return p < s.size() && s[p] == '?' ? p + 1 : std::string_view::npos;
}

void query_passwords(std::string_view s, std::size_t p, std::vector<Span>& spans) {
    while (p < s.size()) {
        const std::size_t end = std::min(s.find('&', p), s.size());
        const std::string_view param = s.substr(p, end - p);
        if (const std::size_t eq = param.find('='); eq != std::string_view::npos) {
            if (percent_decode(param.substr(0, eq)) == "password" && eq + 1 < param.size()) {
                spans.push_back({p + eq + 1, end, percent_decode(param.substr(eq + 1))});
            }
        }
        p = end + 1;
    }
}

bool is_space(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// libpq's conninfo_parse: `keyword = value` pairs, values unquoted (backslash escapes) or in
// single quotes. Stops where libpq would report an error.
void keyword_passwords(std::string_view s, std::vector<Span>& spans) {
    std::size_t p = 0;
    while (p < s.size()) {
        if (is_space(s[p])) {
            ++p;
            continue;
        }
        const std::size_t name_begin = p;
        while (p < s.size() && s[p] != '=' && !is_space(s[p])) {
            ++p;
        }
        const std::string_view name = s.substr(name_begin, p - name_begin);
        while (p < s.size() && is_space(s[p])) {
            ++p;
        }
        if (p >= s.size() || s[p] != '=') {
            return;
        }
        ++p;
        while (p < s.size() && is_space(s[p])) {
            ++p;
        }
        const bool quoted = p < s.size() && s[p] == '\'';
        p += quoted ? 1 : 0;
        const std::size_t value_begin = p;
        std::string value;
        bool closed = !quoted;
        while (p < s.size()) {
            if (s[p] == '\\') {
                ++p;
                if (p < s.size()) {
                    value += s[p++];
                }
                continue;
            }
            if (quoted ? s[p] == '\'' : is_space(s[p])) {
                closed = true;
                break;
            }
            value += s[p++];
        }
        if (name == "password" && p > value_begin) {
            spans.push_back({value_begin, p, value});
        }
        if (!closed) {
            return;
        }
        ++p;
    }
}

std::vector<Span> find_passwords(std::string_view s) {
    std::vector<Span> spans;
    if (const std::size_t prefix = any_uri_prefix(s); prefix > 0) {
        std::size_t after = prefix;
        credentials(s, prefix, spans, after);
        if (libpq_uri_prefix(s) > 0) {
            if (const std::size_t query = query_start(s, after); query != std::string_view::npos) {
                query_passwords(s, query, spans);
            }
            return spans;
        }
        // Not a URI to libpq, which reads it as keywords: the credentials' password, when there
        // is one, is the password (the keywords it seems to hold are not read).
        if (!spans.empty()) {
            return spans;
        }
    }
    keyword_passwords(s, spans);
    return spans;
}

// Letters and digits move to another of their kind, keeping hex digits hex and never turning
// a digit into '0', so that libpq splits and decodes the text exactly as before.
char rotate(char c) {
    const auto within = [c](char first, char last) {
        return c == last ? first : static_cast<char>(c + 1);
    };
    if (c >= '1' && c <= '9') {
        return within('1', '9');
    }
    if (c >= 'a' && c <= 'f') {
        return within('a', 'f');
    }
    if (c >= 'A' && c <= 'F') {
        return within('A', 'F');
    }
    if (c >= 'g' && c <= 'z') {
        return within('g', 'z');
    }
    if (c >= 'G' && c <= 'Z') {
        return within('G', 'Z');
    }
    return c;
}

// What rev shows for `url`: the display form, or the error message.
std::string shown(const std::string& url) {
    try {
        return rev::parse_database_url(url, "/srv/project").display;
    } catch (const rev::Error& error) {
        return error.what();
    }
}

// The password libpq itself reads from `url`, when it parses.
std::optional<std::string> libpq_password(const std::string& url) {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
        PQconninfoParse(url.c_str(), &error), &PQconninfoFree);
    PQfreemem(error);
    if (!options) {
        return std::nullopt;
    }
    for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
        if (std::string_view(option->keyword) == "password" && option->val != nullptr) {
            return std::string(option->val);
        }
    }
    return std::nullopt;
}

// SQLAlchemy's driver suffix (postgresql+psycopg2://), which url.cpp drops before libpq.
std::string without_driver(const std::string& url) {
    for (std::string_view scheme : {"postgresql+", "postgres+"}) {
        if (!url.starts_with(scheme)) {
            continue;
        }
        std::size_t end = scheme.size();
        while (end < url.size() &&
               (std::isalnum(static_cast<unsigned char>(url[end])) != 0 || url[end] == '_')) {
            ++end;
        }
        if (end > scheme.size() && url.compare(end, 3, "://") == 0) {
            return url.substr(0, scheme.size() - 1) + url.substr(end);
        }
    }
    return url;
}

void check_oracle_knows_libpq(const std::string& url, const std::vector<Span>& spans) {
    const std::optional<std::string> password = libpq_password(without_driver(url));
    if (!password || password->empty()) {
        return; // An empty password has nothing to hide.
    }
    for (const Span& span : spans) {
        if (span.decoded == password) {
            return;
        }
    }
    fail("libpq reads a password that the fuzzer's oracle did not find", *password, url);
}

void check_same(const std::string& output, const std::string& rotated_output, const char* where) {
    if (output != rotated_output) {
        fail(where, output, rotated_output);
    }
}

void fuzz(const std::string& url) {
    // Spans are found in the form libpq reads; the driver suffix only shifts them.
    const std::string stripped = without_driver(url);
    const std::size_t shift = url.size() - stripped.size();
    const std::vector<Span> spans = find_passwords(stripped);
    check_oracle_knows_libpq(url, spans);
    std::string rotated = url;
    for (const Span& span : spans) {
        for (std::size_t i = span.begin; i < span.end; ++i) {
            rotated[i + shift] = rotate(rotated[i + shift]);
        }
    }
    check_same(shown(url), shown(rotated), "what parse_database_url shows depends on the password");
    check_same(rev::mask_password(url), rev::mask_password(rotated),
               "what mask_password leaves depends on the password");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // URLs come from migrate.toml, the environment or the command line: text without NUL.
    std::string url(reinterpret_cast<const char*>(data), size);
    url.resize(url.find('\0') == std::string::npos ? url.size() : url.find('\0'));
    try {
        fuzz(url);
    } catch (const rev::Error&) {
        // A refusal with a message is the expected answer to bad input.
    }
    return 0;
}
