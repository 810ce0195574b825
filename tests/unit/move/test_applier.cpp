#include "temp_dir.hpp"

#include <rev/applier.hpp>
#include <rev/loader.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

namespace {

// Records what the Applier asks of a runner, like ninja's FakeCommandRunner; fails on request.
class RecordingRunner : public rev::StepRunner {
public:
    std::vector<std::string> calls;
    std::string fail_on;

    void begin() override { calls.push_back("begin"); }
    void commit() override { calls.push_back("commit"); }
    void rollback() noexcept override { calls.push_back("rollback"); }
    void execute(const rev::Script& script) override {
        const std::string name =
            script.path.parent_path().filename().string() + "/" + script.path.filename().string();
        calls.push_back("execute " + name);
        if (name == fail_on) {
            throw rev::ScriptError(3, "boom");
        }
    }
    void record(const rev::StepRecord& record) override {
        calls.push_back(std::string("record ") + rev::event_name(record.event) +
                        (record.revision.empty() ? "" : " " + record.revision));
    }
};

rev::Plan up_plan(const rev::RevisionGraph& graph) {
    rev::Plan plan;
    for (auto v : graph.topological_order()) {
        plan.steps.push_back({rev::Direction::up, v});
    }
    return plan;
}

} // namespace

TEST_CASE("Applier: transaction boundaries per mode", "[applier]") {
    rev::test::TempDir dir;
    rev::test::write_revision(dir, "a", {});
    rev::test::write_revision(dir, "b", {"a"}, "transactional = false\n");
    const rev::RevisionGraph graph = rev::load_revision_graph(dir.path() / "versions");
    RecordingRunner runner;
    SECTION("per revision; a non-transactional step runs bare between its marks") {
        CHECK(rev::Applier(graph, runner, {}).apply(up_plan(graph)) == 2);
        CHECK(runner.calls ==
              std::vector<std::string>{"begin", "execute a/up.sql", "record upgrade a", "commit",
                                       "begin", "record upgrade-started b", "commit",
                                       "execute b/up.sql", "begin", "record upgrade b", "commit"});
    }
    SECTION("a non-transactional step that fails is recorded as failed, with where and why") {
        runner.fail_on = "b/up.sql";
        CHECK_THROWS_WITH(rev::Applier(graph, runner, {}).apply(up_plan(graph)),
                          (dir.path() / "versions/b/up.sql").string() +
                              ":3: upgrade b failed: boom (this step ran outside a transaction "
                              "and may be partly applied, so it is recorded as failed; see 'rev "
                              "resolve --help'; 1 earlier step stays applied)");
        CHECK(runner.calls == std::vector<std::string>{
                                  "begin", "execute a/up.sql", "record upgrade a", "commit",
                                  "begin", "record upgrade-started b", "commit", "execute b/up.sql",
                                  "begin", "record upgrade-failed b", "commit"});
    }
    SECTION("a stamp records in one transaction without executing, whatever mode is asked") {
        rev::ApplyOptions options;
        options.stamp = true;
        options.mode = rev::TransactionMode::per_revision;
        rev::Applier(graph, runner, options).apply(up_plan(graph));
        CHECK(runner.calls == std::vector<std::string>{"begin", "record stamp-up a",
                                                       "record stamp-up b", "commit"});
    }
}

TEST_CASE("Applier: progress is reported once the step's transaction commits", "[applier]") {
    rev::test::TempDir dir;
    rev::test::write_revision(dir, "a", {});
    rev::test::write_revision(dir, "b", {"a"});
    const rev::RevisionGraph graph = rev::load_revision_graph(dir.path() / "versions");
    RecordingRunner runner;
    rev::ApplyOptions options;
    options.on_step = [&](const rev::StepOutcome& outcome) {
        runner.calls.push_back("report " + graph.revision(outcome.step.revision).id);
    };
    SECTION("per revision") {
        rev::Applier(graph, runner, options).apply(up_plan(graph));
        CHECK(runner.calls == std::vector<std::string>{"begin", "execute a/up.sql",
                                                       "record upgrade a", "commit", "report a",
                                                       "begin", "execute b/up.sql",
                                                       "record upgrade b", "commit", "report b"});
    }
    SECTION("all: nothing is reported for a move that is rolled back") {
        options.mode = rev::TransactionMode::all;
        runner.fail_on = "b/up.sql";
        CHECK_THROWS(rev::Applier(graph, runner, options).apply(up_plan(graph)));
        CHECK(runner.calls.back() == "rollback");
        CHECK(std::count(runner.calls.begin(), runner.calls.end(), "report a") == 0);
    }
    SECTION("a purge comes first, inside the stamp's transaction") {
        options.mode = rev::TransactionMode::all;
        options.stamp = true;
        options.purge_first = true;
        options.on_step = nullptr;
        rev::Applier(graph, runner, options).apply(up_plan(graph));
        CHECK(runner.calls == std::vector<std::string>{"begin", "record purge", "record stamp-up a",
                                                       "record stamp-up b", "commit"});
    }
}

