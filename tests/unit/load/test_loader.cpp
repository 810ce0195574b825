#include "graph_builder.hpp"
#include "memory_file_system.hpp"
#include "temp_dir.hpp"

#include <rev/loader.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

// Every test runs inside its TempDir, so messages name "versions/..." relative to it.
using rev::test::ids_of;
using rev::test::MemoryFileSystem;
using rev::test::ScopedCurrentPath;
using rev::test::TempDir;
using rev::test::write_manifest;
using rev::test::write_revision;

namespace {

// Loads ./versions and returns each defect as the CLI prints it; empty when it loads.
std::vector<std::string> load_defects() {
    try {
        rev::load_revision_graph("versions");
    } catch (const rev::LoadError& error) {
        std::vector<std::string> lines;
        for (const rev::Diagnostic& defect : error.defects()) {
            lines.push_back(defect.to_string());
        }
        return lines;
    }
    return {};
}

using Lines = std::vector<std::string>;

} // namespace

TEST_CASE("load_revision_graph: loads a folder of revisions", "[loader]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    write_revision(dir, "a", {});
    write_revision(dir, "b", {"a"}, "branch_labels = [\"feature\"]\ntransactional = false\n");

    SECTION("with every manifest key read") {
        const rev::RevisionGraph graph = rev::load_revision_graph("versions");
        REQUIRE(ids_of(graph, graph.topological_order()) == Lines{"a", "b"});
        const rev::Revision& b = graph.revision(1);
        CHECK(b.id == "b");
        CHECK(b.message == "revision b");
        CHECK(b.parents == Lines{"a"});
        CHECK(b.branch_labels == Lines{"feature"});
        CHECK_FALSE(b.transactional);
        CHECK(graph.revision(0).transactional);
        CHECK(b.directory == std::filesystem::path("versions/b"));
        CHECK(b.lines.id == 1);
        CHECK(b.lines.parents == 3);
        CHECK(b.lines.branch_labels == 4);
        CHECK(b.lines.depends_on == 0);
    }
    SECTION("from nested folders, at any depth") {
        write_manifest(dir, "group/deeper/c", "id = \"c\"\nmessage = \"m\"\nparents = [\"b\"]\n");
        const rev::RevisionGraph graph = rev::load_revision_graph("versions");
        REQUIRE(ids_of(graph, graph.topological_order()) == Lines{"a", "b", "c"});
        CHECK(graph.revision(2).directory == std::filesystem::path("versions/group/deeper/c"));
    }
    SECTION("skipping hidden folders") {
        // What an editor, git or an interrupted `rev new` leaves behind must not count.
        write_manifest(dir, ".staging/c", "this is not even TOML");
        write_manifest(dir, "nested/.old/d", "id = \"d\"\nmessage = \"m\"\nparents = [\"x\"]\n");
        const rev::RevisionGraph graph = rev::load_revision_graph("versions");
        CHECK(ids_of(graph, graph.topological_order()) == Lines{"a", "b"});
    }
    SECTION("given as an absolute path") {
        const rev::RevisionGraph graph = rev::load_revision_graph(dir.path() / "versions");
        CHECK(graph.size() == 2);
    }
}

TEST_CASE("load_revision_graph: an empty folder is an empty graph", "[loader]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    std::filesystem::create_directories(dir.path() / "versions");
    const rev::RevisionGraph graph = rev::load_revision_graph("versions");
    CHECK(graph.size() == 0);
    CHECK(graph.heads().empty());
}

TEST_CASE("load_revision_graph: reports a missing revisions folder", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    SECTION("relative") {
        REQUIRE_THROWS_WITH(rev::load_revision_graph("versions"),
                            "versions: revisions folder not found");
    }
    SECTION("absolute, below the current directory") {
        REQUIRE_THROWS_WITH(rev::load_revision_graph(dir.path() / "versions"),
                            "versions: revisions folder not found");
    }
    SECTION("a file, not a folder") {
        dir.write("versions", "");
        REQUIRE_THROWS_WITH(rev::load_revision_graph("versions"),
                            "versions: revisions folder not found");
    }
}

