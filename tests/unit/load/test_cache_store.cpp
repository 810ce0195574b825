// src/load/cache_store.cpp: the cache file's round trip, and every way it fails only making the
// cache miss, on files in memory.
#include "load/cache_store.hpp"
#include "load/revision_cache.hpp"
#include "memory_file_system.hpp"
#include "scoped_env.hpp"

#include <rev/error.hpp>
#include <rev/revision.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

using rev::detail::CacheUse;
using rev::detail::RevisionCache;
using rev::test::MemoryFileSystem;
using rev::test::ScopedEnv;

namespace fs = std::filesystem;

namespace {

using Lines = std::vector<std::string>;

constexpr std::size_t k_revisions = rev::detail::k_min_revisions_to_cache + 20;

std::string id_of(std::size_t i) {
    const std::string number = std::to_string(i);
    return "r" + std::string(3 - number.size(), '0') + number;
}

std::string describe(const rev::Revision& revision) {
    std::string text = revision.id + "|" + revision.message + "|" + revision.directory;
    for (const std::string& parent : revision.parents) {
        text += "|" + parent;
    }
    return text;
}

struct Load {
    Lines revisions;
    Lines defects;
    CacheUse use;
};

Load load(MemoryFileSystem& files) {
    rev::Diagnostics diagnostics;
    RevisionCache cache("versions", files);
    Load result;
    for (const rev::Revision& revision :
         rev::detail::read_revisions("versions", diagnostics, &cache, files)) {
        result.revisions.push_back(describe(revision));
    }
    for (const rev::Diagnostic& defect : diagnostics.items()) {
        result.defects.push_back(defect.to_string());
    }
    result.use = cache.use();
    return result;
}

// A chain of k_revisions revisions in memory, its cache folder in memory too, loaded once so
// that its cache file is written.
struct CachedHistory {
    ScopedEnv cache_home{"XDG_CACHE_HOME", "/memory/cache"};
    ScopedEnv no_cache{"REV_NO_CACHE", std::nullopt};
    MemoryFileSystem files;
    fs::path cache_file;
    Load first;

    CachedHistory() {
        for (std::size_t i = 0; i < k_revisions; ++i) {
            write_revision(files, id_of(i), i == 0 ? Lines{} : Lines{id_of(i - 1)});
        }
        cache_file = *RevisionCache::cache_file("versions");
        first = load(files);
        REQUIRE(first.use.written);
        REQUIRE(first.defects.empty());
    }

    // The cache file as it is now.
    std::string cache() const { return files.contents(cache_file).value_or("(none)"); }
    // Files the cache folder holds.
    Lines cache_folder() const {
        Lines found;
        for (const std::string& file : files.files()) {
            if (file.starts_with(cache_file.parent_path().string())) {
                found.push_back(file);
            }
        }
        return found;
    }
};

} // namespace

TEST_CASE("CacheStore: a round trip gives the same load, from the cache", "[cache_store]") {
    CachedHistory history;
    CHECK(history.first.use.revisions == 0);
    CHECK(history.cache_folder() == Lines{history.cache_file.string()});

    const Load cached = load(history.files);
    CHECK(cached.use.revisions == k_revisions);
    // The revisions folder and each revision's own.
    CHECK(cached.use.listings == k_revisions + 1);
    CHECK_FALSE(cached.use.written);
    CHECK(cached.revisions == history.first.revisions);
    CHECK(cached.defects.empty());
}

TEST_CASE("CacheStore: a file rewritten from kept and fresh pieces reads back whole",
          "[cache_store]") {
    CachedHistory history;
    // An edit of odd length in the middle: the new file is the old one's records before it,
    // the fresh record, then the old ones after it, none of them on an 8-byte boundary.
    write_revision(history.files, id_of(50), {id_of(49)}, "# edited\n");
    const Load rewritten = load(history.files);
    CHECK(rewritten.use.revisions == k_revisions - 1);
    CHECK(rewritten.use.written);

    const Load cached = load(history.files);
    CHECK(cached.use.revisions == k_revisions);
    CHECK(cached.use.listings == k_revisions + 1);
    CHECK_FALSE(cached.use.written);
    CHECK(cached.revisions == rewritten.revisions);
}

