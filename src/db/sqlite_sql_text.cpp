#include "db/sqlite_sql_text.hpp"

#include <rev/schema.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace rev::db {

namespace {

// Skips over the quoted string, identifier or comment at `at`, if there is one; returns where
// it ends.
std::size_t skip_quoted(std::string_view sql, std::size_t at) {
    const char c = sql[at];
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
        const char close = c == '[' ? ']' : c;
        std::size_t end = sql.find(close, at + 1);
        // A doubled quote is one quote character inside the string.
        while (end != std::string_view::npos && close != ']' && end + 1 < sql.size() &&
               sql[end + 1] == close) {
            end = sql.find(close, end + 2);
        }
        return end == std::string_view::npos ? sql.size() : end + 1;
    }
    if (sql.substr(at, 2) == "--") {
        const std::size_t end = sql.find('\n', at);
        return end == std::string_view::npos ? sql.size() : end + 1;
    }
    if (sql.substr(at, 2) == "/*") {
        const std::size_t end = sql.find("*/", at + 2);
        return end == std::string_view::npos ? sql.size() : end + 2;
    }
    return at;
}

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Where the parenthesised group that opens at tokens[open] closes.
std::size_t closing(const std::vector<Token>& tokens, std::size_t open) {
    int depth = 0;
    for (std::size_t i = open; i < tokens.size(); ++i) {
        if (!tokens[i].word && tokens[i].text == "(") {
            ++depth;
        } else if (!tokens[i].word && tokens[i].text == ")" && --depth == 0) {
            return i;
        }
    }
    return tokens.size() - 1;
}

} // namespace

std::string upper(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return result;
}

std::vector<Token> tokens_of(std::string_view sql) {
    std::vector<Token> tokens;
    std::size_t at = 0;
    while (at < sql.size()) {
        if (const std::size_t end = skip_quoted(sql, at); end != at) {
            if (sql[at] != '-' && sql[at] != '/') {
                tokens.push_back({std::string(sql.substr(at + 1, end - at - 2)), at, false});
            }
            at = end;
        } else if (is_word_char(sql[at])) {
            std::size_t word_end = at;
            while (word_end < sql.size() && is_word_char(sql[word_end])) {
                ++word_end;
            }
            tokens.push_back({upper(sql.substr(at, word_end - at)), at, true});
            at = word_end;
        } else {
            if (std::isspace(static_cast<unsigned char>(sql[at])) == 0) {
                tokens.push_back({std::string(1, sql[at]), at, false});
            }
            ++at;
        }
    }
    return tokens;
}

std::vector<Check> checks_of(std::string_view sql) {
    const std::vector<Token> tokens = tokens_of(sql);
    std::vector<Check> checks;
    std::string pending_name;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].word && tokens[i].text == "CONSTRAINT" && i + 1 < tokens.size()) {
            pending_name = tokens[++i].text;
            continue;
        }
        if (tokens[i].word && tokens[i].text == "CHECK" && i + 1 < tokens.size() &&
            tokens[i + 1].text == "(") {
            const std::size_t close = closing(tokens, i + 1);
            const std::size_t from = tokens[i + 1].start + 1;
            checks.push_back(
                {pending_name, normalise_whitespace(sql.substr(from, tokens[close].start - from))});
            i = close;
        }
        pending_name.clear();
    }
    return checks;
}

std::string predicate_of(std::string_view sql) {
    const std::vector<Token> tokens = tokens_of(sql);
    int depth = 0;
    std::optional<std::size_t> where;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (!tokens[i].word && tokens[i].text == "(") {
            ++depth;
        } else if (!tokens[i].word && tokens[i].text == ")") {
            --depth;
        } else if (depth == 0 && tokens[i].word && tokens[i].text == "WHERE") {
            where = i;
        }
    }
    if (!where || *where + 1 >= tokens.size()) {
        return "";
    }
    return normalise_whitespace(sql.substr(tokens[*where + 1].start));
}

} // namespace rev::db
