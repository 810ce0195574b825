// Fuzzes the target grammar: parse_target() and parse_range() on the input, then
// resolve_target() and resolve_range() against three fixed graphs built once: the demo graph of
// docs/targets.md, a graph with several heads, shared id prefixes, depends_on and labels, and
// an empty graph. rev::Error is an expected outcome; anything else must crash.
#include "graph_builder.hpp"

#include <rev/error.hpp>
#include <rev/graph.hpp>
#include <rev/target.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

using rev::RevisionGraph;
using rev::test::GraphBuilder;

void require(bool condition, const char* why) {
    if (!condition) {
        std::fprintf(stderr, "invariant broken: %s\n", why);
        std::abort();
    }
}

std::vector<RevisionGraph> build_graphs() {
    std::vector<RevisionGraph> graphs;
    // docs/targets.md: a branch point, two labelled branches, a merge.
    graphs.push_back(GraphBuilder()
                         .add("1a2b3c4d5e6f", {})
                         .add("2b3c4d5e6f70", {"1a2b3c4d5e6f"})
                         .add("3c4d5e6f7081", {"2b3c4d5e6f70"}, {}, {"audit"})
                         .add("4d5e6f708192", {"2b3c4d5e6f70"}, {}, {"reporting"})
                         .add("5e6f708192a3", {"3c4d5e6f7081", "4d5e6f708192"})
                         .build());
    // Three heads, two bases, prefixes shared by several ids, a dependency across branches.
    graphs.push_back(GraphBuilder()
                         .add("aaaa1111", {})
                         .add("bbbb1111", {"aaaa1111"})
                         .add("cccc1111", {"bbbb1111"}, {}, {"feature"})
                         .add("cccc2222", {"cccc1111"})
                         .add("dddd1111", {"bbbb1111"})
                         .add("eeee1111", {"dddd1111"}, {"cccc1111"}, {"other"})
                         .add("ffff1111", {}, {}, {"lone"})
                         .add("ffff2222", {"ffff1111"})
                         .build());
    graphs.push_back(GraphBuilder().build());
    return graphs;
}

const std::vector<RevisionGraph>& graphs() {
    static const std::vector<RevisionGraph> built = build_graphs();
    return built;
}

void check_vertices(const RevisionGraph& graph, const RevisionGraph::Vertices& vertices) {
    std::set<RevisionGraph::Vertex> seen;
    for (RevisionGraph::Vertex v : vertices) {
        require(v < graph.size(), "a resolved vertex is outside the graph");
        require(seen.insert(v).second, "a vertex is resolved twice");
    }
}

void check_order(const RevisionGraph& graph, const RevisionGraph::Vertices& vertices) {
    for (std::size_t i = 1; i < vertices.size(); ++i) {
        require(graph.rank(vertices[i - 1]) < graph.rank(vertices[i]),
                "a range is not in topological order");
    }
}

template <typename Function>
void expect_rev_error(Function&& function) {
    try {
        function();
    } catch (const rev::Error&) {
        // A refusal with a message is the expected answer to bad input.
    }
}

void fuzz_target(const std::string& text) {
    const rev::Target target = rev::parse_target(text);
    require(target.text == text, "a target does not keep its text");
    require(target.is_relative() == (target.anchor == rev::Target::Anchor::applied),
            "is_relative() disagrees with the anchor");
    for (const RevisionGraph& graph : graphs()) {
        expect_rev_error([&] {
            const RevisionGraph::Vertices resolved = rev::resolve_target(graph, target);
            require(!target.is_relative(), "a relative target resolved without a database");
            check_vertices(graph, resolved);
        });
    }
}

void fuzz_range(const std::string& text) {
    const rev::Range range = rev::parse_range(text);
    for (const RevisionGraph& graph : graphs()) {
        expect_rev_error([&] {
            const RevisionGraph::Vertices resolved = rev::resolve_range(graph, range);
            check_vertices(graph, resolved);
            check_order(graph, resolved);
        });
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    expect_rev_error([&] { fuzz_target(text); });
    expect_rev_error([&] { fuzz_range(text); });
    return 0;
}