TEST_CASE("load_revision_graph: rejects malformed TOML with its line", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    SECTION("an unterminated array") {
        write_manifest(dir, "a", "id = \"a\"\nmessage = \"m\"\nparents = [\n");
        CHECK(load_defects() == Lines{"versions/a/manifest.toml:3: invalid TOML: Error while "
                                      "parsing array: encountered end-of-file"});
    }
    SECTION("a key given twice") {
        write_manifest(dir, "a", "id = \"a\"\nid = \"b\"\nmessage = \"m\"\nparents = []\n");
        CHECK(load_defects() == Lines{"versions/a/manifest.toml:2: invalid TOML: Error while "
                                      "parsing key-value pair: cannot redefine existing string "
                                      "'id'"});
    }
    SECTION("a bare word as a value") {
        write_manifest(dir, "a", "id = a\n");
        CHECK(load_defects() == Lines{"versions/a/manifest.toml:1: invalid TOML: Error while "
                                      "parsing value: could not determine value type"});
    }
}

TEST_CASE("load_revision_graph: rejects a missing required key", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    SECTION("id") {
        write_manifest(dir, "a", "message = \"m\"\nparents = []\n");
        CHECK(load_defects() == Lines{"versions/a/manifest.toml: missing required key 'id'"});
    }
    SECTION("message") {
        write_manifest(dir, "a", "id = \"a\"\nparents = []\n");
        CHECK(load_defects() == Lines{"versions/a/manifest.toml: missing required key 'message'"});
    }
    SECTION("parents, with a hint for a base revision") {
        write_manifest(dir, "a", "id = \"a\"\nmessage = \"m\"\n");
        CHECK(load_defects() == Lines{"versions/a/manifest.toml: missing required key 'parents' "
                                      "(use parents = [] for a base revision)"});
    }
}

TEST_CASE("load_revision_graph: rejects a value of the wrong type", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    SECTION("id not a string") {
        write_manifest(dir, "a", "id = 3\nmessage = \"m\"\nparents = []\n");
        CHECK(load_defects() ==
              Lines{"versions/a/manifest.toml:1: 'id' must be a string, not an integer"});
    }
    SECTION("message not a string") {
        write_manifest(dir, "a", "id = \"a\"\nmessage = [\"m\"]\nparents = []\n");
        CHECK(load_defects() ==
              Lines{"versions/a/manifest.toml:2: 'message' must be a string, not an array"});
    }
    SECTION("parents a string, not an array") {
        write_revision(dir, "a", {});
        write_manifest(dir, "b", "id = \"b\"\nmessage = \"m\"\nparents = \"a\"\n");
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:3: 'parents' must be an array "
                                      "of strings, not a string"});
    }
    SECTION("a non-string element, on its own line") {
        write_revision(dir, "a", {});
        write_manifest(dir, "b", "id = \"b\"\nmessage = \"m\"\nparents = [\n  \"a\",\n  1.5,\n]\n");
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:5: 'parents' must hold only "
                                      "strings, not a float"});
    }
    SECTION("depends_on a table") {
        write_manifest(dir, "a",
                       "id = \"a\"\nmessage = \"m\"\nparents = []\n"
                       "depends_on = { x = 1 }\n");
        CHECK(load_defects() == Lines{"versions/a/manifest.toml:4: 'depends_on' must be an "
                                      "array of strings, not a table"});
    }
    SECTION("transactional not a boolean") {
        write_revision(dir, "a", {}, "transactional = \"no\"\n");
        CHECK(load_defects() == Lines{"versions/a/manifest.toml:4: 'transactional' must be a "
                                      "boolean, not a string"});
    }
}

