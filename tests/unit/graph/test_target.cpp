#include "graph_builder.hpp"

#include <rev/target.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using rev::RevisionGraph;
using rev::Target;
using rev::test::GraphBuilder;
using rev::test::ids_of;
using rev::test::vertex_of;
using Lines = std::vector<std::string>;
using Anchor = Target::Anchor;

namespace {

// aaaa0001 - aaaa0002 - bbbb0003 - dddd0006
//                     `- cccc0004 (feature) - cccc0005
RevisionGraph forked_graph() {
    return GraphBuilder()
        .add("aaaa0001", {})
        .add("aaaa0002", {"aaaa0001"})
        .add("bbbb0003", {"aaaa0002"})
        .add("cccc0004", {"aaaa0002"}, {}, {"feature"})
        .add("cccc0005", {"cccc0004"})
        .add("dddd0006", {"bbbb0003"})
        .build();
}

// The ids a target resolves to in `graph`.
Lines resolve(const RevisionGraph& graph, const std::string& text) {
    return ids_of(graph, rev::resolve_target(graph, rev::parse_target(text)));
}

Lines range(const RevisionGraph& graph, const std::string& text) {
    return ids_of(graph, rev::resolve_range(graph, rev::parse_range(text)));
}

} // namespace

TEST_CASE("parse_target: every form of the grammar", "[target]") {
    SECTION("head, heads, base") {
        const Target head = rev::parse_target("head");
        CHECK(head.text == "head");
        CHECK(head.anchor == Anchor::head);
        CHECK_FALSE(head.label);
        CHECK(head.offset == 0);
        CHECK_FALSE(head.is_relative());
        CHECK(rev::parse_target("heads").anchor == Anchor::heads);
        CHECK(rev::parse_target("base").anchor == Anchor::base);
    }
    SECTION("a full id or a prefix") {
        const Target full = rev::parse_target("1a2b3c4d5e6f");
        CHECK(full.anchor == Anchor::revision);
        CHECK(full.revision == "1a2b3c4d5e6f");
        CHECK(full.offset == 0);
        const Target prefix = rev::parse_target("1a2b");
        CHECK(prefix.anchor == Anchor::revision);
        CHECK(prefix.revision == "1a2b");
    }
    SECTION("LABEL@head and LABEL@base") {
        const Target head = rev::parse_target("feature@head");
        CHECK(head.label == std::optional<std::string>("feature"));
        CHECK(head.anchor == Anchor::head);
        const Target base = rev::parse_target("feature@base");
        CHECK(base.label == std::optional<std::string>("feature"));
        CHECK(base.anchor == Anchor::base);
    }
    SECTION("REV+N and REV-N") {
        const Target up = rev::parse_target("1a2b+2");
        CHECK(up.anchor == Anchor::revision);
        CHECK(up.revision == "1a2b");
        CHECK(up.offset == 2);
        const Target down = rev::parse_target("1a2b-13");
        CHECK(down.revision == "1a2b");
        CHECK(down.offset == -13);
    }
    SECTION("LABEL@head-N and base+N") {
        const Target labelled = rev::parse_target("feature@head-2");
        CHECK(labelled.label == std::optional<std::string>("feature"));
        CHECK(labelled.anchor == Anchor::head);
        CHECK(labelled.offset == -2);
        const Target base = rev::parse_target("base+3");
        CHECK(base.anchor == Anchor::base);
        CHECK(base.offset == 3);
    }
    SECTION("+N and -N, relative to a database") {
        const Target up = rev::parse_target("+2");
        CHECK(up.anchor == Anchor::applied);
        CHECK(up.offset == 2);
        CHECK(up.is_relative());
        const Target down = rev::parse_target("-1");
        CHECK(down.anchor == Anchor::applied);
        CHECK(down.offset == -1);
        CHECK(down.is_relative());
    }
    SECTION("LABEL@+N") {
        const Target target = rev::parse_target("feature@+1");
        CHECK(target.label == std::optional<std::string>("feature"));
        CHECK(target.anchor == Anchor::applied);
        CHECK(target.offset == 1);
        CHECK(target.is_relative());
    }
    SECTION("LABEL@REV") {
        const Target target = rev::parse_target("feature@cccc0004");
        CHECK(target.label == std::optional<std::string>("feature"));
        CHECK(target.anchor == Anchor::revision);
        CHECK(target.revision == "cccc0004");
    }
}

