#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// What SQLite's catalog does not say and its stored CREATE statements do: a table's CHECK
// constraints and a partial index's WHERE. A scanner of tokens, not a parser: it knows quotes,
// comments and parentheses, which is all that finding those clauses needs.
namespace rev::db {

std::string upper(std::string_view text);

// A word (upper-cased), a quoted name or string (without its quotes), or one punctuation
// character, with where it starts. Comments and white space are not tokens.
struct Token {
    std::string text;
    std::size_t start = 0;
    bool word = false;
};

std::vector<Token> tokens_of(std::string_view sql);

struct Check {
    std::string name;
    std::string expression;
};

// The CHECK constraints of a CREATE TABLE, with the name CONSTRAINT gave them ("" if none) and
// their expression, white space normalised.
std::vector<Check> checks_of(std::string_view sql);

// A partial index's WHERE clause, from its CREATE INDEX: what follows the last WHERE outside
// parentheses; "" when there is none.
std::string predicate_of(std::string_view sql);

} // namespace rev::db
