// src/load/revision_cache.cpp: the revision cache makes loads faster and never changes them.
#include "load/revision_cache.hpp"
#include "scoped_env.hpp"
#include "temp_dir.hpp"

#include <rev/applier.hpp>
#include <rev/checksum.hpp>
#include <rev/error.hpp>
#include <rev/integrity.hpp>
#include <rev/loader.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using rev::detail::CacheUse;
using rev::detail::RevisionCache;
using rev::test::ScopedCurrentPath;
using rev::test::ScopedEnv;
using rev::test::TempDir;
using rev::test::write_revision;

namespace fs = std::filesystem;

namespace {

using Lines = std::vector<std::string>;

constexpr std::size_t k_revisions = rev::detail::k_min_revisions_to_cache + 20;

std::string id_of(std::size_t i) {
    const std::string number = std::to_string(i);
    return "r" + std::string(3 - number.size(), '0') + number;
}

// A chain of k_revisions revisions using every manifest key, one of them in a nested folder.
void write_history(const TempDir& dir) {
    for (std::size_t i = 0; i < k_revisions; ++i) {
        std::vector<std::string> parents;
        if (i > 0) {
            parents.push_back(id_of(i - 1));
        }
        std::string extra;
        if (i == 3) {
            extra = "branch_labels = [\"feature\", \"other\"]\ntransactional = false\n";
        } else if (i == 7) {
            extra = "\n\ndepends_on = [\"r001\", \"r002\"]\n";
        }
        write_revision(dir, id_of(i), parents, extra);
    }
    dir.write("versions/group/deeper/r900/manifest.toml",
              "# nested\nid = \"r900\"\nmessage = \"nested\"\nparents = [\"r010\"]\n");
    dir.write("versions/group/deeper/r900/up.sql", "SELECT 1;\n");
    dir.write("versions/group/deeper/r900/down.sql", "SELECT 1;\n");
}

std::int64_t ctime_ns(const fs::path& path) {
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    return static_cast<std::int64_t>(status.st_ctim.tv_sec) * 1'000'000'000 +
           status.st_ctim.tv_nsec;
}

// Waits until every file written so far is older than the coarse clock, which file times come
// from: the cache leaves out entries changed in the clock tick its load starts in.
void wait_until_cacheable(const TempDir& dir) {
    dir.write("marker", "");
    const std::int64_t written = ctime_ns(dir.path() / "marker");
    for (;;) {
        struct timespec now {};
        ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
        if (static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec > written) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

// Every field of a revision, so that two loads compare whole.
std::string describe(const rev::Revision& revision) {
    std::string text = revision.id + "|" + revision.message + "|" + revision.directory + "|" +
                       (revision.transactional ? "tx" : "no-tx");
    for (const auto* names : {&revision.parents, &revision.depends_on, &revision.branch_labels}) {
        text += "|";
        for (const std::string& name : *names) {
            text += name + ",";
        }
    }
    return text + "|" + std::to_string(revision.lines.id) + "," +
           std::to_string(revision.lines.parents) + "," +
           std::to_string(revision.lines.depends_on) + "," +
           std::to_string(revision.lines.branch_labels);
}

struct Load {
    Lines revisions;
    Lines defects;
    CacheUse use;
};

Load load(bool with_cache) {
    rev::Diagnostics diagnostics;
    std::optional<RevisionCache> cache;
    if (with_cache) {
        cache.emplace("versions", rev::real_file_system());
    }
    Load result;
    for (const rev::Revision& revision : rev::detail::read_revisions(
             "versions", diagnostics, cache ? &*cache : nullptr, rev::real_file_system())) {
        result.revisions.push_back(describe(revision));
    }
    for (const rev::Diagnostic& defect : diagnostics.items()) {
        result.defects.push_back(defect.to_string());
    }
    if (cache) {
        result.use = cache->use();
    }
    return result;
}

// The description of revision `id` in `revisions`, which come in path order.
std::string find(const Lines& revisions, const std::string& id) {
    for (const std::string& revision : revisions) {
        if (revision.starts_with(id + "|")) {
            return revision;
        }
    }
    return "(none)";
}

fs::path cache_file() {
    return *RevisionCache::cache_file("versions");
}

// A folder of k_revisions revisions whose cache is written, in a cache folder of its own.
struct CachedHistory {
    TempDir dir;
    ScopedCurrentPath cwd{dir.path()};
    ScopedEnv cache_home{"XDG_CACHE_HOME", (dir.path() / "cache").string()};
    ScopedEnv no_cache{"REV_NO_CACHE", std::nullopt};
    Load uncached;

    CachedHistory() {
        write_history(dir);
        wait_until_cacheable(dir);
        uncached = load(false);
        const Load first = load(true);
        REQUIRE(first.use.written);
        REQUIRE(first.use.revisions == 0);
    }
};

} // namespace

TEST_CASE("RevisionCache: a cached load equals an uncached one", "[revision_cache]") {
    CachedHistory history;
    REQUIRE(history.uncached.defects.empty());
    REQUIRE(history.uncached.revisions.size() == k_revisions + 1);

    const Load cached = load(true);
    CHECK(cached.use.revisions == k_revisions + 1);
    // The revisions folder, each revision's folder, group and group/deeper.
    CHECK(cached.use.listings == k_revisions + 4);
    CHECK_FALSE(cached.use.written);
    CHECK(cached.revisions == history.uncached.revisions);
    CHECK(cached.defects.empty());
    CHECK(find(cached.revisions, "r003") ==
          "r003|revision r003|versions/r003|no-tx|r002,||feature,other,|1,3,0,4");
    CHECK(find(cached.revisions, "r007") ==
          "r007|revision r007|versions/r007|tx|r006,|r001,r002,||1,3,6,0");
    CHECK(find(cached.revisions, "r900") ==
          "r900|nested|versions/group/deeper/r900|tx|r010,|||2,4,0,0");
}

TEST_CASE("RevisionCache: sees an edited manifest, even with its size and mtime kept",
          "[revision_cache]") {
    CachedHistory history;
    const fs::path manifest = history.dir.path() / "versions/r005/manifest.toml";
    struct stat before {};
    REQUIRE(::stat(manifest.c_str(), &before) == 0);
    std::string text = history.dir.read("versions/r005/manifest.toml");
    text.replace(text.find("revision r005"), 13, "Revision R005");
    history.dir.write("versions/r005/manifest.toml", text);
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, manifest.c_str(), times, 0) == 0);
    struct stat after {};
    REQUIRE(::stat(manifest.c_str(), &after) == 0);
    REQUIRE(after.st_size == before.st_size);
    REQUIRE(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);

