// src/load/file_checksums.cpp: checksums of files as they are, through the cache or not, on
// files in memory.
#include "load/file_checksums.hpp"
#include "memory_file_system.hpp"
#include "scoped_env.hpp"

#include <rev/checksum.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

using rev::detail::FileChecksums;
using rev::test::MemoryFileSystem;
using rev::test::ScopedEnv;

namespace {

constexpr std::size_t k_files = rev::detail::k_min_revisions_to_cache + 20;

std::string path_of(std::size_t i) {
    return "versions/r" + std::to_string(i) + "/up.sql";
}

std::vector<std::string> checksums(MemoryFileSystem& files) {
    FileChecksums sums("versions", k_files, files);
    std::vector<std::string> found;
    for (std::size_t i = 0; i < k_files; ++i) {
        found.push_back(sums.of(path_of(i)));
    }
    sums.save();
    return found;
}

} // namespace

TEST_CASE("FileChecksums: the same checksums taken afresh and from the cache", "[file_checksums]") {
    const ScopedEnv cache_home("XDG_CACHE_HOME", "/memory/cache");
    const ScopedEnv no_cache("REV_NO_CACHE", std::nullopt);
    MemoryFileSystem files;
    std::vector<std::string> expected;
    for (std::size_t i = 0; i < k_files; ++i) {
        const std::string text = "SELECT " + std::to_string(i) + ";\r\n";
        files.write(path_of(i), text);
        expected.push_back(rev::file_checksum(text));
    }
    CHECK(checksums(files) == expected);
    const auto sums_file = rev::detail::ChecksumCache::cache_file("versions", ".sums");
    REQUIRE(files.contents(*sums_file));

    // From the cache now: a short read of every file would not show.
    const std::size_t reads = files.reads();
    CHECK(checksums(files) == expected);
    CHECK(files.reads() - reads < k_files);

    files.write(path_of(5), "SELECT 'changed';\n");
    expected[5] = rev::file_checksum("SELECT 'changed';\n");
    CHECK(checksums(files) == expected);
}

TEST_CASE("FileChecksums: a file that cannot be read is unreadable, not an error",
          "[file_checksums]") {
    MemoryFileSystem files;
    files.write("versions/a/up.sql", "SELECT 1;\n");
    files.write("elsewhere/down.sql", "SELECT 2;\n");
    SECTION("below the folder") {
        files.faults().denied = {"versions/a/up.sql"};
        CHECK(FileChecksums("versions", 1, files).of("versions/a/up.sql") == "(unreadable)");
        CHECK(FileChecksums("versions", 1, files).of("versions/b/up.sql") == "(unreadable)");
    }
    SECTION("outside it") {
        files.faults().denied = {"elsewhere/down.sql"};
        CHECK(FileChecksums("versions", 1, files).of("elsewhere/down.sql") == "(unreadable)");
        CHECK(FileChecksums("", 1, files).of("versions/a/up.sql") ==
              rev::file_checksum("SELECT 1;\n"));
    }
}
