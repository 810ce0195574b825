#include "graph_builder.hpp"
#include "temp_dir.hpp"

#include <rev/config.hpp>
#include <rev/loader.hpp>
#include <rev/scaffold.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using rev::NewRevision;
using rev::NewRevisionRequest;
using rev::RevisionGraph;
using rev::test::GraphBuilder;
using rev::test::ids_of;
using rev::test::ScopedCurrentPath;
using rev::test::TempDir;
using rev::test::vertex_of;
using Lines = std::vector<std::string>;
namespace fs = std::filesystem;

namespace {

// aaaa0001 - bbbb0002 (feature)                       one head
RevisionGraph line_graph() {
    return GraphBuilder()
        .add("aaaa0001", {})
        .add("bbbb0002", {"aaaa0001"}, {}, {"feature"})
        .build();
}

// aaaa0001 - bbbb0002
//          `- cccc0003 - dddd0004                      two heads
RevisionGraph forked_graph() {
    return GraphBuilder()
        .add("aaaa0001", {})
        .add("bbbb0002", {"aaaa0001"})
        .add("cccc0003", {"aaaa0001"})
        .add("dddd0004", {"cccc0003"})
        .build();
}

NewRevisionRequest request(const std::string& id = "new1") {
    NewRevisionRequest result;
    result.message = "a new revision";
    result.id = id;
    return result;
}

NewRevisionRequest merge_request(const Lines& parents = {}) {
    NewRevisionRequest result = request();
    result.merge = true;
    result.parents = parents;
    return result;
}

std::string refusal(const RevisionGraph& graph, const NewRevisionRequest& wanted) {
    try {
        rev::plan_new_revision(graph, wanted);
    } catch (const rev::Error& error) {
        return error.what();
    }
    return "(planned)";
}

bool is_lower_hex(const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

TEST_CASE("plan_new_revision: parents", "[scaffold]") {
    SECTION("the single head by default") {
        const NewRevision planned = rev::plan_new_revision(line_graph(), request());
        CHECK(planned.parents == Lines{"bbbb0002"});
        CHECK(planned.id == "new1");
        CHECK(planned.message == "a new revision");
    }
    SECTION("none in an empty graph: a base revision") {
        CHECK(rev::plan_new_revision(GraphBuilder().build(), request()).parents.empty());
    }
    SECTION("given by prefix, full id or target") {
        NewRevisionRequest wanted = request();
        wanted.parents = {"bbbb"};
        CHECK(rev::plan_new_revision(forked_graph(), wanted).parents == Lines{"bbbb0002"});
        wanted.parents = {"dddd0004-1"};
        CHECK(rev::plan_new_revision(forked_graph(), wanted).parents == Lines{"cccc0003"});
        wanted.parents = {"aaaa0001"};
        CHECK(rev::plan_new_revision(forked_graph(), wanted).parents == Lines{"aaaa0001"});
    }
    SECTION("several, each once") {
        NewRevisionRequest wanted = request();
        wanted.parents = {"dddd", "bbbb", "dddd0004"};
        CHECK(rev::plan_new_revision(forked_graph(), wanted).parents ==
              Lines{"dddd0004", "bbbb0002"});
    }
    SECTION("depends_on by prefix, each once") {
        NewRevisionRequest wanted = request();
        wanted.depends_on = {"cccc", "cccc0003"};
        wanted.parents = {"bbbb"};
        CHECK(rev::plan_new_revision(forked_graph(), wanted).depends_on == Lines{"cccc0003"});
    }
}

TEST_CASE("plan_new_revision: refuses an unclear parent", "[scaffold][error]") {
    SECTION("several heads") {
        CHECK(refusal(forked_graph(), request()) ==
              "the graph has 2 heads (bbbb0002, dddd0004); merge them with 'rev merge -m MSG' or "
              "pick one with --parent");
    }
    SECTION("an unknown or ambiguous parent") {
        NewRevisionRequest wanted = request();
        wanted.parents = {"eeee"};
        CHECK(refusal(forked_graph(), wanted) == "unknown revision 'eeee'");
        wanted.parents = {"head"};
        CHECK(refusal(forked_graph(), wanted) ==
              "'head' is ambiguous: 2 heads (bbbb0002, dddd0004); use 'heads', 'LABEL@head' or a "
              "revision id");
    }
    SECTION("an unknown depends_on") {
        NewRevisionRequest wanted = request();
        wanted.depends_on = {"bbbb0003"};
        CHECK(refusal(line_graph(), wanted) ==
              "unknown revision 'bbbb0003' (did you mean 'bbbb0002'?)");
    }
}

TEST_CASE("plan_new_revision: refuses a message that is empty or not one line",
          "[scaffold][error]") {
    NewRevisionRequest wanted = request();
    for (const char* empty : {"", "  ", "\t"}) {
        wanted.message = empty;
        CHECK(refusal(line_graph(), wanted) ==
              "the message must say what the revision does; it is empty");
    }
    // It goes into SQL comments: a line break would make the rest of it SQL.
    for (const char* multiline : {"add users\nDROP TABLE users;", "a\rb", "a\x1b[31mb"}) {
        wanted.message = multiline;
        CHECK(refusal(line_graph(), wanted) == "the message must be one line of text, without "
                                               "line breaks or control characters");
    }
}

TEST_CASE("plan_new_revision: merges", "[scaffold]") {
    SECTION("every head by default") {
        CHECK(rev::plan_new_revision(forked_graph(), merge_request()).parents ==
              Lines{"bbbb0002", "dddd0004"});
    }
    SECTION("the revisions given") {
        CHECK(rev::plan_new_revision(forked_graph(), merge_request({"cccc", "bbbb"})).parents ==
              Lines{"cccc0003", "bbbb0002"});
    }
}

TEST_CASE("plan_new_revision: refuses a merge of fewer than two lines", "[scaffold][error]") {
    SECTION("one head") {
        CHECK(refusal(line_graph(), merge_request()) ==
              "a merge needs at least two revisions, got 1 (bbbb0002)");
    }
    SECTION("nothing") {
        CHECK(refusal(GraphBuilder().build(), merge_request()) ==
              "a merge needs at least two revisions, got 0");
    }
    SECTION("one revision named twice") {
        CHECK(refusal(forked_graph(), merge_request({"bbbb", "bbbb0002"})) ==
              "a merge needs at least two revisions, got 1 (bbbb0002)");
    }
    SECTION("a revision and its descendant") {
        CHECK(refusal(forked_graph(), merge_request({"aaaa0001", "dddd0004"})) ==
              "cannot merge 'aaaa0001' with its descendant 'dddd0004'");
        CHECK(refusal(forked_graph(), merge_request({"dddd0004", "cccc0003"})) ==
              "cannot merge 'cccc0003' with its descendant 'dddd0004'");
    }
}

TEST_CASE("plan_new_revision: the id", "[scaffold]") {
    SECTION("12 random hex characters by default") {
        const NewRevision planned = rev::plan_new_revision(line_graph(), request(""));
        CHECK(planned.id.size() == 12);
        CHECK(is_lower_hex(planned.id));
    }
    SECTION("refused when invalid") {
        CHECK(refusal(line_graph(), request("add-users")) ==
              "invalid id 'add-users': use letters, digits and '_' (and not head, heads, base, "
              "current)");
        CHECK(refusal(line_graph(), request("current")) ==
              "invalid id 'current': use letters, digits and '_' (and not head, heads, base, "
              "current)");
    }
    SECTION("refused when already an id or a label") {
        CHECK(refusal(line_graph(), request("aaaa0001")) ==
              "id 'aaaa0001' is already used in the graph");
        CHECK(refusal(line_graph(), request("feature")) ==
              "id 'feature' is already used in the graph");
    }
}

TEST_CASE("plan_new_revision: branch labels", "[scaffold]") {
    NewRevisionRequest wanted = request();
    SECTION("accepted when new") {
        wanted.branch_labels = {"payments", "v2"};
        CHECK(rev::plan_new_revision(line_graph(), wanted).branch_labels ==
              Lines{"payments", "v2"});
    }
    SECTION("refused when another revision has it") {
        wanted.branch_labels = {"feature"};
        CHECK(refusal(line_graph(), wanted) ==
              "branch label 'feature' is already used by revision 'bbbb0002'");
    }
    SECTION("refused when it is an id, the new one included") {
        wanted.branch_labels = {"aaaa0001"};
        CHECK(refusal(line_graph(), wanted) == "branch label 'aaaa0001' is a revision id");
        wanted.branch_labels = {"new1"};
        CHECK(refusal(line_graph(), wanted) == "branch label 'new1' is a revision id");
    }
    SECTION("refused when given twice") {
        wanted.branch_labels = {"payments", "payments"};
        CHECK(refusal(line_graph(), wanted) == "branch label 'payments' is given twice");
    }
    SECTION("refused when invalid") {
        wanted.branch_labels = {"heads"};
        CHECK(refusal(line_graph(), wanted) ==
              "invalid branch label 'heads': use letters, digits and '_' (and not head, heads, "
              "base, current)");
    }
}

TEST_CASE("manifest_text", "[scaffold]") {
    SECTION("every field, quoted by toml++") {
        const NewRevision revision{"m1", "Say \"hi\" \\ there", {"a", "b"}, {"c"}, {"feature"}};
        CHECK(rev::manifest_text(revision) ==
              "id = \"m1\"\n"
              "message = \"Say \\\"hi\\\" \\\\ there\"\n"
              "parents = [ \"a\", \"b\" ]\n"
              "branch_labels = [ \"feature\" ]\n"
              "depends_on = [ \"c\" ]\n"
              "# transactional = false  # for statements that cannot run in a transaction\n");
    }
    SECTION("a base revision") {
        const NewRevision revision{"a", "first", {}, {}, {}};
        CHECK(rev::manifest_text(revision) ==
              "id = \"a\"\nmessage = \"first\"\nparents = []\n"
              "# transactional = false  # for statements that cannot run in a transaction\n");
    }
}

TEST_CASE("write_revision: writes a folder that loads back", "[scaffold]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    fs::create_directories("versions");
    const NewRevision base{"aaaa0001", "Create users!", {}, {}, {"core"}};
    const NewRevision next{"bbbb0002", "Quote \"this\"\nand that", {"aaaa0001"}, {"aaaa0001"}, {}};
    const fs::path folder = rev::write_revision("versions", base);
    CHECK(folder == fs::path("versions/aaaa0001_create_users"));
    CHECK(rev::write_revision(dir.path() / "versions", next) ==
          dir.path() / "versions/bbbb0002_quote_this_and_that");
    CHECK(dir.read("versions/aaaa0001_create_users/up.sql") ==
          "-- Upgrade of revision aaaa0001: Create users!\n"
          "-- Statements that apply this revision.\n");
    CHECK(dir.read("versions/aaaa0001_create_users/down.sql") ==
          "-- Downgrade of revision aaaa0001: Create users!\n"
          "-- Statements that revert up.sql exactly.\n");

    const RevisionGraph graph = rev::load_revision_graph("versions");
    REQUIRE(ids_of(graph, graph.topological_order()) == Lines{"aaaa0001", "bbbb0002"});
    const rev::Revision& loaded = graph.revision(vertex_of(graph, "bbbb0002"));
    CHECK(loaded.message == "Quote \"this\"\nand that");
    CHECK(loaded.parents == Lines{"aaaa0001"});
    CHECK(loaded.depends_on == Lines{"aaaa0001"});
    CHECK(loaded.transactional);
    CHECK(graph.revision(vertex_of(graph, "aaaa0001")).branch_labels == Lines{"core"});

    SECTION("leaving no staging folder behind") {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator("versions")) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        CHECK(names == Lines{"aaaa0001_create_users", "bbbb0002_quote_this_and_that"});
    }
    SECTION("named by the id alone when the message has no word") {
        CHECK(rev::write_revision("versions", NewRevision{"cccc0003", "!!!", {}, {}, {}}) ==
              fs::path("versions/cccc0003"));
    }
    SECTION("refusing to overwrite a folder") {
        REQUIRE_THROWS_AS(rev::write_revision("versions", base), rev::RefusedError);
        REQUIRE_THROWS_WITH(rev::write_revision("versions", base),
                            "versions/aaaa0001_create_users: already exists");
    }
}

TEST_CASE("slugify", "[scaffold]") {
    CHECK(rev::slugify("Add users table") == "add_users_table");
    CHECK(rev::slugify("  --Hello, World--  ") == "hello_world");
    CHECK(rev::slugify("v2: rename col_a") == "v2_rename_col_a");
    CHECK(rev::slugify("") == "");
    CHECK(rev::slugify("!!!") == "");
    SECTION("at most 40 characters, without a trailing '_'") {
        const std::string slug =
            rev::slugify("a very long message that goes on and on and on and on forever");
        CHECK(slug == "a_very_long_message_that_goes_on_and_on");
        CHECK(rev::slugify(std::string(50, 'x')) == std::string(40, 'x'));
    }
}

TEST_CASE("random_revision_id", "[scaffold]") {
    const std::string first = rev::random_revision_id();
    const std::string second = rev::random_revision_id();
    CHECK(first.size() == 12);
    CHECK(is_lower_hex(first));
    CHECK(is_lower_hex(second));
    CHECK(first != second);
}

TEST_CASE("init_project", "[scaffold]") {
    TempDir dir;
    ScopedCurrentPath cwd(dir.path());
    SECTION("writes migrate.toml and an empty versions folder") {
        CHECK(rev::init_project(".") == fs::path("./migrate.toml"));
        CHECK(dir.read("migrate.toml") == rev::default_config_text());
        CHECK(fs::is_directory(dir.path() / "versions"));
        CHECK(fs::is_empty(dir.path() / "versions"));
        CHECK(rev::load_revision_graph("versions").size() == 0);
    }
    SECTION("in a folder that does not exist yet") {
        CHECK(rev::init_project("app/db") == fs::path("app/db/migrate.toml"));
        CHECK(fs::is_directory(dir.path() / "app/db/versions"));
    }
    SECTION("refusing to overwrite migrate.toml") {
        dir.write("migrate.toml", "# mine\n");
        REQUIRE_THROWS_AS(rev::init_project("."), rev::RefusedError);
        REQUIRE_THROWS_WITH(rev::init_project("."), "migrate.toml: already exists");
        CHECK(dir.read("migrate.toml") == "# mine\n");
    }
}