TEST_CASE("Applier: each step is announced before its script runs", "[applier]") {
    rev::test::TempDir dir;
    rev::test::write_revision(dir, "a", {});
    rev::test::write_revision(dir, "b", {"a"});
    const rev::RevisionGraph graph = rev::load_revision_graph(dir.path() / "versions");
    RecordingRunner runner;
    rev::ApplyOptions options;
    options.on_start = [&](const rev::Step& step) {
        runner.calls.push_back("start " + graph.revision(step.revision).id);
    };
    SECTION("per revision: before its transaction begins") {
        rev::Applier(graph, runner, options).apply(up_plan(graph));
        CHECK(runner.calls == std::vector<std::string>{"start a", "begin", "execute a/up.sql",
                                                       "record upgrade a", "commit", "start b",
                                                       "begin", "execute b/up.sql",
                                                       "record upgrade b", "commit"});
    }
    SECTION("all: inside the one transaction") {
        options.mode = rev::TransactionMode::all;
        rev::Applier(graph, runner, options).apply(up_plan(graph));
        CHECK(runner.calls == std::vector<std::string>{
                                  "begin", "start a", "execute a/up.sql", "record upgrade a",
                                  "start b", "execute b/up.sql", "record upgrade b", "commit"});
    }
}

TEST_CASE("Applier: a failure rolls back and says what stayed", "[applier][error]") {
    rev::test::TempDir dir;
    rev::test::write_revision(dir, "a", {});
    rev::test::write_revision(dir, "b", {"a"});
    const rev::RevisionGraph graph = rev::load_revision_graph(dir.path() / "versions");
    RecordingRunner runner;
    runner.fail_on = "b/up.sql";
    const std::string where =
        (dir.path() / "versions/b/up.sql").string() + ":3: upgrade b failed: boom";
    SECTION("per revision") {
        CHECK_THROWS_WITH(rev::Applier(graph, runner, {}).apply(up_plan(graph)),
                          where + " (this step was rolled back; 1 earlier step stays applied)");
        CHECK(runner.calls.back() == "rollback");
    }
    SECTION("all") {
        rev::ApplyOptions options;
        options.mode = rev::TransactionMode::all;
        CHECK_THROWS_WITH(rev::Applier(graph, runner, options).apply(up_plan(graph)),
                          where + " (the whole move was rolled back)");
        CHECK(runner.calls == std::vector<std::string>{"begin", "execute a/up.sql",
                                                       "record upgrade a", "execute b/up.sql",
                                                       "rollback"});
    }
}

TEST_CASE("Applier: of several bad files in a long move, the first in plan order is reported and "
          "nothing runs",
          "[applier][error]") {
    // Long enough for the files to be read in two threads; the bad files sit in both halves.
    rev::test::TempDir dir;
    const rev::test::ScopedCurrentPath here(dir.path());
    std::vector<std::string> ids;
    for (int i = 0; i < 100; ++i) {
        ids.push_back("r" + std::to_string(100 + i));
        rev::test::write_revision(dir, ids.back(),
                                  i == 0 ? std::vector<std::string>{}
                                         : std::vector<std::string>{ids[ids.size() - 2]});
    }
    dir.write("versions/r120/down.sql", std::string("DROP TABLE t\xff;\n"));
    dir.write("versions/r190/up.sql", std::string("CREATE TABLE u (x)\0;\n", 21));
    const rev::RevisionGraph graph = rev::load_revision_graph("versions");
    RecordingRunner runner;
    CHECK_THROWS_WITH(rev::Applier(graph, runner, {}).apply(up_plan(graph)),
                      "versions/r120/down.sql:1: not valid UTF-8 (byte 0xFF at column 13); save "
                      "the file as UTF-8");
    CHECK(runner.calls.empty());
}

TEST_CASE("Applier: a failed step rethrows the error it met, with context added",
          "[applier][error]") {
    rev::test::TempDir dir;
    rev::test::write_revision(dir, "a", {});
    rev::test::write_revision(dir, "b", {"a"});
    const rev::RevisionGraph graph = rev::load_revision_graph(dir.path() / "versions");
    RecordingRunner runner;
    runner.fail_on = "b/up.sql";
    try {
        rev::Applier(graph, runner, {}).apply(up_plan(graph));
        FAIL("the move should have failed");
    } catch (const rev::ScriptError& error) {
        // The class and its line survive the trip up, for callers that embed rev.
        CHECK(error.line() == 3);
        CHECK(error.message() == "boom");
        CHECK(std::string(error.what()) ==
              (dir.path() / "versions/b/up.sql").string() +
                  ":3: upgrade b failed: boom (this step was rolled back; 1 earlier step stays "
                  "applied)");
    }
}