TEST_CASE("parse_target: rejects what breaks the grammar", "[target][error]") {
    const auto message = [](const std::string& text) {
        try {
            rev::parse_target(text);
        } catch (const rev::TargetError& error) {
            return std::string(error.what());
        }
        return std::string("(parsed)");
    };
    SECTION("an empty target") {
        CHECK(message("") == "invalid target '': empty");
    }
    SECTION("a bad branch label") {
        CHECK(message("@head") == "invalid target '@head': missing the branch label before '@'");
        CHECK(message("a@b@c") == "invalid target 'a@b@c': more than one '@'");
        CHECK(message("my-branch@head") == "invalid target 'my-branch@head': branch label "
                                           "'my-branch' may hold only letters, digits and '_'");
        CHECK(message("head@head") ==
              "invalid target 'head@head': 'head' is a reserved word, not a branch label");
        CHECK(message("feature@") == "invalid target 'feature@': missing a revision after '@'");
    }
    SECTION("a bad offset") {
        CHECK(message("head+") == "invalid target 'head+': expected a positive number after '+'");
        CHECK(message("head-0") == "invalid target 'head-0': expected a positive number after '-'");
        CHECK(message("head+x") == "invalid target 'head+x': expected a positive number after '+'");
        CHECK(message("head+1-1") ==
              "invalid target 'head+1-1': expected a positive number after '+'");
        CHECK(message("+") == "invalid target '+': expected a positive number after '+'");
        CHECK(message("head+99999999999") ==
              "invalid target 'head+99999999999': expected a positive number after '+'");
    }
    SECTION("an offset where none makes sense") {
        CHECK(message("heads-1") ==
              "invalid target 'heads-1': 'heads' takes no offset; use 'head' or a revision id");
        CHECK(message("feature@heads") ==
              "invalid target 'feature@heads': use 'LABEL@head' for the head of a branch");
        CHECK(message("base-1") == "invalid target 'base-1': nothing lies below base");
        CHECK(message("feature@base-1") ==
              "invalid target 'feature@base-1': nothing lies below base");
    }
    SECTION("something that is not an anchor") {
        CHECK(message("current") == "invalid target 'current': 'current' is not a target; use "
                                    "-N or +N to move relative to it");
        CHECK(message("abc.def") == "invalid target 'abc.def': 'abc.def' is not a revision id "
                                    "(letters, digits and '_'), head, heads or base");
    }
}

TEST_CASE("resolve_revision: a full id or a unique prefix", "[target]") {
    const RevisionGraph graph = forked_graph();
    CHECK(rev::resolve_revision(graph, "aaaa0001") == vertex_of(graph, "aaaa0001"));
    CHECK(rev::resolve_revision(graph, "bbbb") == vertex_of(graph, "bbbb0003"));
    CHECK(rev::resolve_revision(graph, "cccc0004") == vertex_of(graph, "cccc0004"));
}

TEST_CASE("resolve_revision: rejects what names no single revision", "[target][error]") {
    const RevisionGraph graph = forked_graph();
    SECTION("an ambiguous prefix, listing the candidates") {
        REQUIRE_THROWS_WITH(rev::resolve_revision(graph, "aaaa"),
                            "revision prefix 'aaaa' is ambiguous: aaaa0001, aaaa0002");
        REQUIRE_THROWS_WITH(rev::resolve_revision(graph, "cccc000"),
                            "revision prefix 'cccc000' is ambiguous: cccc0004, cccc0005");
    }
    SECTION("a prefix too short, even when unique") {
        REQUIRE_THROWS_WITH(rev::resolve_revision(graph, "bbb"),
                            "revision prefix 'bbb' is too short: give at least 4 characters");
    }
    SECTION("an unknown revision, with a suggestion") {
        REQUIRE_THROWS_WITH(rev::resolve_revision(graph, "dddd0007"),
                            "unknown revision 'dddd0007' (did you mean 'dddd0006'?)");
    }
    SECTION("an unknown revision, without a suggestion") {
        REQUIRE_THROWS_WITH(rev::resolve_revision(graph, "ffff"), "unknown revision 'ffff'");
        REQUIRE_THROWS_AS(rev::resolve_revision(graph, "ffff"), rev::TargetError);
    }
}

