#include "graph_builder.hpp"

#include <rev/error.hpp>
#include <rev/plan.hpp>
#include <rev/target.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using rev::AppliedSet;
using rev::MoveKind;
using rev::Plan;
using rev::RevisionGraph;
using rev::test::GraphBuilder;
using rev::test::vertices_of;
using Ids = std::vector<std::string>;

namespace {

// aaaa0001 - bbbb0002 - cccc0003 - dddd0004
RevisionGraph linear_graph() {
    return GraphBuilder()
        .add("aaaa0001", {})
        .add("bbbb0002", {"aaaa0001"})
        .add("cccc0003", {"bbbb0002"})
        .add("dddd0004", {"cccc0003"})
        .build();
}

// aaaa0001 - aaaa0002 - bbbb0003 (audit) - bbbb0004 ------- dddd0007 (merge)
//                    `- cccc0005 (reporting) - cccc0006 -'
RevisionGraph merged_graph() {
    return GraphBuilder()
        .add("aaaa0001", {})
        .add("aaaa0002", {"aaaa0001"})
        .add("bbbb0003", {"aaaa0002"}, {}, {"audit"})
        .add("bbbb0004", {"bbbb0003"})
        .add("cccc0005", {"aaaa0002"}, {}, {"reporting"})
        .add("cccc0006", {"cccc0005"})
        .add("dddd0007", {"bbbb0004", "cccc0006"})
        .build();
}

// aaaa0001 - bbbb0002 (left) - bbbb0003
//         `- cccc0004 (right, depends_on bbbb0002) - cccc0005
// Two heads, no merge.
RevisionGraph depends_graph() {
    return GraphBuilder()
        .add("aaaa0001", {})
        .add("bbbb0002", {"aaaa0001"}, {}, {"left"})
        .add("bbbb0003", {"bbbb0002"})
        .add("cccc0004", {"aaaa0001"}, {"bbbb0002"}, {"right"})
        .add("cccc0005", {"cccc0004"})
        .build();
}

// Two bases joined by a merge:
// aaaa0001 (one) ---------------------- cccc0001
// bbbb0001 (two) - bbbb0002 ----------'
RevisionGraph two_bases_graph() {
    return GraphBuilder()
        .add("aaaa0001", {}, {}, {"one"})
        .add("bbbb0001", {}, {}, {"two"})
        .add("bbbb0002", {"bbbb0001"})
        .add("cccc0001", {"aaaa0001", "bbbb0002"})
        .build();
}

AppliedSet applied(const RevisionGraph& graph, const Ids& ids) {
    return {vertices_of(graph, ids)};
}

// A plan as one line: "up a, up b, down c"; "(empty)" for no steps.
std::string describe(const RevisionGraph& graph, const Plan& plan) {
    std::string text;
    for (const rev::Step& step : plan.steps) {
        text += (text.empty() ? "" : ", ") +
                std::string(step.direction == rev::Direction::up ? "up " : "down ") +
                graph.revision(step.revision).id;
    }
    return text.empty() ? "(empty)" : text;
}

std::string upgrade(const RevisionGraph& graph, const Ids& ids, const std::string& target) {
    return describe(graph,
                    rev::plan_upgrade(graph, applied(graph, ids), rev::parse_target(target)));
}

std::string downgrade(const RevisionGraph& graph, const Ids& ids, const std::string& target) {
    return describe(graph,
                    rev::plan_downgrade(graph, applied(graph, ids), rev::parse_target(target)));
}

std::string stamp(const RevisionGraph& graph, const Ids& ids, const std::string& target) {
    return describe(graph, rev::plan_stamp(graph, applied(graph, ids), rev::parse_target(target)));
}

} // namespace

