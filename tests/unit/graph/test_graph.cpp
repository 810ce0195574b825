#include "graph_builder.hpp"

#include <rev/graph.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using rev::Follow;
using rev::Inclusive;
using rev::RevisionGraph;
using rev::test::GraphBuilder;
using rev::test::ids_of;
using rev::test::lines_of;
using rev::test::vertex_of;
using rev::test::vertices_of;
using Lines = std::vector<std::string>;

namespace {

// a - b - d        x - y
//   \    /             :  (y depends_on b)
//    c -'
GraphBuilder diamond_and_dependency() {
    return GraphBuilder()
        .add("a", {})
        .add("b", {"a"})
        .add("c", {"a"})
        .add("d", {"b", "c"})
        .add("x", {})
        .add("y", {"x"}, {"b"});
}

Lines order_of(const RevisionGraph& graph) {
    return ids_of(graph, graph.topological_order());
}

// True when every parent and every dependency comes before the revision that names it.
bool respects_links(const RevisionGraph& graph) {
    for (RevisionGraph::Vertex v = 0; v < graph.size(); ++v) {
        for (RevisionGraph::Vertex parent : graph.parents(v)) {
            if (graph.rank(parent) >= graph.rank(v)) {
                return false;
            }
        }
        for (RevisionGraph::Vertex dependency : graph.dependencies(v)) {
            if (graph.rank(dependency) >= graph.rank(v)) {
                return false;
            }
        }
    }
    return true;
}

// "r00042": ids that sort in creation order.
std::string numbered(const std::string& prefix, int number, std::size_t width) {
    std::string digits = std::to_string(number);
    return prefix + std::string(width - digits.size(), '0') + digits;
}

} // namespace

TEST_CASE("RevisionGraph: an empty graph", "[graph]") {
    const RevisionGraph graph = GraphBuilder().build();
    CHECK(graph.size() == 0);
    CHECK(graph.heads().empty());
    CHECK(graph.bases().empty());
    CHECK(graph.topological_order().empty());
    CHECK(graph.branch_points().empty());
    CHECK(graph.ancestors({}, Follow::parents, Inclusive::yes).empty());
}

TEST_CASE("RevisionGraph: heads and bases", "[graph]") {
    SECTION("a line") {
        const RevisionGraph graph =
            GraphBuilder().add("a", {}).add("b", {"a"}).add("c", {"b"}).build();
        CHECK(ids_of(graph, graph.heads()) == Lines{"c"});
        CHECK(ids_of(graph, graph.bases()) == Lines{"a"});
        CHECK(graph.is_head(vertex_of(graph, "c")));
        CHECK_FALSE(graph.is_head(vertex_of(graph, "b")));
    }
    SECTION("two branches from one base") {
        const RevisionGraph graph =
            GraphBuilder().add("a", {}).add("c", {"a"}).add("b", {"a"}).build();
        CHECK(ids_of(graph, graph.heads()) == Lines{"b", "c"});
        CHECK(ids_of(graph, graph.bases()) == Lines{"a"});
    }
    SECTION("two bases, smallest id first") {
        const RevisionGraph graph =
            GraphBuilder().add("x", {}).add("y", {"x"}).add("a", {}).add("b", {"a"}).build();
        CHECK(ids_of(graph, graph.bases()) == Lines{"a", "x"});
        CHECK(ids_of(graph, graph.heads()) == Lines{"b", "y"});
    }
    SECTION("depends_on links do not make a head, as in Alembic") {
        const RevisionGraph graph = diamond_and_dependency().build();
        CHECK(ids_of(graph, graph.heads()) == Lines{"d", "y"});
        CHECK(ids_of(graph, graph.bases()) == Lines{"a", "x"});
        // b is needed by y but still has a child (d), so only d and y are heads; a revision
        // needed by another and without children stays a head.
        const RevisionGraph only_dependency =
            GraphBuilder().add("a", {}).add("b", {}, {"a"}).build();
        CHECK(ids_of(only_dependency, only_dependency.heads()) == Lines{"a", "b"});
        CHECK(ids_of(only_dependency, only_dependency.bases()) == Lines{"a", "b"});
    }
}