TEST_CASE("load_revision_graph: rejects an unknown key", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    SECTION("with a suggestion for a typo") {
        write_revision(dir, "a", {});
        write_manifest(dir, "b", "id = \"b\"\nmessage = \"m\"\nparent = [\"a\"]\n");
        // The typo also leaves the required key missing: both are reported.
        CHECK(load_defects() ==
              Lines{"versions/b/manifest.toml:3: unknown key 'parent' (did you mean 'parents'?)",
                    "versions/b/manifest.toml: missing required key 'parents' (use parents = [] "
                    "for a base revision)"});
    }
    SECTION("without a suggestion when nothing is close") {
        write_revision(dir, "a", {}, "author = \"me\"\n");
        CHECK(load_defects() == Lines{"versions/a/manifest.toml:4: unknown key 'author'"});
    }
}

TEST_CASE("load_revision_graph: rejects invalid names", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    SECTION("an id with characters other than letters, digits and '_'") {
        write_revision(dir, "a", {});
        write_manifest(dir, "b", "id = \"add-users\"\nmessage = \"m\"\nparents = [\"a\"]\n");
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:1: 'id' value 'add-users' may "
                                      "hold only letters, digits and '_'"});
    }
    SECTION("an empty id") {
        write_manifest(dir, "a", "id = \"\"\nmessage = \"m\"\nparents = []\n");
        CHECK(load_defects() == Lines{"versions/a/manifest.toml:1: 'id' must not be empty"});
    }
    SECTION("a reserved word as id") {
        write_manifest(dir, "a", "id = \"head\"\nmessage = \"m\"\nparents = []\n");
        CHECK(load_defects() ==
              Lines{"versions/a/manifest.toml:1: 'id' uses the reserved word 'head'"});
    }
    SECTION("a reserved word as branch label") {
        write_revision(dir, "a", {}, "branch_labels = [\"base\"]\n");
        CHECK(load_defects() ==
              Lines{"versions/a/manifest.toml:4: 'branch_labels' uses the reserved word 'base'"});
    }
    SECTION("an invalid name in parents") {
        write_revision(dir, "a", {"x y"});
        CHECK(load_defects() == Lines{"versions/a/manifest.toml:3: 'parents' value 'x y' may "
                                      "hold only letters, digits and '_'"});
    }
}

TEST_CASE("load_revision_graph: rejects a name listed twice", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    write_revision(dir, "a", {});
    SECTION("in parents") {
        write_revision(dir, "b", {"a", "a"});
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:3: 'parents' names 'a' twice"});
    }
    SECTION("in branch_labels") {
        write_revision(dir, "b", {"a"}, "branch_labels = [\"x\", \"x\"]\n");
        CHECK(load_defects() ==
              Lines{"versions/b/manifest.toml:4: 'branch_labels' names 'x' twice"});
    }
}

TEST_CASE("load_revision_graph: rejects a duplicate id", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    write_manifest(dir, "one/a", "id = \"a\"\nmessage = \"first\"\nparents = []\n");
    write_manifest(dir, "two/a", "message = \"second\"\nid = \"a\"\nparents = []\n");
    // The first in path order is kept; the report names both files.
    CHECK(load_defects() == Lines{"versions/two/a/manifest.toml:2: duplicate id 'a' (also in "
                                  "versions/one/a/manifest.toml)"});
}

TEST_CASE("load_revision_graph: path order compares folder names, not whole paths",
          "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    // As strings "a-x/..." < "a/x/..." ('-' < '/'); as paths, folder "a" < "a-x".
    write_manifest(dir, "a-x", "id = \"a\"\nmessage = \"second\"\nparents = []\n");
    write_manifest(dir, "a/x", "id = \"a\"\nmessage = \"first\"\nparents = []\n");
    CHECK(load_defects() == Lines{"versions/a-x/manifest.toml:1: duplicate id 'a' (also in "
                                  "versions/a/x/manifest.toml)"});
}

