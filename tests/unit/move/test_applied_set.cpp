#include "graph_builder.hpp"

#include <rev/applied_set.hpp>
#include <rev/error.hpp>
#include <rev/plan.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using rev::AppliedRevision;
using rev::AppliedSet;
using rev::RevisionGraph;
using rev::test::GraphBuilder;
using rev::test::ids_of;
using rev::test::vertex_of;
using rev::test::vertices_of;
using Ids = std::vector<std::string>;

namespace {

// aaaa0001 - aaaa0002 - bbbb0003 (audit) - bbbb0004
//                    `- cccc0005 (reporting, depends_on bbbb0003) - cccc0006
RevisionGraph forked_graph() {
    return GraphBuilder()
        .add("aaaa0001", {})
        .add("aaaa0002", {"aaaa0001"})
        .add("bbbb0003", {"aaaa0002"}, {}, {"audit"})
        .add("bbbb0004", {"bbbb0003"})
        .add("cccc0005", {"aaaa0002"}, {"bbbb0003"}, {"reporting"})
        .add("cccc0006", {"cccc0005"})
        .build();
}

AppliedSet applied(const RevisionGraph& graph, const Ids& ids) {
    return {vertices_of(graph, ids)};
}

AppliedRevision row(const std::string& id,
                    AppliedRevision::State state = AppliedRevision::State::applied) {
    AppliedRevision result;
    result.revision = id;
    result.state = state;
    return result;
}

rev::Step step(const RevisionGraph& graph, rev::Direction direction, const std::string& id) {
    return {direction, vertex_of(graph, id)};
}

} // namespace

TEST_CASE("AppliedSet: mask, heads and pending", "[applied_set]") {
    const RevisionGraph graph = forked_graph();
    SECTION("mask marks the members by vertex") {
        const std::vector<bool> mask = applied(graph, {"bbbb0003", "aaaa0001"}).mask(graph.size());
        REQUIRE(mask.size() == 6);
        for (const std::string id :
             {"aaaa0001", "aaaa0002", "bbbb0003", "bbbb0004", "cccc0005", "cccc0006"}) {
            INFO(id);
            CHECK(mask[vertex_of(graph, id)] == (id == "aaaa0001" || id == "bbbb0003"));
        }
        CHECK(AppliedSet{}.mask(3) == std::vector<bool>{false, false, false});
    }
    SECTION("heads: the members no member has as parent, in topological order") {
        CHECK(ids_of(graph, applied(graph, {}).heads(graph)).empty());
        CHECK(ids_of(graph, applied(graph, {"aaaa0001", "aaaa0002"}).heads(graph)) ==
              Ids{"aaaa0002"});
        // A dependency is not a parent: bbbb0003 stays a head below cccc0005's depends_on.
        CHECK(
            ids_of(graph,
                   applied(graph, {"aaaa0001", "aaaa0002", "cccc0005", "bbbb0003"}).heads(graph)) ==
            Ids{"bbbb0003", "cccc0005"});
        CHECK(ids_of(graph, applied(graph, {"aaaa0001", "aaaa0002", "bbbb0003", "cccc0005",
                                            "cccc0006", "bbbb0004"})
                                .heads(graph)) == Ids{"bbbb0004", "cccc0006"});
    }
    SECTION("pending: every revision not applied, in topological order") {
        CHECK(ids_of(graph, applied(graph, {}).pending(graph)) ==
              Ids{"aaaa0001", "aaaa0002", "bbbb0003", "bbbb0004", "cccc0005", "cccc0006"});
        CHECK(ids_of(graph, applied(graph, {"aaaa0001", "aaaa0002", "bbbb0003"}).pending(graph)) ==
              Ids{"bbbb0004", "cccc0005", "cccc0006"});
        CHECK(ids_of(graph, applied(graph, {"aaaa0001", "aaaa0002", "bbbb0003", "bbbb0004",
                                            "cccc0005", "cccc0006"})
                                .pending(graph))
                  .empty());
    }
}