TEST_CASE("RevisionGraph: branch points and merge points", "[graph]") {
    const RevisionGraph graph = diamond_and_dependency().build();
    CHECK(ids_of(graph, graph.branch_points()) == Lines{"a"});
    CHECK(ids_of(graph, graph.merge_points()) == Lines{"d"});
    CHECK(graph.is_branch_point(vertex_of(graph, "a")));
    CHECK(graph.is_merge_point(vertex_of(graph, "d")));
    SECTION("a dependency does not make a branch point") {
        // b has one child (d) and one dependent (y).
        CHECK_FALSE(graph.is_branch_point(vertex_of(graph, "b")));
        CHECK_FALSE(graph.is_merge_point(vertex_of(graph, "y")));
    }
    SECTION("several, in topological order") {
        const RevisionGraph many = GraphBuilder()
                                       .add("r", {})
                                       .add("s", {"r"})
                                       .add("t", {"r"})
                                       .add("u", {"s"})
                                       .add("v", {"s"})
                                       .add("m", {"t", "u"})
                                       .add("n", {"m", "v"})
                                       .build();
        CHECK(ids_of(many, many.branch_points()) == Lines{"r", "s"});
        CHECK(ids_of(many, many.merge_points()) == Lines{"m", "n"});
    }
}

TEST_CASE("RevisionGraph: parents, children, dependencies and dependents", "[graph]") {
    const RevisionGraph graph = diamond_and_dependency().build();
    const auto of = [&graph](const std::string& id) { return vertex_of(graph, id); };
    CHECK(ids_of(graph, graph.parents(of("d"))) == Lines{"b", "c"});
    CHECK(graph.parents(of("a")).empty());
    CHECK(ids_of(graph, graph.children(of("a"))) == Lines{"b", "c"});
    CHECK(graph.children(of("d")).empty());
    CHECK(ids_of(graph, graph.dependencies(of("y"))) == Lines{"b"});
    CHECK(ids_of(graph, graph.dependents(of("b"))) == Lines{"y"});
    CHECK(graph.dependencies(of("b")).empty());
    SECTION("parents keep the manifest's order") {
        const RevisionGraph merge =
            GraphBuilder().add("a", {}).add("b", {}).add("m", {"b", "a"}).build();
        CHECK(ids_of(merge, merge.parents(vertex_of(merge, "m"))) == Lines{"b", "a"});
    }
    SECTION("revision() gives the manifest's data") {
        CHECK(graph.revision(of("y")).message == "revision y");
        CHECK(graph.revisions().size() == 6);
    }
}

TEST_CASE("RevisionGraph: ancestors", "[graph]") {
    const RevisionGraph graph = diamond_and_dependency().build();
    const auto from = [&graph](const Lines& ids) { return vertices_of(graph, ids); };
    SECTION("along parent links") {
        CHECK(ids_of(graph, graph.ancestors(from({"d"}), Follow::parents, Inclusive::yes)) ==
              Lines{"a", "b", "c", "d"});
        CHECK(ids_of(graph, graph.ancestors(from({"d"}), Follow::parents, Inclusive::no)) ==
              Lines{"a", "b", "c"});
        CHECK(ids_of(graph, graph.ancestors(from({"y"}), Follow::parents, Inclusive::no)) ==
              Lines{"x"});
        CHECK(graph.ancestors(from({"a"}), Follow::parents, Inclusive::no).empty());
    }
    SECTION("along depends_on links as well") {
        CHECK(ids_of(graph, graph.ancestors(from({"y"}), Follow::parents_and_dependencies,
                                            Inclusive::yes)) == Lines{"a", "b", "x", "y"});
        CHECK(ids_of(graph, graph.ancestors(from({"y"}), Follow::parents_and_dependencies,
                                            Inclusive::no)) == Lines{"a", "b", "x"});
    }
    SECTION("from several revisions, once each, in topological order") {
        CHECK(ids_of(graph, graph.ancestors(from({"y", "d"}), Follow::parents, Inclusive::yes)) ==
              Lines{"a", "b", "c", "d", "x", "y"});
        CHECK(ids_of(graph, graph.ancestors(from({"d", "b"}), Follow::parents, Inclusive::no)) ==
              Lines{"a", "b", "c"});
    }
}