TEST_CASE("plan_upgrade: a linear graph", "[plan]") {
    const RevisionGraph graph = linear_graph();
    SECTION("head, heads and an id from base") {
        CHECK(upgrade(graph, {}, "head") == "up aaaa0001, up bbbb0002, up cccc0003, up dddd0004");
        CHECK(upgrade(graph, {}, "heads") == "up aaaa0001, up bbbb0002, up cccc0003, up dddd0004");
        CHECK(upgrade(graph, {}, "bbbb0002") == "up aaaa0001, up bbbb0002");
    }
    SECTION("only what is not applied yet") {
        CHECK(upgrade(graph, {"aaaa0001", "bbbb0002"}, "head") == "up cccc0003, up dddd0004");
        CHECK(upgrade(graph, {"aaaa0001", "bbbb0002", "cccc0003", "dddd0004"}, "head") ==
              "(empty)");
    }
    SECTION("an older target or base: nothing, never a revert") {
        CHECK(upgrade(graph, {"aaaa0001", "bbbb0002", "cccc0003"}, "aaaa0001") == "(empty)");
        CHECK(upgrade(graph, {"aaaa0001", "bbbb0002"}, "base") == "(empty)");
    }
    SECTION("a prefix of at least 4 characters") {
        CHECK(upgrade(graph, {}, "cccc") == "up aaaa0001, up bbbb0002, up cccc0003");
        CHECK_THROWS_WITH(upgrade(graph, {}, "ccc"),
                          "revision prefix 'ccc' is too short: give at least 4 characters");
        CHECK_THROWS_WITH(upgrade(graph, {}, "eeee0005"), "unknown revision 'eeee0005'");
    }
    SECTION("REV+N, REV-N, head-N and base+N walk the graph") {
        CHECK(upgrade(graph, {}, "aaaa0001+2") == "up aaaa0001, up bbbb0002, up cccc0003");
        CHECK(upgrade(graph, {}, "head-1") == "up aaaa0001, up bbbb0002, up cccc0003");
        CHECK(upgrade(graph, {}, "dddd0004-3") == "up aaaa0001");
        CHECK(upgrade(graph, {"aaaa0001"}, "base+2") == "up bbbb0002");
        CHECK_THROWS_WITH(upgrade(graph, {}, "cccc0003+2"),
                          "target 'cccc0003+2' goes past the head 'dddd0004'");
    }
    SECTION("+N: the next N steps of the plan to head") {
        CHECK(upgrade(graph, {}, "+1") == "up aaaa0001");
        CHECK(upgrade(graph, {"aaaa0001"}, "+2") == "up bbbb0002, up cccc0003");
        CHECK(upgrade(graph, {"aaaa0001"}, "+3") == "up bbbb0002, up cccc0003, up dddd0004");
    }
    SECTION("+N beyond what remains") {
        CHECK_THROWS_WITH(upgrade(graph, {"aaaa0001"}, "+4"),
                          "target '+4' asks for 4 revisions but only 3 remain to 'head'");
        CHECK_THROWS_WITH(upgrade(graph, {"aaaa0001", "bbbb0002", "cccc0003", "dddd0004"}, "+1"),
                          "target '+1' asks for 1 revision but only 0 remain to 'head'");
    }
    SECTION("-N moves down") {
        CHECK_THROWS_WITH(upgrade(graph, {"aaaa0001"}, "-1"),
                          "target '-1' moves down; use downgrade");
    }
}

