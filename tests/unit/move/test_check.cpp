#include "graph_builder.hpp"

#include <rev/check.hpp>

#include <catch2/catch.hpp>

using rev::Finding;
using rev::test::GraphBuilder;

namespace {

std::vector<std::string> messages(const std::vector<Finding>& findings) {
    std::vector<std::string> result;
    result.reserve(findings.size());
    for (const Finding& finding : findings) {
        result.push_back(finding.message);
    }
    return result;
}

} // namespace

TEST_CASE("check_graph: one head passes", "[check]") {
    const rev::RevisionGraph graph = GraphBuilder().add("a", {}).add("b", {"a"}).build();
    CHECK(rev::check_graph(graph, "versions", {}).empty());
}

TEST_CASE("check_graph: a second head is a finding unless allowed", "[check]") {
    const rev::RevisionGraph graph =
        GraphBuilder().add("a", {}).add("b", {"a"}).add("c", {"a"}).build();
    CHECK(messages(rev::check_graph(graph, "versions", {})) ==
          std::vector<std::string>{
              "versions: 2 heads: b, c; join them with 'rev merge heads -m \"merge\"', or allow "
              "this with [check] allow_multiple_heads = true in migrate.toml"});
    rev::CheckOptions options;
    options.allow_multiple_heads = true;
    CHECK(rev::check_graph(graph, "versions", options).empty());
}

TEST_CASE("check_graph: two merges of the same parents", "[check]") {
    const rev::RevisionGraph graph = GraphBuilder()
                                         .add("a", {})
                                         .add("b", {"a"})
                                         .add("c", {"a"})
                                         .add("m1", {"b", "c"})
                                         .add("m2", {"c", "b"})
                                         .add("m3", {"m1", "m2"})
                                         .build();
    CHECK(messages(rev::check_graph(graph, "versions", {})) ==
          std::vector<std::string>{
              "versions/m2/manifest.toml: merge m2 joins the same parents as merge m1 (c, b); "
              "keep one and delete the other where no database has applied it"});
}