TEST_CASE("RevisionGraph: descendants", "[graph]") {
    const RevisionGraph graph = diamond_and_dependency().build();
    const auto from = [&graph](const Lines& ids) { return vertices_of(graph, ids); };
    SECTION("along parent links") {
        CHECK(ids_of(graph, graph.descendants(from({"b"}), Follow::parents, Inclusive::yes)) ==
              Lines{"b", "d"});
        CHECK(ids_of(graph, graph.descendants(from({"a"}), Follow::parents, Inclusive::no)) ==
              Lines{"b", "c", "d"});
        CHECK(graph.descendants(from({"d"}), Follow::parents, Inclusive::no).empty());
    }
    SECTION("along depends_on links as well") {
        CHECK(ids_of(graph, graph.descendants(from({"b"}), Follow::parents_and_dependencies,
                                              Inclusive::yes)) == Lines{"b", "d", "y"});
        CHECK(ids_of(graph, graph.descendants(from({"a"}), Follow::parents_and_dependencies,
                                              Inclusive::no)) == Lines{"b", "c", "d", "y"});
    }
    SECTION("from several revisions") {
        CHECK(ids_of(graph, graph.descendants(from({"x", "c"}), Follow::parents, Inclusive::yes)) ==
              Lines{"c", "d", "x", "y"});
    }
    SECTION("once each, from a revision given twice or children in common") {
        CHECK(ids_of(graph, graph.descendants(from({"b", "b"}), Follow::parents, Inclusive::yes)) ==
              Lines{"b", "d"});
        CHECK(ids_of(graph, graph.descendants(from({"b", "c"}), Follow::parents, Inclusive::no)) ==
              Lines{"d"});
        CHECK(ids_of(graph, graph.ancestors(from({"d", "d"}), Follow::parents, Inclusive::no)) ==
              Lines{"a", "b", "c"});
    }
}

TEST_CASE("RevisionGraph: topological order", "[graph]") {
    SECTION("parents before children") {
        const RevisionGraph graph =
            GraphBuilder().add("c", {"b"}).add("b", {"a"}).add("a", {}).build();
        CHECK(order_of(graph) == Lines{"a", "b", "c"});
    }
    SECTION("a branch is finished before the next one starts") {
        const RevisionGraph graph = GraphBuilder()
                                        .add("r", {})
                                        .add("a1", {"r"})
                                        .add("b1", {"r"})
                                        .add("a2", {"a1"})
                                        .add("b2", {"b1"})
                                        .add("a3", {"a2"})
                                        .build();
        CHECK(order_of(graph) == Lines{"r", "a1", "a2", "a3", "b1", "b2"});
    }
    SECTION("the branch whose first revision has the smallest id goes first") {
        // a9 is the smallest id of all, but its branch starts with z1.
        const RevisionGraph graph = GraphBuilder()
                                        .add("r", {})
                                        .add("z1", {"r"})
                                        .add("a9", {"z1"})
                                        .add("m1", {"r"})
                                        .add("m2", {"m1"})
                                        .build();
        CHECK(order_of(graph) == Lines{"r", "m1", "m2", "z1", "a9"});
    }
    SECTION("branches within branches") {
        const RevisionGraph graph = GraphBuilder()
                                        .add("r", {})
                                        .add("b", {"r"})
                                        .add("a", {"r"})
                                        .add("a2", {"a"})
                                        .add("a1", {"a"})
                                        .build();
        CHECK(order_of(graph) == Lines{"r", "a", "a1", "a2", "b"});
    }
    SECTION("a merge comes after both of its branches") {
        const RevisionGraph graph = GraphBuilder()
                                        .add("r", {})
                                        .add("a", {"r"})
                                        .add("a1", {"a"})
                                        .add("b", {"r"})
                                        .add("b1", {"b"})
                                        .add("m", {"a1", "b1"})
                                        .add("n", {"m"})
                                        .build();
        CHECK(order_of(graph) == Lines{"r", "a", "a1", "b", "b1", "m", "n"});
    }
    SECTION("bases, smallest id first, each with its line") {
        const RevisionGraph graph =
            GraphBuilder().add("x0", {}).add("x1", {"x0"}).add("a0", {}).add("a1", {"a0"}).build();
        CHECK(order_of(graph) == Lines{"a0", "a1", "x0", "x1"});
    }
    SECTION("dependencies before their dependents") {
        const RevisionGraph graph =
            GraphBuilder().add("r", {}).add("a", {"r"}, {"b"}).add("b", {"r"}).build();
        CHECK(order_of(graph) == Lines{"r", "b", "a"});
        const RevisionGraph bases = diamond_and_dependency().build();
        CHECK(order_of(bases) == Lines{"a", "b", "c", "d", "x", "y"});
    }
    SECTION("the same whatever order the revisions are given in") {
        const GraphBuilder builder = GraphBuilder()
                                         .add("r", {})
                                         .add("s", {"r"})
                                         .add("t", {"r"})
                                         .add("u", {"s"})
                                         .add("v", {"s"}, {"t"})
                                         .add("m", {"t", "u"})
                                         .add("n", {"m", "v"})
                                         .add("q", {})
                                         .add("q1", {"q"}, {"u"});
        const Lines expected = order_of(builder.build());
        CHECK(expected == Lines{"q", "r", "s", "u", "q1", "t", "m", "v", "n"});
        std::vector<rev::Revision> revisions = builder.revisions();
        std::mt19937 random(12345);
        for (int round = 0; round < 20; ++round) {
            std::shuffle(revisions.begin(), revisions.end(), random);
            rev::Diagnostics diagnostics;
            const RevisionGraph graph(rev::RevisionSet(revisions, diagnostics), diagnostics);
            REQUIRE(diagnostics.empty());
            CHECK(order_of(graph) == expected);
        }
    }
}

