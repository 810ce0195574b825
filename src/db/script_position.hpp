#pragma once

#include <cstddef>
#include <string>

// Where in a script a failure is, as its line: both engines report offsets (SQLite in bytes,
// PostgreSQL in characters), and a runtime failure's statement starts past blanks and comments.
namespace rev::db {

// The line (from 1) that byte `offset` of `text` is on.
int line_at(const std::string& text, std::size_t offset);

// The line that character `position` (from 1, as PG_DIAG_STATEMENT_POSITION counts in UTF-8)
// is on.
int line_at_character(const std::string& text, long position);

// Where the statement that begins at or after `from` really starts: past blanks and comments.
std::size_t statement_start(const std::string& text, std::size_t from);

} // namespace rev::db