TEST_CASE("load_revision_graph: a folder named like a script counts as one", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    write_revision(dir, "a", {});
    std::filesystem::remove(dir.path() / "versions/a/down.sql");
    std::filesystem::create_directories(dir.path() / "versions/a/down.sql");
    // Scripts are read when run, where a folder is refused; loading only looks for the names.
    CHECK(load_defects().empty());
}

TEST_CASE("load_revision_graph: rejects a revision without its scripts", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    write_revision(dir, "a", {});
    SECTION("up.sql") {
        std::filesystem::remove(dir.path() / "versions/a/up.sql");
        CHECK(load_defects() == Lines{"versions/a/up.sql: missing (every revision needs up.sql "
                                      "and down.sql)"});
    }
    SECTION("down.sql") {
        std::filesystem::remove(dir.path() / "versions/a/down.sql");
        CHECK(load_defects() == Lines{"versions/a/down.sql: missing (every revision needs up.sql "
                                      "and down.sql)"});
    }
    SECTION("both") {
        std::filesystem::remove(dir.path() / "versions/a/up.sql");
        std::filesystem::remove(dir.path() / "versions/a/down.sql");
        CHECK(load_defects() ==
              Lines{"versions/a/up.sql: missing (every revision needs up.sql and down.sql)",
                    "versions/a/down.sql: missing (every revision needs up.sql and down.sql)"});
    }
}

TEST_CASE("load_revision_graph: rejects a reference to an unknown revision", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    write_revision(dir, "add_users", {});
    SECTION("a parent, with a suggestion for a typo") {
        write_revision(dir, "b", {"add_user"});
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:3: parent 'add_user' not found "
                                      "(did you mean 'add_users'?)"});
    }
    SECTION("a parent, without a suggestion when nothing is close") {
        write_revision(dir, "b", {"zzzzzz"});
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:3: parent 'zzzzzz' not found"});
    }
    SECTION("depends_on") {
        write_revision(dir, "b", {"add_users"}, "depends_on = [\"other\"]\n");
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:4: depends_on 'other' not found"});
    }
    SECTION("depends_on, with a suggestion for a typo") {
        write_revision(dir, "b", {}, "depends_on = [\"add_usres\"]\n");
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:4: depends_on 'add_usres' not "
                                      "found (did you mean 'add_users'?)"});
    }
}

TEST_CASE("load_revision_graph: rejects a cycle", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    SECTION("through three revisions, each named in the report") {
        write_revision(dir, "a", {"c"});
        write_revision(dir, "b", {"a"});
        write_revision(dir, "c", {"b"});
        // Each arrow reads "names as parent", as the manifests do.
        CHECK(load_defects() ==
              Lines{"versions/c/manifest.toml:3: revision cycle: c -> b -> a -> c"});
    }
    SECTION("below a sound base") {
        write_revision(dir, "base0", {});
        write_revision(dir, "a", {"base0", "c"});
        write_revision(dir, "b", {"a"});
        write_revision(dir, "c", {"b"});
        // Entered from the base, the cycle is printed from where the walk met it.
        CHECK(load_defects() ==
              Lines{"versions/a/manifest.toml:3: revision cycle: a -> c -> b -> a"});
    }
    SECTION("a revision that is its own parent") {
        write_revision(dir, "a", {"a"});
        CHECK(load_defects() == Lines{"versions/a/manifest.toml:3: revision cycle: a -> a"});
    }
    SECTION("through depends_on, on the line of the link that starts it") {
        write_revision(dir, "a", {}, "depends_on = [\"b\"]\n");
        write_revision(dir, "b", {"a"});
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:3: revision cycle: b -> a -> b"});
        write_revision(dir, "b", {}, "depends_on = [\"a\"]\n");
        write_revision(dir, "a", {"b"});
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:4: revision cycle: b -> a -> b"});
    }
}