TEST_CASE("RevisionGraph: rank and sort_topologically", "[graph]") {
    const RevisionGraph graph = diamond_and_dependency().build();
    for (std::size_t position = 0; position < graph.size(); ++position) {
        CHECK(graph.rank(graph.topological_order()[position]) == position);
    }
    RevisionGraph::Vertices vertices = vertices_of(graph, {"y", "d", "a", "x"});
    graph.sort_topologically(vertices);
    CHECK(ids_of(graph, vertices) == Lines{"a", "d", "x", "y"});
    SECTION("keeps repeats") {
        RevisionGraph::Vertices repeated = vertices_of(graph, {"y", "d", "y", "a"});
        graph.sort_topologically(repeated);
        CHECK(ids_of(graph, repeated) == Lines{"a", "d", "y", "y"});
    }
    SECTION("a few of many") {
        RevisionGraph::Vertices few = vertices_of(graph, {"d"});
        graph.sort_topologically(few);
        CHECK(ids_of(graph, few) == Lines{"d"});
        RevisionGraph::Vertices none;
        graph.sort_topologically(none);
        CHECK(none.empty());
    }
}

TEST_CASE("RevisionGraph: branch_of_label", "[graph]") {
    // r - s - t - u1 - u2 - m - n
    //          `-- v1 ------'      (t a branch point, m a merge point)
    const RevisionGraph graph = GraphBuilder()
                                    .add("r", {})
                                    .add("s", {"r"})
                                    .add("t", {"s"})
                                    .add("u1", {"t"})
                                    .add("u2", {"u1"})
                                    .add("v1", {"t"})
                                    .add("m", {"u2", "v1"})
                                    .add("n", {"m"})
                                    .build();
    const auto branch = [&graph](const std::string& id) {
        return ids_of(graph, graph.branch_of_label(vertex_of(graph, id)));
    };
    SECTION("down to, not including, the branch point") {
        CHECK(branch("u1") == Lines{"u1", "u2", "m", "n"});
        CHECK(branch("u2") == Lines{"u1", "u2", "m", "n"});
        CHECK(branch("v1") == Lines{"v1", "m", "n"});
    }
    SECTION("down to the base on the trunk") {
        CHECK(branch("s") == Lines{"r", "s", "t", "u1", "u2", "v1", "m", "n"});
    }
    SECTION("not below a merge point") {
        CHECK(branch("m") == Lines{"m", "n"});
        CHECK(branch("n") == Lines{"n"});
    }
}

TEST_CASE("RevisionGraph: reports unknown references", "[graph][error]") {
    rev::Diagnostics diagnostics;
    const RevisionGraph graph = GraphBuilder()
                                    .add("add_users", {})
                                    .add("b", {"add_user"})
                                    .add("c", {"b"}, {"zzz"})
                                    .build(diagnostics);
    CHECK(lines_of(diagnostics) ==
          Lines{"versions/b/manifest.toml: parent 'add_user' not found (did you mean "
                "'add_users'?)",
                "versions/c/manifest.toml: depends_on 'zzz' not found"});
    SECTION("and links the rest") {
        CHECK(ids_of(graph, graph.bases()) == Lines{"add_users", "b"});
        CHECK(ids_of(graph, graph.parents(vertex_of(graph, "c"))) == Lines{"b"});
    }
}

