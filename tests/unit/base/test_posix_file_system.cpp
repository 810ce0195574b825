// src/base/posix_file_system.cpp: the real file system, as the loader and the caches see it.
#include "temp_dir.hpp"

#include <rev/file_system.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

using rev::FileStatus;
using rev::FolderEntry;
using rev::test::TempDir;

namespace fs = std::filesystem;

TEST_CASE("real_file_system: reads bytes as they are; EISDIR for a folder, ENOENT for nothing",
          "[file_system]") {
    TempDir dir;
    rev::FileSystem& files = rev::real_file_system();
    std::string text = "left over";
    dir.write("a.sql", std::string("x\r\n\0\xFF", 5));
    REQUIRE_FALSE(files.read_file(dir.path() / "a.sql", text));
    CHECK(text == std::string("x\r\n\0\xFF", 5));
    dir.write("empty.sql", "");
    REQUIRE_FALSE(files.read_file(dir.path() / "empty.sql", text));
    CHECK(text.empty());
    CHECK(files.read_file(dir.path() / "missing.sql", text) ==
          std::errc::no_such_file_or_directory);
    CHECK(files.read_file(dir.path(), text) == std::errc::is_a_directory);
    FileStatus status;
    CHECK(files.stat("", status) == std::errc::no_such_file_or_directory);
}

TEST_CASE("real_file_system: a folder lists, stats and reads what is below it", "[file_system]") {
    TempDir dir;
    dir.write("versions/a/manifest.toml", "id = \"a\"\n");
    dir.write("versions/.hidden", "");
    std::unique_ptr<rev::Folder> folder;
    REQUIRE_FALSE(rev::real_file_system().open_folder(dir.path() / "versions", folder));

    std::vector<FolderEntry> entries;
    FileStatus listed;
    REQUIRE_FALSE(folder->list("", entries, listed));
    CHECK(listed.is_folder());
    std::vector<std::string> names;
    names.reserve(entries.size());
    for (const FolderEntry& entry : entries) {
        names.push_back(entry.name + (entry.kind == FolderEntry::Kind::folder ? "/" : ""));
    }
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{".hidden", "a/"});

    FileStatus stated;
    REQUIRE_FALSE(folder->stat("a/manifest.toml", stated));
    std::string text;
    FileStatus read;
    REQUIRE_FALSE(folder->read_file("a/manifest.toml", text, read));
    CHECK(text == "id = \"a\"\n");
    CHECK(read == stated);
    CHECK(read.is_regular());
    CHECK(read.size == text.size());
    CHECK(folder->read_file("a", text, read) == std::errc::is_a_directory);
    CHECK(folder->list("a/manifest.toml", entries, listed) == std::errc::not_a_directory);
}

TEST_CASE("real_file_system: a new file is written from its parts, renamed into place and removed",
          "[file_system]") {
    TempDir dir;
    rev::FileSystem& files = rev::real_file_system();
    const fs::path target = dir.path() / "cache/rev/x.cache";
    REQUIRE_FALSE(files.create_folders(target.parent_path()));
    fs::path written;
    const std::string_view parts[] = {"ne", "", "w"};
    REQUIRE_FALSE(files.write_new_file(target, parts, written));
    CHECK(written.parent_path() == target.parent_path());
    CHECK(written.filename().string().starts_with("x.cache."));
    REQUIRE_FALSE(files.rename(written, target));
    CHECK(dir.read("cache/rev/x.cache") == "new");
    CHECK_FALSE(fs::exists(written));
    REQUIRE_FALSE(files.touch(target));
    REQUIRE_FALSE(files.remove(target));
    CHECK(files.remove(target) == std::errc::no_such_file_or_directory);
}