TEST_CASE("resolve_label", "[target]") {
    const RevisionGraph graph = forked_graph();
    CHECK(rev::resolve_label(graph, "feature") == vertex_of(graph, "cccc0004"));
    SECTION("an unknown label, with a suggestion") {
        REQUIRE_THROWS_WITH(rev::resolve_label(graph, "featur"),
                            "unknown branch label 'featur' (did you mean 'feature'?)");
    }
    SECTION("an unknown label, without a suggestion") {
        REQUIRE_THROWS_WITH(rev::resolve_label(graph, "payments"),
                            "unknown branch label 'payments'");
    }
    SECTION("an id is not a label") {
        REQUIRE_THROWS_WITH(rev::resolve_label(graph, "cccc0004"),
                            "unknown branch label 'cccc0004'");
    }
}

TEST_CASE("resolve_target: a label chooses the parent at a merge", "[target]") {
    // base - left (left) --- merged
    //     `- right (right) -'
    const RevisionGraph graph = GraphBuilder()
                                    .add("base0001", {})
                                    .add("left0002", {"base0001"}, {}, {"left"})
                                    .add("right003", {"base0001"}, {}, {"right"})
                                    .add("merged04", {"left0002", "right003"})
                                    .build();
    CHECK(resolve(graph, "left@head") == Lines{"merged04"});
    CHECK(resolve(graph, "left@head-1") == Lines{"left0002"});
    CHECK(resolve(graph, "right@head-1") == Lines{"right003"});
    // Below the branch, the walk goes on along the graph.
    CHECK(resolve(graph, "right@head-2") == Lines{"base0001"});
    REQUIRE_THROWS_WITH(resolve(graph, "head-1"),
                        "target 'head-1' is ambiguous: 'merged04' has 2 parents (left0002, "
                        "right003)");
}

TEST_CASE("resolve_target: absolute targets", "[target]") {
    const RevisionGraph graph = forked_graph();
    SECTION("heads, in topological order") {
        CHECK(resolve(graph, "heads") == Lines{"dddd0006", "cccc0005"});
    }
    SECTION("base is the state with nothing applied") {
        CHECK(resolve(graph, "base").empty());
        CHECK(resolve(graph, "base+1") == Lines{"aaaa0001"});
        CHECK(resolve(graph, "base+2") == Lines{"aaaa0002"});
    }
    SECTION("a revision, walked along parent links") {
        CHECK(resolve(graph, "bbbb") == Lines{"bbbb0003"});
        CHECK(resolve(graph, "bbbb+1") == Lines{"dddd0006"});
        CHECK(resolve(graph, "bbbb-1") == Lines{"aaaa0002"});
        CHECK(resolve(graph, "dddd0006-3") == Lines{"aaaa0001"});
        CHECK(resolve(graph, "aaaa0001-1").empty());
    }
    SECTION("the head of a branch") {
        CHECK(resolve(graph, "feature@head") == Lines{"cccc0005"});
        CHECK(resolve(graph, "feature@head-1") == Lines{"cccc0004"});
        CHECK(resolve(graph, "feature@head-2") == Lines{"aaaa0002"});
    }
    SECTION("the base of a branch: the state just before it") {
        CHECK(resolve(graph, "feature@base") == Lines{"aaaa0002"});
        CHECK(resolve(graph, "feature@base+1") == Lines{"cccc0004"});
        CHECK(resolve(graph, "feature@base+2") == Lines{"cccc0005"});
    }
    SECTION("a revision on a branch") {
        CHECK(resolve(graph, "feature@cccc0004") == Lines{"cccc0004"});
        CHECK(resolve(graph, "feature@cccc0004+1") == Lines{"cccc0005"});
    }
    SECTION("head of a graph with one head") {
        const RevisionGraph line =
            GraphBuilder().add("a1", {}).add("a2", {"a1"}).add("a3", {"a2"}).build();
        CHECK(resolve(line, "head") == Lines{"a3"});
        CHECK(resolve(line, "head-2") == Lines{"a1"});
        CHECK(resolve(line, "head-3").empty());
        CHECK(resolve(line, "heads") == Lines{"a3"});
    }
    SECTION("head of an empty graph is base") {
        const RevisionGraph empty = GraphBuilder().build();
        CHECK(resolve(empty, "head").empty());
        CHECK(resolve(empty, "heads").empty());
        CHECK(resolve(empty, "base").empty());
    }
}