    const Load cached = load(true);
    CHECK(cached.use.revisions == k_revisions);
    CHECK(find(cached.revisions, "r005") == "r005|Revision R005|versions/r005|tx|r004,|||1,3,0,0");
    CHECK(cached.use.written);
    CHECK(cached.revisions == load(false).revisions);
}

TEST_CASE("RevisionCache: sees files and folders come and go", "[revision_cache]") {
    CachedHistory history;
    SECTION("a deleted up.sql is reported") {
        fs::remove(history.dir.path() / "versions/r005/up.sql");
        const Load cached = load(true);
        CHECK(cached.defects ==
              Lines{"versions/r005/up.sql: missing (every revision needs up.sql and down.sql)"});
        CHECK(cached.defects == load(false).defects);
        // The same again, from the cache written by that load.
        wait_until_cacheable(history.dir);
        load(true);
        CHECK(load(true).defects == cached.defects);
    }
    SECTION("a new revision is found") {
        write_revision(history.dir, "r999", {id_of(k_revisions - 1)});
        const Load cached = load(true);
        CHECK(cached.revisions.size() == k_revisions + 2);
        CHECK(cached.revisions == load(false).revisions);
    }
    SECTION("a removed revision is gone") {
        fs::remove_all(history.dir.path() / "versions/group");
        const Load cached = load(true);
        CHECK(cached.revisions.size() == k_revisions);
        CHECK(cached.use.written);
    }
    SECTION("a renamed folder moves its revision") {
        fs::rename(history.dir.path() / "versions/r004", history.dir.path() / "versions/r004b");
        const Load cached = load(true);
        CHECK(find(cached.revisions, "r004") ==
              "r004|revision r004|versions/r004b|tx|r003,|||1,3,0,0");
        CHECK(cached.revisions == load(false).revisions);
    }
}

TEST_CASE("RevisionCache: reports a manifest's defect on every load", "[revision_cache]") {
    CachedHistory history;
    history.dir.write("versions/r005/manifest.toml", "id = \"r005\"\nparents = []\n");
    const Lines expected = {"versions/r005/manifest.toml: missing required key 'message'"};
    CHECK(load(true).defects == expected);
    wait_until_cacheable(history.dir);
    CHECK(load(true).defects == expected);
    CHECK(load(true).defects == expected);
}