TEST_CASE("plan_upgrade: two labelled branches and a merge", "[plan]") {
    const RevisionGraph graph = merged_graph();
    const Ids trunk = {"aaaa0001", "aaaa0002"};
    SECTION("head: each branch finished before the next, the merge last") {
        CHECK(upgrade(graph, {}, "head") ==
              "up aaaa0001, up aaaa0002, up bbbb0003, up bbbb0004, up cccc0005, up cccc0006, "
              "up dddd0007");
        CHECK(upgrade(graph, {"aaaa0001", "aaaa0002", "cccc0005"}, "heads") ==
              "up bbbb0003, up bbbb0004, up cccc0006, up dddd0007");
    }
    SECTION("a revision on one branch leaves the other alone") {
        CHECK(upgrade(graph, trunk, "bbbb0004") == "up bbbb0003, up bbbb0004");
        CHECK(upgrade(graph, trunk, "cccc0005") == "up cccc0005");
    }
    SECTION("LABEL@head is the merge, which needs both branches") {
        CHECK(upgrade(graph, trunk, "audit@head") ==
              "up bbbb0003, up bbbb0004, up cccc0005, up cccc0006, up dddd0007");
    }
    SECTION("LABEL@head-N takes the label's parent at the merge") {
        CHECK(upgrade(graph, trunk, "audit@head-1") == "up bbbb0003, up bbbb0004");
        CHECK(upgrade(graph, trunk, "reporting@head-1") == "up cccc0005, up cccc0006");
        CHECK_THROWS_WITH(upgrade(graph, trunk, "dddd0007-1"),
                          "target 'dddd0007-1' is ambiguous: 'dddd0007' has 2 parents "
                          "(bbbb0004, cccc0006)");
    }
    SECTION("LABEL@base+N counts from just before the branch") {
        CHECK(upgrade(graph, trunk, "reporting@base+1") == "up cccc0005");
    }
    SECTION("REV+N from a branch point is ambiguous") {
        CHECK_THROWS_WITH(upgrade(graph, {}, "aaaa0002+1"),
                          "target 'aaaa0002+1' is ambiguous: 'aaaa0002' has 2 children "
                          "(bbbb0003, cccc0005)");
    }
    SECTION("LABEL@REV: REV must lie on the branch") {
        CHECK(upgrade(graph, trunk, "audit@bbbb0004") == "up bbbb0003, up bbbb0004");
        CHECK_THROWS_WITH(upgrade(graph, trunk, "reporting@bbbb0004"),
                          "revision 'bbbb0004' is not on branch 'reporting'");
        CHECK_THROWS_WITH(upgrade(graph, trunk, "zz@head"), "unknown branch label 'zz'");
    }
    SECTION("LABEL@+N: the next N steps of the plan to the branch's head") {
        CHECK(upgrade(graph, trunk, "reporting@+1") == "up bbbb0003");
        CHECK(upgrade(graph, trunk, "audit@+5") ==
              "up bbbb0003, up bbbb0004, up cccc0005, up cccc0006, up dddd0007");
        CHECK_THROWS_WITH(upgrade(graph, trunk, "audit@+6"),
                          "target 'audit@+6' asks for 6 revisions but only 5 remain to "
                          "'audit@head'");
    }
}

TEST_CASE("plan_upgrade: depends_on across branches", "[plan]") {
    const RevisionGraph graph = depends_graph();
    SECTION("a dependency on the other branch comes first") {
        CHECK(upgrade(graph, {}, "cccc0004") == "up aaaa0001, up bbbb0002, up cccc0004");
        CHECK(upgrade(graph, {"aaaa0001"}, "right@head") ==
              "up bbbb0002, up cccc0004, up cccc0005");
    }
    SECTION("LABEL@head applies nothing of another branch that it does not need") {
        CHECK(upgrade(graph, {}, "left@head") == "up aaaa0001, up bbbb0002, up bbbb0003");
    }
    SECTION("heads applies both branches in topological order") {
        CHECK(upgrade(graph, {}, "heads") ==
              "up aaaa0001, up bbbb0002, up bbbb0003, up cccc0004, up cccc0005");
    }
    SECTION("head and +N are ambiguous with two heads; LABEL@+N is not") {
        const std::string ambiguous = "'head' is ambiguous: 2 heads (bbbb0003, cccc0005); use "
                                      "'heads', 'LABEL@head' or a revision id";
        CHECK_THROWS_WITH(upgrade(graph, {}, "head"), ambiguous);
        CHECK_THROWS_WITH(upgrade(graph, {}, "+1"), ambiguous);
        CHECK(upgrade(graph, {"aaaa0001"}, "right@+2") == "up bbbb0002, up cccc0004");
    }
}

TEST_CASE("plan_upgrade: two bases", "[plan]") {
    const RevisionGraph graph = two_bases_graph();
    CHECK(upgrade(graph, {}, "head") == "up aaaa0001, up bbbb0001, up bbbb0002, up cccc0001");
    CHECK(upgrade(graph, {}, "bbbb0002") == "up bbbb0001, up bbbb0002");
    CHECK(upgrade(graph, {}, "one@head-1") == "up aaaa0001");
    CHECK(upgrade(graph, {"bbbb0001"}, "+2") == "up aaaa0001, up bbbb0002");
}