TEST_CASE("CacheStore: a load made while the keys are taken in threads is redone when one changed",
          "[cache_store]") {
    ScopedEnv cache_home{"XDG_CACHE_HOME", "/memory/cache"};
    ScopedEnv no_cache{"REV_NO_CACHE", std::nullopt};
    MemoryFileSystem files;
    // Enough records (a listing and a revision each) for the check to run in threads.
    constexpr std::size_t k_many = 700;
    for (std::size_t i = 0; i < k_many; ++i) {
        write_revision(files, id_of(i), i == 0 ? Lines{} : Lines{id_of(i - 1)});
    }
    REQUIRE(load(files).use.written);
    write_revision(files, id_of(350), {id_of(349)}, "branch_labels = [\"edited\"]\n");

    const Load edited = load(files);
    // All but the edited manifest came from the cache, checked, after the trusting load was
    // thrown away.
    CHECK(edited.use.revisions == k_many - 1);
    CHECK(edited.use.written);
    CHECK(edited.defects.empty());
    ScopedEnv uncached{"REV_NO_CACHE", "1"};
    CHECK(edited.revisions == load(files).revisions);
}

TEST_CASE("CacheStore: reads its file through short and interrupted reads", "[cache_store]") {
    CachedHistory history;
    history.files.faults().read_chunk = 7;
    history.files.faults().interrupt_first_read = true;
    const Load cached = load(history.files);
    CHECK(cached.use.revisions == k_revisions);
    CHECK(cached.revisions == history.first.revisions);
}

TEST_CASE("CacheStore: a cache file it cannot trust is ignored, then written afresh",
          "[cache_store]") {
    CachedHistory history;
    const std::string good = history.cache();
    SECTION("a byte changed") {
        std::string bad = good;
        bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0xff);
        history.files.write(history.cache_file, bad);
    }
    SECTION("truncated") {
        history.files.write(history.cache_file, good.substr(0, good.size() / 2));
    }
    SECTION("shorter than its header") {
        history.files.write(history.cache_file, good.substr(0, 31));
    }
    SECTION("from another format version") {
        std::string other = good;
        other[8] = '\x7f';
        history.files.write(history.cache_file, other);
    }
    const Load ignored = load(history.files);
    CHECK(ignored.use.revisions == 0);
    CHECK(ignored.use.listings == 0);
    CHECK(ignored.revisions == history.first.revisions);
    CHECK(ignored.defects.empty());
    CHECK(ignored.use.written);
    CHECK(history.cache() == good);
    CHECK(load(history.files).use.revisions == k_revisions);
}

TEST_CASE("CacheStore: a failed write leaves the load whole and nothing behind", "[cache_store]") {
    CachedHistory history;
    const std::string before = history.cache();
    write_revision(history.files, "r999", {id_of(k_revisions - 1)});
    SECTION("a full disk") {
        history.files.faults().write_error = std::make_error_code(std::errc::no_space_on_device);
    }
    SECTION("a rename refused") {
        history.files.faults().rename_error = std::make_error_code(std::errc::permission_denied);
    }
    SECTION("a file where the cache folder should be") {
        history.files.remove_all(history.cache_file.parent_path());
        history.files.write(history.cache_file.parent_path(), "");
    }
    const Load failed = load(history.files);
    CHECK_FALSE(failed.use.written);
    CHECK(failed.revisions.size() == k_revisions + 1);
    CHECK(failed.defects.empty());
    CHECK(history.cache_folder().size() <= 1);
    if (history.files.contents(history.cache_file)) {
        CHECK(history.cache() == before);
    }

    history.files.faults() = {};
    history.files.remove_all(history.cache_file.parent_path());
    const Load next = load(history.files);
    CHECK(next.use.written);
    CHECK(next.revisions == failed.revisions);
}