TEST_CASE("RevisionCache: ignores a cache file it cannot trust", "[revision_cache]") {
    CachedHistory history;
    const fs::path file = cache_file();
    REQUIRE(fs::exists(file));
    const auto size = fs::file_size(file);
    SECTION("corrupt") {
        std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
        out.seekg(static_cast<std::streamoff>(size / 2));
        const char byte = static_cast<char>(out.get() ^ 0xff);
        out.seekp(static_cast<std::streamoff>(size / 2));
        out.put(byte);
    }
    SECTION("truncated") {
        fs::resize_file(file, size / 2);
    }
    SECTION("empty") {
        fs::resize_file(file, 0);
    }
    SECTION("from another format version") {
        std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
        out.seekp(8);
        out.put('\x7f');
    }
    SECTION("a folder") {
        fs::remove(file);
        fs::create_directories(file);
    }
    const Load cached = load(true);
    CHECK(cached.use.revisions == 0);
    CHECK(cached.use.listings == 0);
    CHECK(cached.revisions == history.uncached.revisions);
    CHECK(cached.defects.empty());
}

TEST_CASE("RevisionCache: a cache that cannot be written is skipped", "[revision_cache]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    // A file where the cache folder should be: no folder can be made below it.
    dir.write("cache", "");
    ScopedEnv cache_home("XDG_CACHE_HOME", (dir.path() / "cache").string());
    ScopedEnv no_cache("REV_NO_CACHE", std::nullopt);
    write_history(dir);
    wait_until_cacheable(dir);
    const Load uncached = load(false);
    const Load cached = load(true);
    CHECK_FALSE(cached.use.written);
    CHECK(cached.revisions == uncached.revisions);
    CHECK(cached.defects.empty());
    CHECK(rev::load_revision_graph("versions").size() == k_revisions + 1);
}

TEST_CASE("RevisionCache: where it lives and when it is kept", "[revision_cache]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    ScopedEnv no_cache("REV_NO_CACHE", std::nullopt);
    const std::string name = rev::detail::folder_key((dir.path() / "versions").string()) + ".cache";
    SECTION("below XDG_CACHE_HOME") {
        ScopedEnv cache_home("XDG_CACHE_HOME", "/somewhere");
        CHECK(RevisionCache::cache_file("versions") == fs::path("/somewhere/rev") / name);
        CHECK(RevisionCache::cache_file(dir.path() / "versions/") ==
              fs::path("/somewhere/rev") / name);
    }
    SECTION("named by the FNV-1a hash of a long path too") {
        ScopedEnv cache_home("XDG_CACHE_HOME", "/somewhere");
        const fs::path deep = dir.path() / std::string(150, 'x') / "versions";
        CHECK(RevisionCache::cache_file(deep) ==
              fs::path("/somewhere/rev") / (rev::detail::folder_key(deep.string()) + ".cache"));
        // The published test vectors of 64-bit FNV-1a.
        CHECK(rev::detail::folder_key("") == "cbf29ce484222325");
        CHECK(rev::detail::folder_key("a") == "af63dc4c8601ec8c");
        CHECK(rev::detail::folder_key("foobar") == "85944171f73967e8");
    }
    SECTION("below ~/.cache without it, or when it is relative") {
        ScopedEnv home("HOME", "/home/someone");
        for (const std::optional<std::string>& value :
             {std::optional<std::string>(), std::optional<std::string>("relative")}) {
            ScopedEnv cache_home("XDG_CACHE_HOME", value);
            CHECK(RevisionCache::cache_file("versions") ==
                  fs::path("/home/someone/.cache/rev") / name);
        }
    }
    SECTION("nowhere without a home") {
        ScopedEnv home("HOME", std::nullopt);
        ScopedEnv cache_home("XDG_CACHE_HOME", std::nullopt);
        CHECK_FALSE(RevisionCache::cache_file("versions"));
        CHECK_FALSE(RevisionCache("versions", rev::real_file_system()).enabled());
    }
    SECTION("not for a folder of few revisions") {
        ScopedEnv cache_home("XDG_CACHE_HOME", (dir.path() / "cache").string());
        write_revision(dir, "a", {});
        write_revision(dir, "b", {"a"});
        wait_until_cacheable(dir);
        CHECK_FALSE(load(true).use.written);
        CHECK_FALSE(fs::exists(dir.path() / "cache"));
    }
    SECTION("not at all with REV_NO_CACHE=1") {
        ScopedEnv cache_home("XDG_CACHE_HOME", (dir.path() / "cache").string());
        ScopedEnv disabled("REV_NO_CACHE", "1");
        write_history(dir);
        wait_until_cacheable(dir);
        CHECK_FALSE(RevisionCache("versions", rev::real_file_system()).enabled());
        CHECK(rev::load_revision_graph("versions").size() == k_revisions + 1);
        CHECK_FALSE(fs::exists(dir.path() / "cache"));
    }
}