TEST_CASE("load_revision_graph: rejects a clash of branch labels", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    write_revision(dir, "a", {}, "branch_labels = [\"feature\"]\n");
    SECTION("a label used twice") {
        write_revision(dir, "b", {"a"}, "branch_labels = [\"feature\"]\n");
        CHECK(load_defects() == Lines{"versions/b/manifest.toml:4: branch label 'feature' is "
                                      "already used by revision 'a' "
                                      "(versions/a/manifest.toml)"});
    }
    SECTION("a label that is also an id") {
        write_revision(dir, "b", {"a"}, "branch_labels = [\"a\"]\n");
        CHECK(load_defects() ==
              Lines{"versions/b/manifest.toml:4: branch label 'a' is also a revision id"});
    }
}

TEST_CASE("load_revision_graph: reports every defect in one error", "[loader][error]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    write_revision(dir, "a", {});
    write_manifest(dir, "b", "id = \"b\"\nmessage = 7\nparents = [\"a\"]\nauthr = \"x\"\n");
    write_revision(dir, "c", {"a"}, "branch_labels = [\"a\"]\n");
    write_revision(dir, "d", {"c", "nope"});
    write_revision(dir, "e", {"e"});
    std::filesystem::remove(dir.path() / "versions/c/down.sql");

    const Lines expected = {
        "versions/b/manifest.toml:4: unknown key 'authr'",
        "versions/b/manifest.toml:2: 'message' must be a string, not an integer",
        "versions/c/down.sql: missing (every revision needs up.sql and down.sql)",
        "versions/c/manifest.toml:4: branch label 'a' is also a revision id",
        "versions/d/manifest.toml:3: parent 'nope' not found",
        "versions/e/manifest.toml:3: revision cycle: e -> e",
    };
    CHECK(load_defects() == expected);

    SECTION("what() holds one line per defect") {
        std::string joined;
        for (const std::string& line : expected) {
            joined += (joined.empty() ? "" : "\n") + line;
        }
        REQUIRE_THROWS_AS(rev::load_revision_graph("versions"), rev::LoadError);
        REQUIRE_THROWS_WITH(rev::load_revision_graph("versions"), joined);
    }
}

TEST_CASE("parse_manifest: reads a manifest from text", "[loader]") {
    rev::Diagnostics diagnostics;
    SECTION("every key") {
        const std::optional<rev::Revision> revision = rev::parse_manifest(
            "# a comment\nid = \"m1\"\nmessage = \"merge\"\nparents = [\"a\", \"b\"]\n"
            "depends_on = [\"c\"]\nbranch_labels = []\ntransactional = false\n",
            "somewhere/m1/manifest.toml", diagnostics);
        REQUIRE(diagnostics.empty());
        REQUIRE(revision);
        CHECK(revision->id == "m1");
        CHECK(revision->message == "merge");
        CHECK(revision->parents == Lines{"a", "b"});
        CHECK(revision->depends_on == Lines{"c"});
        CHECK(revision->branch_labels.empty());
        CHECK_FALSE(revision->transactional);
        CHECK(revision->directory == std::filesystem::path("somewhere/m1"));
        CHECK(revision->up_path() == std::filesystem::path("somewhere/m1/up.sql"));
        CHECK(revision->lines.id == 2);
        CHECK(revision->lines.parents == 4);
        CHECK(revision->lines.depends_on == 5);
        CHECK(revision->lines.branch_labels == 6);
    }
    SECTION("nothing, with every missing key reported") {
        CHECK_FALSE(rev::parse_manifest("", "x/manifest.toml", diagnostics));
        CHECK(rev::test::lines_of(diagnostics) ==
              Lines{"x/manifest.toml: missing required key 'id'",
                    "x/manifest.toml: missing required key 'message'",
                    "x/manifest.toml: missing required key 'parents' (use parents = [] for a "
                    "base revision)"});
    }
}