TEST_CASE("resolve_target: rejects what names no single state", "[target][error]") {
    const RevisionGraph graph = forked_graph();
    const auto message = [&graph](const std::string& text) {
        try {
            resolve(graph, text);
        } catch (const rev::TargetError& error) {
            return std::string(error.what());
        }
        return std::string("(resolved)");
    };
    SECTION("head when there are several") {
        CHECK(message("head") == "'head' is ambiguous: 2 heads (dddd0006, cccc0005); use "
                                 "'heads', 'LABEL@head' or a revision id");
        CHECK(message("head-1") == "'head' is ambiguous: 2 heads (dddd0006, cccc0005); use "
                                   "'heads', 'LABEL@head' or a revision id");
    }
    SECTION("LABEL@head when the branch has several") {
        const RevisionGraph split = GraphBuilder()
                                        .add("r", {})
                                        .add("s", {"r"}, {}, {"topic"})
                                        .add("t", {"s"})
                                        .add("u", {"s"})
                                        .build();
        REQUIRE_THROWS_WITH(resolve(split, "topic@head"),
                            "'topic@head' is ambiguous: 2 heads (t, u); use 'heads', "
                            "'LABEL@head' or a revision id");
    }
    SECTION("an ambiguous or unknown revision") {
        CHECK(message("aaaa+1") == "revision prefix 'aaaa' is ambiguous: aaaa0001, aaaa0002");
        CHECK(message("dddd0007") == "unknown revision 'dddd0007' (did you mean 'dddd0006'?)");
    }
    SECTION("an unknown label") {
        CHECK(message("featur@head") == "unknown branch label 'featur' (did you mean 'feature'?)");
    }
    SECTION("a revision off the labelled branch") {
        CHECK(message("feature@bbbb0003") == "revision 'bbbb0003' is not on branch 'feature'");
    }
    SECTION("walking up past a fork, naming the choices") {
        CHECK(message("aaaa0002+1") == "target 'aaaa0002+1' is ambiguous: 'aaaa0002' has 2 "
                                       "children (bbbb0003, cccc0004)");
        CHECK(message("base+3") ==
              "target 'base+3' is ambiguous: 'aaaa0002' has 2 children (bbbb0003, cccc0004)");
    }
    SECTION("walking down past a merge, naming the choices") {
        const RevisionGraph merged =
            GraphBuilder().add("a", {}).add("b", {}).add("m", {"a", "b"}).build();
        REQUIRE_THROWS_WITH(resolve(merged, "m-1"),
                            "target 'm-1' is ambiguous: 'm' has 2 parents (a, b)");
        REQUIRE_THROWS_WITH(resolve(merged, "base+1"),
                            "target 'base+1' is ambiguous: base has 2 bases (a, b)");
    }
    SECTION("walking past the head") {
        CHECK(message("dddd0006+1") == "target 'dddd0006+1' goes past the head 'dddd0006'");
        CHECK(message("feature@base+3") == "target 'feature@base+3' goes past the head 'cccc0005'");
        REQUIRE_THROWS_WITH(resolve(GraphBuilder().build(), "base+1"),
                            "target 'base+1' goes past the head");
    }
    SECTION("walking below base") {
        CHECK(message("aaaa0001-2") == "target 'aaaa0001-2' goes below base");
        CHECK(message("cccc0005-5") == "target 'cccc0005-5' goes below base");
    }
    SECTION("a relative target, which needs a database") {
        CHECK(message("+1") == "target '+1' is relative to what a database has applied; use it "
                               "with upgrade or downgrade");
        CHECK(message("feature@-2") == "target 'feature@-2' is relative to what a database has "
                                       "applied; use it with upgrade or downgrade");
    }
}

