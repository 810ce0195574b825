#include <rev/checksum.hpp>

#include <catch2/catch.hpp>

TEST_CASE("normalize_for_checksum: edits that cannot change meaning do not count", "[checksum]") {
    const std::string plain = "CREATE TABLE a (x INT);\nDROP TABLE b;\n";
    SECTION("CRLF and CR line endings") {
        CHECK(rev::normalize_for_checksum("CREATE TABLE a (x INT);\r\nDROP TABLE b;\r\n") == plain);
        CHECK(rev::normalize_for_checksum("CREATE TABLE a (x INT);\rDROP TABLE b;") == plain);
    }
    SECTION("trailing spaces and tabs, blank lines, a byte-order mark") {
        CHECK(rev::normalize_for_checksum("\xEF\xBB\xBF\n\nCREATE TABLE a (x INT);  \t\n\n   \n"
                                          "DROP TABLE b;") == plain);
    }
    SECTION("leading spaces and inner spaces do count") {
        CHECK(rev::normalize_for_checksum("  CREATE TABLE a (x INT);\nDROP TABLE b;\n") != plain);
        CHECK(rev::normalize_for_checksum("CREATE TABLE a (x  INT);\nDROP TABLE b;\n") != plain);
    }
}

TEST_CASE("sha256_hex: known vectors", "[checksum]") {
    CHECK(rev::sha256_hex("") ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(rev::sha256_hex("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