TEST_CASE("parse_manifest: [lint] allow names lint codes", "[loader][lint]") {
    rev::Diagnostics diagnostics;
    const auto parse = [&diagnostics](const std::string& lint) {
        return rev::parse_manifest("id = \"a\"\nmessage = \"m\"\nparents = []\n" + lint,
                                   "v/a/manifest.toml", diagnostics);
    };
    SECTION("known codes, kept in order, with the line") {
        const auto revision = parse("[lint]\nallow = [\"drop-column\", \"rename\"]\n");
        REQUIRE(revision);
        CHECK(revision->lint_allow == Lines{"drop-column", "rename"});
        CHECK(revision->lines.lint_allow == 5);
    }
    SECTION("none") {
        const auto revision = parse("");
        REQUIRE(revision);
        CHECK(revision->lint_allow.empty());
        CHECK(revision->lines.lint_allow == 0);
    }
    SECTION("an unknown code, with a suggestion; a code twice; a key that is not allow") {
        CHECK_FALSE(parse("[lint]\nallow = [\"drop-colum\", \"rename\", \"rename\", 7]\n"
                          "alow = []\n"));
        CHECK(rev::test::lines_of(diagnostics) ==
              Lines{"v/a/manifest.toml:6: unknown key 'lint.alow' (did you mean 'allow'?)",
                    "v/a/manifest.toml:5: unknown lint code 'drop-colum' (did you mean "
                    "'drop-column'?) (see docs/lint.md)",
                    "v/a/manifest.toml:5: 'lint.allow' names 'rename' twice",
                    "v/a/manifest.toml:5: 'lint.allow' must hold only strings, not an integer"});
    }
    SECTION("lint must be a table") {
        CHECK_FALSE(parse("lint = [\"drop-table\"]\n"));
        CHECK(rev::test::lines_of(diagnostics) ==
              Lines{"v/a/manifest.toml:4: 'lint' must be a table, not an array"});
    }
}

// Found by fuzz/fuzz_manifest: toml++ quotes the characters it saw, and keys and names may hold
// any escaped character, so a newline from the file used to split one defect over two lines.
TEST_CASE("parse_manifest: control characters in quoted text are escaped, one line per defect",
          "[loader][error]") {
    rev::Diagnostics diagnostics;
    SECTION("an unknown key and a name") {
        CHECK_FALSE(rev::parse_manifest(
            "\"a\\nb\" = 1\nid = \"a\"\nmessage = \"m\"\nparents = [\"x\\ty\"]\n",
            "x/manifest.toml", diagnostics));
        CHECK(rev::test::lines_of(diagnostics) ==
              Lines{"x/manifest.toml:1: unknown key 'a\\nb'",
                    "x/manifest.toml:4: 'parents' value 'x\\ty' may hold only letters, digits "
                    "and '_'"});
    }
    SECTION("toml++'s description of a syntax error") {
        CHECK_FALSE(
            rev::parse_manifest("id = \"a\"\ntransactional = t\n", "x/manifest.toml", diagnostics));
        CHECK(rev::test::lines_of(diagnostics) ==
              Lines{"x/manifest.toml:2: invalid TOML: Error while parsing boolean: expected "
                    "'true', saw 't\\n'"});
    }
}

namespace {

// Three revisions in memory: b and c both follow a, so that a defect in either is the only one.
void write_history(MemoryFileSystem& files) {
    rev::test::write_revision(files, "a", {});
    rev::test::write_revision(files, "b", {"a"}, "branch_labels = [\"feature\"]\n");
    files.write("versions/group/c/manifest.toml",
                "id = \"c\"\nmessage = \"nested\"\nparents = [\"a\"]\ntransactional = false\n");
    files.write("versions/group/c/up.sql", "SELECT 1;\n");
    files.write("versions/group/c/down.sql", "SELECT 1;\n");
    files.write("versions/.staging/x/manifest.toml", "not TOML");
}

// Every field the loader fills in, one line per revision in topological order.
Lines describe(const rev::RevisionGraph& graph) {
    Lines lines;
    for (const auto vertex : graph.topological_order()) {
        const rev::Revision& revision = graph.revision(vertex);
        std::string line = revision.id + "|" + revision.message + "|" + revision.directory + "|" +
                           (revision.transactional ? "tx" : "no-tx") + "|" +
                           std::to_string(revision.lines.parents);
        for (const std::string& label : revision.branch_labels) {
            line += "|" + label;
        }
        lines.push_back(line);
    }
    return lines;
}

} // namespace