TEST_CASE("parse_range", "[target]") {
    SECTION("both ends") {
        const rev::Range both = rev::parse_range("base:head");
        REQUIRE(both.lower);
        REQUIRE(both.upper);
        CHECK(both.lower->anchor == Anchor::base);
        CHECK(both.upper->anchor == Anchor::head);
    }
    SECTION("an open upper end") {
        const rev::Range lower = rev::parse_range("1a2b:");
        REQUIRE(lower.lower);
        CHECK(lower.lower->revision == "1a2b");
        CHECK_FALSE(lower.upper);
    }
    SECTION("an open lower end") {
        const rev::Range upper = rev::parse_range(":feature@head");
        CHECK_FALSE(upper.lower);
        REQUIRE(upper.upper);
        CHECK(upper.upper->label == std::optional<std::string>("feature"));
    }
    SECTION("both open") {
        const rev::Range all = rev::parse_range(":");
        CHECK_FALSE(all.lower);
        CHECK_FALSE(all.upper);
    }
}

TEST_CASE("parse_range: rejects a malformed range", "[target][error]") {
    REQUIRE_THROWS_WITH(rev::parse_range("head"),
                        "invalid range 'head': expected LOWER:UPPER, e.g. base:head or REV:heads");
    REQUIRE_THROWS_WITH(rev::parse_range("a:b:c"),
                        "invalid range 'a:b:c': expected LOWER:UPPER, e.g. base:head or REV:heads");
    REQUIRE_THROWS_WITH(rev::parse_range("x.y:head"),
                        "invalid target 'x.y': 'x.y' is not a revision id (letters, digits and "
                        "'_'), head, heads or base");
}

TEST_CASE("resolve_range", "[target]") {
    const RevisionGraph graph = forked_graph();
    SECTION("everything") {
        const Lines all = {"aaaa0001", "aaaa0002", "bbbb0003", "dddd0006", "cccc0004", "cccc0005"};
        CHECK(range(graph, ":") == all);
        CHECK(range(graph, "base:heads") == all);
    }
    SECTION("from a revision up to the heads") {
        CHECK(range(graph, "bbbb0003:heads") == Lines{"bbbb0003", "dddd0006"});
        CHECK(range(graph, "aaaa0002:") ==
              Lines{"aaaa0002", "bbbb0003", "dddd0006", "cccc0004", "cccc0005"});
    }
    SECTION("up to a revision") {
        CHECK(range(graph, ":bbbb") == Lines{"aaaa0001", "aaaa0002", "bbbb0003"});
        CHECK(range(graph, "base:feature@head") ==
              Lines{"aaaa0001", "aaaa0002", "cccc0004", "cccc0005"});
        CHECK(range(graph, "aaaa0002:dddd0006") == Lines{"aaaa0002", "bbbb0003", "dddd0006"});
    }
    SECTION("one revision") {
        CHECK(range(graph, "bbbb:bbbb") == Lines{"bbbb0003"});
    }
    SECTION("nothing between unrelated revisions") {
        CHECK(range(graph, "dddd0006:cccc0005").empty());
    }
    SECTION("an end that names no single state") {
        REQUIRE_THROWS_WITH(range(graph, "head:"), "'head' is ambiguous: 2 heads (dddd0006, "
                                                   "cccc0005); use 'heads', 'LABEL@head' or a "
                                                   "revision id");
    }
}
