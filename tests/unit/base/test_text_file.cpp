// src/base/text_file.cpp: refusing scripts that are not UTF-8 text.
#include "base/text_file.hpp"

#include <rev/error.hpp>

#include <catch2/catch.hpp>

#include <string>

using rev::detail::find_invalid_utf8;
using rev::detail::position_of;
using rev::detail::require_text;

namespace {

// "line:column byte", or "valid": what the assertions compare.
std::string defect_of(std::string_view text) {
    const auto defect = find_invalid_utf8(text);
    if (!defect) {
        return "valid";
    }
    char byte[8];
    std::snprintf(byte, sizeof(byte), "%02X", defect->byte);
    return std::to_string(defect->position.line) + ":" + std::to_string(defect->position.column) +
           " " + byte + " @" + std::to_string(defect->offset);
}

std::string refusal_of(std::string_view text) {
    try {
        require_text(text, "versions/a1/up.sql");
    } catch (const rev::RefusedError& error) {
        return error.what();
    }
    return "(accepted)";
}

} // namespace

TEST_CASE("find_invalid_utf8: accepts UTF-8", "[text_file][utf8]") {
    CHECK(defect_of("") == "valid");
    CHECK(defect_of("SELECT 1;\n") == "valid");
    // 2, 3 and 4 bytes, and the ends of the ranges: U+0080, U+07FF, U+0800, U+D7FF, U+E000,
    // U+FFFF, U+10000, U+10FFFF.
    CHECK(defect_of("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "valid");
    CHECK(defect_of("\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF") == "valid");
    CHECK(defect_of("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF") == "valid");
    SECTION("a byte-order mark, and a NUL byte, are UTF-8") {
        CHECK(defect_of("\xEF\xBB\xBFSELECT 1;") == "valid");
        CHECK(defect_of(std::string_view("a\0b", 3)) == "valid");
    }
}

TEST_CASE("find_invalid_utf8: names the first bad byte, its line and column", "[text_file][utf8]") {
    SECTION("Latin-1 text") {
        CHECK(defect_of("caf\xE9") == "1:4 E9 @3");
        CHECK(defect_of("SELECT 1;\n-- caf\xE9 au lait\n") == "2:7 E9 @16");
    }
    SECTION("columns count characters, not bytes") {
        CHECK(defect_of("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80x\xFF") == "1:5 FF @10");
    }
    SECTION("a byte-order mark is not a column") {
        CHECK(defect_of("\xEF\xBB\xBF"
                        "ab\xFF") == "1:3 FF @5");
    }
    SECTION("UTF-16 with its byte-order mark") {
        CHECK(defect_of(std::string_view("\xFF\xFES\0E\0", 6)) == "1:1 FF @0");
    }
    SECTION("a continuation byte without a lead") {
        CHECK(defect_of("ab\x80") == "1:3 80 @2");
    }
    SECTION("a sequence cut short, in the middle or at the end") {
        CHECK(defect_of("a\xE2\x82z") == "1:2 E2 @1");
        CHECK(defect_of("a\xF0\x9F\x98") == "1:2 F0 @1");
        CHECK(defect_of("\xC3") == "1:1 C3 @0");
    }
    SECTION("overlong forms") {
        CHECK(defect_of("\xC0\xAF") == "1:1 C0 @0");
        CHECK(defect_of("\xC1\xBF") == "1:1 C1 @0");
        CHECK(defect_of("\xE0\x80\xAF") == "1:1 E0 @0");
        CHECK(defect_of("\xF0\x80\x80\xAF") == "1:1 F0 @0");
    }
    SECTION("surrogates and code points above U+10FFFF") {
        CHECK(defect_of("\xED\xA0\x80") == "1:1 ED @0");
        CHECK(defect_of("\xED\xBF\xBF") == "1:1 ED @0");
        CHECK(defect_of("\xF4\x90\x80\x80") == "1:1 F4 @0");
        CHECK(defect_of("\xF5\x80\x80\x80") == "1:1 F5 @0");
        CHECK(defect_of("\xFE") == "1:1 FE @0");
    }
}

TEST_CASE("position_of: lines and columns as editors count them", "[text_file]") {
    const std::string text = "ab\n\xC3\xA9z\n";
    CHECK(position_of(text, 0).line == 1);
    CHECK(position_of(text, 0).column == 1);
    CHECK(position_of(text, 2).column == 3);
    CHECK(position_of(text, 3).line == 2);
    CHECK(position_of(text, 5).column == 2);
    CHECK(position_of(text, 100).line == 3);
}

TEST_CASE("require_text: one whole line naming the file, line and byte", "[text_file][utf8]") {
    CHECK(refusal_of("SELECT 1;\n") == "(accepted)");
    CHECK(refusal_of("") == "(accepted)");
    CHECK(refusal_of("\xEF\xBB\xBFSELECT 'caf\xC3\xA9';\n") == "(accepted)");
    CHECK(refusal_of("SELECT 1;\n-- caf\xE9\n") ==
          "versions/a1/up.sql:2: not valid UTF-8 (byte 0xE9 at column 7); save the file as UTF-8");
    SECTION("a NUL byte, which SQLite and libpq take for the end of the script") {
        CHECK(refusal_of(std::string_view("SELECT 1;\nSELECT 2;\0DROP TABLE t;", 30)) ==
              "versions/a1/up.sql:2: a NUL byte at column 10 would make the database ignore the "
              "rest of the file; remove it");
    }
    SECTION("whichever comes first") {
        CHECK(refusal_of(std::string_view("\xE9\0", 2))
                  .starts_with("versions/a1/up.sql:1: not valid UTF-8 (byte 0xE9 at column 1)"));
    }
}