TEST_CASE("ChecksumCache: changed_files gives the same answer from the cache", "[revision_cache]") {
    CachedHistory history;
    const rev::RevisionGraph graph = rev::load_revision_graph("versions");
    std::vector<rev::AppliedRevision> rows;
    for (const rev::Revision& revision : graph.revisions()) {
        rev::AppliedRevision row;
        row.revision = revision.id;
        row.checksums = rev::checksums_of(rev::read_revision_files(revision));
        rows.push_back(row);
    }
    const fs::path sums =
        fs::path(*RevisionCache::cache_file("versions")).replace_extension(".sums");
    REQUIRE(rev::changed_files(graph, rows).empty());
    REQUIRE(fs::exists(sums));
    const auto cached_at = fs::last_write_time(sums);
    // Nothing changed: the answer comes from the cache, which is not written again.
    CHECK(rev::changed_files(graph, rows).empty());
    CHECK(fs::last_write_time(sums) == cached_at);

    SECTION("an edit that keeps the size and the mtime is seen") {
        const fs::path up = history.dir.path() / "versions/r005/up.sql";
        struct stat before {};
        REQUIRE(::stat(up.c_str(), &before) == 0);
        std::string text = history.dir.read("versions/r005/up.sql");
        text.replace(text.find("INTEGER"), 7, "INTEGEr");
        history.dir.write("versions/r005/up.sql", text);
        const struct timespec times[2] = {before.st_atim, before.st_mtim};
        REQUIRE(::utimensat(AT_FDCWD, up.c_str(), times, 0) == 0);
        const std::vector<rev::ChangedFile> changes = rev::changed_files(graph, rows);
        REQUIRE(changes.size() == 1);
        CHECK(changes.front().revision == "r005");
        CHECK(changes.front().kind == rev::ChangedFile::Kind::up);
    }
    SECTION("a deleted file is seen") {
        fs::remove(history.dir.path() / "versions/r007/down.sql");
        const std::vector<rev::ChangedFile> changes = rev::changed_files(graph, rows);
        REQUIRE(changes.size() == 1);
        CHECK(changes.front().kind == rev::ChangedFile::Kind::down);
    }
    SECTION("a corrupt cache is ignored") {
        fs::resize_file(sums, fs::file_size(sums) - 1);
        CHECK(rev::changed_files(graph, rows).empty());
    }
}

TEST_CASE("RevisionCache: files unused for 90 days are removed", "[revision_cache]") {
    CachedHistory history;
    const fs::path folder = cache_file().parent_path();
    const auto days_ago = [](int days) {
        return fs::file_time_type::clock::now() - std::chrono::hours(24 * days);
    };
    SECTION("when another is written") {
        for (const char* name : {"old.cache", "old.sums", "recent.cache", "other.txt"}) {
            std::ofstream(folder / name) << "x";
        }
        for (const char* name : {"old.cache", "old.sums", "other.txt"}) {
            fs::last_write_time(folder / name, days_ago(100));
        }
        fs::last_write_time(folder / "recent.cache", days_ago(80));
        write_revision(history.dir, "r999", {id_of(k_revisions - 1)});
        wait_until_cacheable(history.dir);
        REQUIRE(load(true).use.written);
        CHECK_FALSE(fs::exists(folder / "old.cache"));
        CHECK_FALSE(fs::exists(folder / "old.sums"));
        CHECK(fs::exists(folder / "recent.cache"));
        CHECK(fs::exists(folder / "other.txt"));
    }
    SECTION("and reading one marks it used") {
        fs::last_write_time(cache_file(), days_ago(10));
        const Load cached = load(true);
        REQUIRE_FALSE(cached.use.written);
        CHECK(fs::last_write_time(cache_file()) > days_ago(1));
        CHECK(cached.use.revisions == k_revisions + 1);
    }
}