TEST_CASE("plan_downgrade: a linear graph", "[plan]") {
    const RevisionGraph graph = linear_graph();
    const Ids all = {"aaaa0001", "bbbb0002", "cccc0003", "dddd0004"};
    SECTION("an applied revision stays; what is above it goes, children first") {
        CHECK(downgrade(graph, all, "bbbb0002") == "down dddd0004, down cccc0003");
        CHECK(downgrade(graph, all, "head") == "(empty)");
        CHECK(downgrade(graph, all, "head-2") == "down dddd0004, down cccc0003");
        CHECK(downgrade(graph, all, "aaaa") == "down dddd0004, down cccc0003, down bbbb0002");
    }
    SECTION("base reverts everything") {
        CHECK(downgrade(graph, all, "base") ==
              "down dddd0004, down cccc0003, down bbbb0002, down aaaa0001");
        CHECK(downgrade(graph, {}, "base") == "(empty)");
    }
    SECTION("a target that is not applied is refused") {
        CHECK_THROWS_WITH(downgrade(graph, {"aaaa0001", "bbbb0002"}, "dddd0004"),
                          "revision 'dddd0004' is not applied; downgrade moves only to an "
                          "applied revision (use upgrade to go forward)");
    }
    SECTION("-N reverts the N most recently applied") {
        CHECK(downgrade(graph, all, "-1") == "down dddd0004");
        CHECK(downgrade(graph, all, "-3") == "down dddd0004, down cccc0003, down bbbb0002");
        CHECK(downgrade(graph, all, "-4") ==
              "down dddd0004, down cccc0003, down bbbb0002, down aaaa0001");
    }
    SECTION("-N beyond what is applied") {
        CHECK_THROWS_WITH(downgrade(graph, all, "-5"),
                          "target '-5' asks for 5 revisions but only 4 are applied");
        CHECK_THROWS_WITH(downgrade(graph, {}, "-1"),
                          "target '-1' asks for 1 revision but only 0 are applied");
    }
    SECTION("+N moves up") {
        CHECK_THROWS_WITH(downgrade(graph, all, "+1"), "target '+1' moves up; use upgrade");
    }
}

TEST_CASE("plan_downgrade: two labelled branches and a merge", "[plan]") {
    const RevisionGraph graph = merged_graph();
    const Ids all = {"aaaa0001", "aaaa0002", "bbbb0003", "bbbb0004",
                     "cccc0005", "cccc0006", "dddd0007"};
    // Applied in another order than the topological one: reporting first.
    const Ids reporting_first = {"aaaa0001", "aaaa0002", "cccc0005",
                                 "cccc0006", "bbbb0003", "bbbb0004"};
    SECTION("below the branch point both branches go, in reverse topological order") {
        CHECK(downgrade(graph, all, "aaaa0002") ==
              "down dddd0007, down cccc0006, down cccc0005, down bbbb0004, down bbbb0003");
        CHECK(downgrade(graph, reporting_first, "aaaa0002") ==
              "down cccc0006, down cccc0005, down bbbb0004, down bbbb0003");
    }
    SECTION("a revision on one branch takes the merge above it along") {
        CHECK(downgrade(graph, all, "bbbb0003") == "down dddd0007, down bbbb0004");
    }
    SECTION("LABEL@base reverts only the label's branch") {
        CHECK(downgrade(graph, all, "audit@base") == "down dddd0007, down bbbb0004, down bbbb0003");
        CHECK(downgrade(graph, reporting_first, "reporting@base") ==
              "down cccc0006, down cccc0005");
    }
    SECTION("LABEL@REV confines the move to the branch") {
        CHECK(downgrade(graph, reporting_first, "reporting@cccc0005") == "down cccc0006");
        CHECK_THROWS_WITH(downgrade(graph, reporting_first, "audit@cccc0005"),
                          "revision 'cccc0005' is not on branch 'audit'");
    }
    SECTION("-N picks by the order applied; the reverts run in reverse topological order") {
        CHECK(downgrade(graph, reporting_first, "-1") == "down bbbb0004");
        CHECK(downgrade(graph, reporting_first, "-3") ==
              "down cccc0006, down bbbb0004, down bbbb0003");
    }
    SECTION("LABEL@-N counts only the label's branch") {
        CHECK(downgrade(graph, reporting_first, "reporting@-1") == "down cccc0006");
        CHECK(downgrade(graph, reporting_first, "audit@-2") == "down bbbb0004, down bbbb0003");
        CHECK_THROWS_WITH(downgrade(graph, reporting_first, "audit@-3"),
                          "target 'audit@-3' asks for 3 revisions but only 2 on branch 'audit' "
                          "are applied");
    }
}