TEST_CASE("to_applied_set: the rows as vertices, oldest first", "[applied_set]") {
    const RevisionGraph graph = forked_graph();
    SECTION("in the order of the rows, not the graph's") {
        const AppliedSet set = rev::to_applied_set(
            graph, {row("aaaa0001"), row("aaaa0002"), row("cccc0005"), row("bbbb0003")},
            "sqlite:///app.db");
        CHECK(ids_of(graph, set.in_order) == Ids{"aaaa0001", "aaaa0002", "cccc0005", "bbbb0003"});
    }
    SECTION("no rows: base") {
        CHECK(rev::to_applied_set(graph, {}, "sqlite:///app.db").in_order.empty());
    }
    SECTION("an unfinished step is neither applied nor reverted: left out") {
        const AppliedSet set =
            rev::to_applied_set(graph,
                                {row("aaaa0001"), row("aaaa0002", AppliedRevision::State::applied),
                                 row("bbbb0003", AppliedRevision::State::upgrading),
                                 row("cccc0005", AppliedRevision::State::downgrading)},
                                "sqlite:///app.db");
        CHECK(ids_of(graph, set.in_order) == Ids{"aaaa0001", "aaaa0002"});
    }
    SECTION("ids the graph does not have are refused, every one named") {
        CHECK_THROWS_AS(
            rev::to_applied_set(graph, {row("aaaa0001"), row("zzzz0009")}, "sqlite:///app.db"),
            rev::RefusedError);
        CHECK_THROWS_WITH(
            rev::to_applied_set(graph,
                                {row("aaaa0001"), row("zzzz0009"), row("aaaa0002"),
                                 row("yyyy0008", AppliedRevision::State::upgrading)},
                                "postgresql://rev@db/app"),
            "postgresql://rev@db/app has applied revisions that the revisions folder does not "
            "have: zzzz0009, yyyy0008 (switched branch or deleted files? see docs/safety.md)");
    }
    SECTION("a prefix of an id is not the id") {
        CHECK_THROWS_WITH(rev::to_applied_set(graph, {row("aaaa")}, "sqlite:///app.db"),
                          "sqlite:///app.db has applied revisions that the revisions folder does "
                          "not have: aaaa (switched branch or deleted files? see docs/safety.md)");
    }
}

TEST_CASE("applied_at: what a database exactly at a target holds", "[applied_set]") {
    const RevisionGraph graph = forked_graph();
    const auto at = [&](const std::string& target) {
        return ids_of(graph, rev::applied_at(graph, rev::parse_target(target)).in_order);
    };
    CHECK(at("base").empty());
    CHECK(at("aaaa0002") == Ids{"aaaa0001", "aaaa0002"});
    CHECK(at("bbbb0004") == Ids{"aaaa0001", "aaaa0002", "bbbb0003", "bbbb0004"});
    // depends_on counts: cccc0005 needs bbbb0003 from the other branch.
    CHECK(at("cccc0005") == Ids{"aaaa0001", "aaaa0002", "bbbb0003", "cccc0005"});
    CHECK(at("heads") ==
          Ids{"aaaa0001", "aaaa0002", "bbbb0003", "bbbb0004", "cccc0005", "cccc0006"});
    CHECK(at("audit@head-1") == Ids{"aaaa0001", "aaaa0002", "bbbb0003"});
    CHECK_THROWS_WITH(at("head"), "'head' is ambiguous: 2 heads (bbbb0004, cccc0006); use "
                                  "'heads', 'LABEL@head' or a revision id");
}

TEST_CASE("applied_after: where a plan leaves the database, in the order applied",
          "[applied_set]") {
    const RevisionGraph graph = forked_graph();
    using rev::Direction;
    const auto after = [&](const Ids& before, const std::vector<rev::Step>& steps) {
        return ids_of(graph,
                      rev::applied_after(graph, applied(graph, before), rev::Plan{steps}).in_order);
    };
    SECTION("an upgrade appends, in the plan's order") {
        CHECK(
            after({"aaaa0001", "aaaa0002", "cccc0005"}, {step(graph, Direction::up, "bbbb0004"),
                                                         step(graph, Direction::up, "cccc0006")}) ==
            Ids{"aaaa0001", "aaaa0002", "cccc0005", "bbbb0004", "cccc0006"});
    }
    SECTION("a downgrade removes, keeping the order of what stays") {
        CHECK(after({"aaaa0001", "aaaa0002", "cccc0005", "bbbb0003", "bbbb0004"},
                    {step(graph, Direction::down, "bbbb0004"),
                     step(graph, Direction::down, "cccc0005")}) ==
              Ids{"aaaa0001", "aaaa0002", "bbbb0003"});
    }
    SECTION("an empty plan changes nothing") {
        CHECK(after({"aaaa0002", "aaaa0001"}, {}) == Ids{"aaaa0002", "aaaa0001"});
    }
    SECTION("agrees with the plans plan_move makes") {
        const AppliedSet before = applied(graph, {"aaaa0001", "aaaa0002", "bbbb0003"});
        const rev::Plan up = rev::plan_upgrade(graph, before, rev::parse_target("cccc0006"));
        CHECK(ids_of(graph, rev::applied_after(graph, before, up).in_order) ==
              Ids{"aaaa0001", "aaaa0002", "bbbb0003", "cccc0005", "cccc0006"});
        const rev::Plan down = rev::plan_downgrade(graph, before, rev::parse_target("-1"));
        CHECK(ids_of(graph, rev::applied_after(graph, before, down).in_order) ==
              Ids{"aaaa0001", "aaaa0002"});
    }
}