TEST_CASE("RevisionGraph: rejects a cycle", "[graph][error]") {
    rev::Diagnostics diagnostics;
    SECTION("of three revisions") {
        GraphBuilder().add("a", {"c"}).add("b", {"a"}).add("c", {"b"}).build(diagnostics);
        CHECK(lines_of(diagnostics) ==
              Lines{"versions/c/manifest.toml: revision cycle: c -> b -> a -> c"});
    }
    SECTION("of one revision") {
        GraphBuilder().add("a", {"a"}).build(diagnostics);
        CHECK(lines_of(diagnostics) == Lines{"versions/a/manifest.toml: revision cycle: a -> a"});
    }
    SECTION("two separate cycles") {
        GraphBuilder()
            .add("a", {"b"})
            .add("b", {"a"})
            .add("x", {"y"})
            .add("y", {"x"})
            .build(diagnostics);
        CHECK(lines_of(diagnostics) ==
              Lines{"versions/y/manifest.toml: revision cycle: y -> x -> y",
                    "versions/b/manifest.toml: revision cycle: b -> a -> b"});
    }
    SECTION("throws LoadError from build()") {
        REQUIRE_THROWS_AS(GraphBuilder().add("a", {"a"}).build(), rev::LoadError);
    }
}

TEST_CASE("RevisionGraph: ten thousand revisions", "[graph][large]") {
    // A trunk of 9,000; from every 1,000th trunk revision a branch of 100, the odd ones merged
    // back 500 revisions further up; and a second line of 100 from its own base.
    GraphBuilder builder;
    const auto trunk = [](int i) { return numbered("r", i, 5); };
    const auto side = [](int k, int i) { return numbered("b" + std::to_string(k) + "_", i, 3); };
    for (int i = 0; i < 9000; ++i) {
        const int k = i / 1000;
        if (i % 1000 == 500 && k % 2 == 1) {
            builder.add(trunk(i), {trunk(i - 1), side(k, 99)});
        } else {
            builder.add(trunk(i), i == 0 ? Lines{} : Lines{trunk(i - 1)});
        }
    }
    for (int k = 1; k <= 8; ++k) {
        for (int i = 0; i < 100; ++i) {
            builder.add(side(k, i), {i == 0 ? trunk(k * 1000) : side(k, i - 1)});
        }
    }
    for (int i = 0; i < 100; ++i) {
        builder.add(numbered("z", i, 3), i == 0 ? Lines{} : Lines{numbered("z", i - 1, 3)});
    }
    builder.add("r_extra", {"b8_099"});
    REQUIRE(builder.revisions().size() == 9000 + 800 + 100 + 1);

    const RevisionGraph graph = builder.build();
    CHECK(graph.size() == 9901);
    CHECK(graph.topological_order().size() == 9901);
    CHECK(respects_links(graph));
    CHECK(ids_of(graph, graph.bases()) == Lines{"r00000", "z000"});
    CHECK(ids_of(graph, graph.heads()) ==
          Lines{"b2_099", "b4_099", "b6_099", "r_extra", "r08999", "z099"});
    CHECK(graph.branch_points().size() == 8);
    CHECK(graph.merge_points().size() == 4);
    const RevisionGraph::Vertices tip = vertices_of(graph, {"r08999"});
    CHECK(graph.ancestors(tip, Follow::parents, Inclusive::yes).size() == 9000 + 4 * 100);
    CHECK(graph.descendants(graph.bases(), Follow::parents, Inclusive::yes).size() == 9901);
    CHECK(graph.branch_of_label(vertex_of(graph, "b4_050")).size() == 100);
    // Small answers in a large graph are gathered another way than large ones.
    CHECK(ids_of(graph, graph.descendants(vertices_of(graph, {"b4_097"}), Follow::parents,
                                          Inclusive::yes)) == Lines{"b4_097", "b4_098", "b4_099"});
    CHECK(ids_of(graph, graph.descendants(vertices_of(graph, {"b8_098"}), Follow::parents,
                                          Inclusive::no)) == Lines{"b8_099", "r_extra"});
    RevisionGraph::Vertices few = vertices_of(graph, {"z050", "r08999", "r00000"});
    graph.sort_topologically(few);
    CHECK(ids_of(graph, few) == Lines{"r00000", "r08999", "z050"});
}