TEST_CASE("plan_downgrade: dependents through depends_on are reverted too", "[plan]") {
    const RevisionGraph graph = depends_graph();
    const Ids all = {"aaaa0001", "bbbb0002", "bbbb0003", "cccc0004", "cccc0005"};
    SECTION("a kept revision keeps its dependents") {
        CHECK(downgrade(graph, all, "bbbb0002") == "down bbbb0003");
    }
    SECTION("reverting a dependency reverts what depends on it, on any branch") {
        CHECK(downgrade(graph, all, "left@base") ==
              "down cccc0005, down cccc0004, down bbbb0003, down bbbb0002");
        CHECK(downgrade(graph, all, "aaaa0001") ==
              "down cccc0005, down cccc0004, down bbbb0003, down bbbb0002");
    }
    SECTION("LABEL@-N may revert more than N") {
        CHECK(downgrade(graph, all, "left@-1") == "down bbbb0003");
        CHECK(downgrade(graph, all, "left@-2") ==
              "down cccc0005, down cccc0004, down bbbb0003, down bbbb0002");
        CHECK(downgrade(graph, all, "right@-1") == "down cccc0005");
    }
    SECTION("heads with both heads applied: nothing") {
        CHECK(downgrade(graph, all, "heads") == "(empty)");
    }
}

TEST_CASE("plan_downgrade: two bases", "[plan]") {
    const RevisionGraph graph = two_bases_graph();
    const Ids all = {"aaaa0001", "bbbb0001", "bbbb0002", "cccc0001"};
    CHECK(downgrade(graph, all, "aaaa0001") == "down cccc0001");
    CHECK(downgrade(graph, all, "two@base") == "down cccc0001, down bbbb0002, down bbbb0001");
    CHECK(downgrade(graph, all, "one@base") == "down cccc0001, down aaaa0001");
    CHECK(downgrade(graph, all, "one@-1") == "down cccc0001");
    CHECK(downgrade(graph, all, "base") ==
          "down cccc0001, down bbbb0002, down bbbb0001, down aaaa0001");
}

TEST_CASE("plan_stamp: the upgrade plan, else the downgrade plan", "[plan]") {
    SECTION("a linear graph") {
        const RevisionGraph graph = linear_graph();
        const Ids half = {"aaaa0001", "bbbb0002"};
        CHECK(stamp(graph, half, "head") == "up cccc0003, up dddd0004");
        CHECK(stamp(graph, half, "aaaa0001") == "down bbbb0002");
        CHECK(stamp(graph, half, "bbbb0002") == "(empty)");
        CHECK(stamp(graph, half, "base") == "down bbbb0002, down aaaa0001");
        CHECK(stamp(graph, half, "+1") == "up cccc0003");
        CHECK(stamp(graph, half, "-1") == "down bbbb0002");
        CHECK_THROWS_WITH(stamp(graph, half, "-3"),
                          "target '-3' asks for 3 revisions but only 2 are applied");
    }
    SECTION("at head, stamping a revision below the merge removes only the merge") {
        const RevisionGraph graph = merged_graph();
        const Ids all = {"aaaa0001", "aaaa0002", "bbbb0003", "bbbb0004",
                         "cccc0005", "cccc0006", "dddd0007"};
        CHECK(stamp(graph, all, "bbbb0004") == "down dddd0007");
    }
    SECTION("a target on another branch goes up, even below what is applied") {
        const RevisionGraph graph = merged_graph();
        CHECK(stamp(graph, {"aaaa0001", "aaaa0002", "bbbb0003", "bbbb0004"}, "cccc0005") ==
              "up cccc0005");
    }
}

TEST_CASE("plan_move: dispatches on the kind of move", "[plan]") {
    const RevisionGraph graph = linear_graph();
    const AppliedSet half = applied(graph, {"aaaa0001", "bbbb0002"});
    const auto move = [&](MoveKind kind, const std::string& target) {
        return describe(graph, rev::plan_move(kind, graph, half, rev::parse_target(target)));
    };
    CHECK(move(MoveKind::upgrade, "head") == "up cccc0003, up dddd0004");
    CHECK(move(MoveKind::upgrade, "aaaa0001") == "(empty)");
    CHECK(move(MoveKind::downgrade, "aaaa0001") == "down bbbb0002");
    CHECK_THROWS_WITH(move(MoveKind::downgrade, "head"),
                      "revision 'dddd0004' is not applied; downgrade moves only to an applied "
                      "revision (use upgrade to go forward)");
    CHECK(move(MoveKind::stamp, "aaaa0001") == "down bbbb0002");
    CHECK(move(MoveKind::stamp, "head") == "up cccc0003, up dddd0004");
}