TEST_CASE("load_revision_graph: loads a revision set from a FileSystem in memory",
          "[loader][file_system]") {
    MemoryFileSystem files;
    write_history(files);
    const rev::RevisionGraph graph = rev::load_revision_graph("versions", files);
    CHECK(describe(graph) == Lines{"a|revision a|versions/a|tx|3",
                                   "b|revision b|versions/b|tx|3|feature",
                                   "c|nested|versions/group/c|no-tx|3"});
    const rev::RevisionFiles scripts =
        rev::read_revision_files(graph.revision(*graph.revisions().find("b")), files);
    CHECK(scripts.up == "CREATE TABLE t_b (x INTEGER);\n");
    CHECK(scripts.down == "DROP TABLE t_b;\n");
}

TEST_CASE("load_revision_graph: short and interrupted reads give the same result",
          "[loader][file_system]") {
    MemoryFileSystem whole;
    write_history(whole);
    const Lines expected = describe(rev::load_revision_graph("versions", whole));
    MemoryFileSystem files;
    write_history(files);
    SECTION("one byte a read") {
        files.faults().read_chunk = 1;
    }
    SECTION("each file's first read interrupted") {
        files.faults().interrupt_first_read = true;
    }
    SECTION("both") {
        files.faults().read_chunk = 3;
        files.faults().interrupt_first_read = true;
    }
    CHECK(describe(rev::load_revision_graph("versions", files)) == expected);
    CHECK(files.reads() > whole.reads());
}

TEST_CASE("load_revision_graph: a file gone or denied is named in one line", "[loader][error]") {
    MemoryFileSystem files;
    write_history(files);
    SECTION("a manifest removed between the listing and the read") {
        files.faults().vanishing = {"versions/b/manifest.toml"};
        REQUIRE_THROWS_WITH(rev::load_revision_graph("versions", files),
                            "versions/b/manifest.toml: cannot read the file");
    }
    SECTION("a manifest that may not be read (EACCES)") {
        files.faults().denied = {"versions/group/c/manifest.toml"};
        REQUIRE_THROWS_WITH(rev::load_revision_graph("versions", files),
                            "versions/group/c/manifest.toml: cannot read the file");
    }
    SECTION("a folder that may not be listed (EACCES)") {
        // The defect names the revisions folder, not the folder below it that failed.
        files.faults().denied = {"versions/group"};
        REQUIRE_THROWS_WITH(rev::load_revision_graph("versions", files),
                            "versions: cannot list the revisions folder: Permission denied");
    }
    SECTION("the revisions folder that may not be listed (EACCES)") {
        files.faults().denied = {"versions"};
        REQUIRE_THROWS_WITH(rev::load_revision_graph("versions", files),
                            "versions: cannot list the revisions folder: Permission denied");
    }
}

TEST_CASE("read_revision_files: a script gone or denied after the load is named",
          "[loader][error]") {
    MemoryFileSystem files;
    write_history(files);
    SECTION("an up.sql removed between the listing and the read") {
        files.faults().vanishing = {"versions/b/up.sql"};
    }
    SECTION("an up.sql that may not be read (EACCES)") {
        files.faults().denied = {"versions/b/up.sql"};
    }
    // The listing saw up.sql, so the load has no defect; reading the script for a move fails.
    const rev::RevisionGraph graph = rev::load_revision_graph("versions", files);
    const rev::Revision& b = graph.revision(*graph.revisions().find("b"));
    REQUIRE_THROWS_AS(rev::read_revision_files(b, files), rev::RefusedError);
    REQUIRE_THROWS_WITH(rev::read_revision_files(b, files),
                        "versions/b/up.sql: cannot read the file");
}
