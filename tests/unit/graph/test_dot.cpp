#include "graph_builder.hpp"

#include <rev/dot.hpp>

#include <catch2/catch.hpp>

using rev::test::GraphBuilder;

TEST_CASE("to_dot: a graph with a branch, a merge and a dependency", "[dot]") {
    // a - b ---- m (merge, head)
    //   `- c --'
    //   x (base, head; depends on b, with a label)
    const rev::RevisionGraph graph = GraphBuilder()
                                         .add("a", {})
                                         .add("b", {"a"})
                                         .add("c", {"a"})
                                         .add("m", {"b", "c"})
                                         .add("x", {}, {"b"}, {"extra", "ops"})
                                         .build();
    CHECK(rev::to_dot(graph) == R"(digraph G {
a [label="a\nrevision a", peripheries=1, shape=box];
b [label="b\nrevision b", peripheries=1, shape=box];
c [label="c\nrevision c", peripheries=1, shape=box];
m [label="m\nrevision m", peripheries=2, shape=diamond];
x [label="x (extra) (ops)\nrevision x", peripheries=2, shape=box];
a->b  [style=solid];
a->c  [style=solid];
b->m  [style=solid];
b->x  [style=dashed];
c->m  [style=solid];
}
)");
}

TEST_CASE("to_dot: quotes what DOT needs quoted", "[dot]") {
    rev::test::GraphBuilder builder;
    builder.add("1a2b", {});
    std::vector<rev::Revision> revisions = builder.revisions();
    revisions[0].message = "say \"hi\"";
    rev::Diagnostics diagnostics;
    const rev::RevisionGraph graph(rev::RevisionSet(revisions, diagnostics), diagnostics);
    REQUIRE(diagnostics.empty());
    CHECK(rev::to_dot(graph) == R"(digraph G {
"1a2b" [label="1a2b\nsay \"hi\"", peripheries=2, shape=box];
}
)");
}

TEST_CASE("to_dot: an empty graph", "[dot]") {
    CHECK(rev::to_dot(GraphBuilder().build()) == "digraph G {\n}\n");
}
