// The crash test: `rev upgrade head` killed with SIGKILL at random moments, on the database
// REV_TEST_DATABASE names (see torture.hpp). After every kill the database must be consistent,
// and the next `rev upgrade head` must finish the job.
#include "torture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <iostream>
#include <thread>

using namespace rev::torture;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int k_trials = 60;
// Kills per group; the database is emptied between groups, so kills land all through the
// history, not only near its end.
constexpr int k_kills_per_group = 5;

struct Counts {
    int trials = 0;
    int before_first_step = 0; // killed while starting up or before its first commit
    int mid_run = 0;           // killed with some steps committed and some not
    int after_last_step = 0;   // killed once every step had committed, before it exited
    int finished = 0;          // exited before the kill
    int groups = 0;
    std::vector<std::string> problems;
};

// Adds `context: problem` for each broken invariant of the database.
void check(TortureDatabase& db, const TortureGraph& graph, const std::string& context,
           Counts& counts, Snapshot& snapshot) {
    snapshot = db.snapshot();
    for (const std::string& problem : check_snapshot(graph, snapshot)) {
        counts.problems.push_back(std::string(context).append(": ").append(problem));
    }
}

// Runs `rev upgrade head` to its end; returns how long it took.
Clock::duration upgrade_fully(const std::filesystem::path& dir, Counts& counts,
                              const std::string& context) {
    const auto started = Clock::now();
    const Ended ended = RevProcess(dir, {"upgrade", "head", "-q"}).wait();
    if (ended.exit_code != 0) {
        counts.problems.push_back(context + ": rev upgrade head exited with " +
                                  std::to_string(ended.exit_code) + ": " + ended.err);
    }
    return Clock::now() - started;
}

void one_kill(TortureDatabase& db, const TortureGraph& graph, const std::filesystem::path& dir,
              Clock::duration delay, Counts& counts, Snapshot& snapshot) {
    const std::size_t before = snapshot.applied.size();
    RevProcess rev(dir, {"upgrade", "head", "-q"});
    std::this_thread::sleep_for(delay);
    const Ended ended = rev.kill();
    const std::string context =
        "trial " + std::to_string(counts.trials) + " (killed after " +
        std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(delay).count()) +
        " us)";
    ++counts.trials;
    check(db, graph, context, counts, snapshot);
    const std::size_t after = snapshot.applied.size();
    if (!ended.killed) {
        ++counts.finished;
        if (ended.exit_code != 0) {
            counts.problems.push_back(context + ": rev exited with " +
                                      std::to_string(ended.exit_code) + ": " + ended.err);
        }
    } else if (after == before) {
        ++counts.before_first_step;
    } else if (after == graph.ids.size()) {
        ++counts.after_last_step;
    } else {
        ++counts.mid_run;
    }
}

} // namespace

TEST_CASE("Crash: rev upgrade head killed at random moments leaves a consistent database",
          "[torture][crash]") {
    rev::test::TempDir dir;
    TortureDatabase db(dir.path());
    const TortureGraph graph = write_torture_graph(dir, db.url());
    const std::uint64_t seed = torture_seed();
    std::mt19937_64 random(seed);
    Counts counts;
    Snapshot snapshot;

    // How long a whole upgrade and one with nothing to do take here, under this build: the kill
    // delays are drawn so that they land before, during and between steps.
    db.reset();
    const auto full = upgrade_fully(dir.path(), counts, "timing a full upgrade");
    const auto idle = upgrade_fully(dir.path(), counts, "timing an upgrade with nothing to do");
    // A quarter of the kills land while rev starts up. The others land up to the time that
    // 30% of the steps take, so that a group of five kills covers about three quarters of the
    // history on average, and the next upgrade has the rest to do.
    const auto us = [](Clock::duration duration) {
        return std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
    };
    // Two single runs on a busy machine can come out the other way round.
    const auto steps = full > idle ? full - idle : Clock::duration::zero();
    const auto window = idle + 3 * steps / (2 * k_kills_per_group);
    std::uniform_int_distribution<long long> startup_delays(0, us(idle));
    std::uniform_int_distribution<long long> step_delays(us(idle), us(window));
    std::bernoulli_distribution during_startup(0.25);
    const auto delay = [&] {
        return std::chrono::microseconds(during_startup(random) ? startup_delays(random)
                                                                : step_delays(random));
    };
    const auto started = Clock::now();

    while (counts.trials < k_trials) {
        db.reset();
        snapshot = Snapshot{};
        ++counts.groups;
        for (int kill = 0; kill < k_kills_per_group && counts.trials < k_trials &&
                           snapshot.applied.size() < graph.ids.size();
             ++kill) {
            one_kill(db, graph, dir.path(), delay(), counts, snapshot);
        }
        const std::string context = "group " + std::to_string(counts.groups);
        upgrade_fully(dir.path(), counts, context + ", the upgrade after the kills");
        check(db, graph, context + ", after the upgrade", counts, snapshot);
        if (snapshot.applied.size() != graph.ids.size()) {
            counts.problems.push_back(context + ": the upgrade after the kills left " +
                                      std::to_string(snapshot.applied.size()) + " of " +
                                      std::to_string(graph.ids.size()) + " applied");
        }
    }

    const auto ms = [](Clock::duration duration) {
        return std::to_string(
                   std::chrono::duration_cast<std::chrono::milliseconds>(duration).count()) +
               " ms";
    };
    std::cout << "crash test (" << db.name() << "): " << counts.trials << " trials, "
              << counts.mid_run << " killed mid-run, " << counts.before_first_step
              << " killed before the first step, " << counts.after_last_step
              << " killed after the last step, " << counts.finished << " finished first; "
              << counts.groups << " groups completed by the next upgrade; "
              << counts.problems.size() << " inconsistencies\n"
              << "crash test (" << db.name() << "): " << graph.ids.size() << " revisions, seed "
              << seed << " (REV_TORTURE_SEED=" << seed << " repeats the draws), kill window "
              << ms(window) << " (full upgrade " << ms(full) << ", nothing to do " << ms(idle)
              << "), " << ms(Clock::now() - started) << " for the trials\n";
    for (const std::string& problem : counts.problems) {
        std::cout << "crash test (" << db.name() << "): " << problem << "\n";
    }
    CHECK(counts.problems.empty());
}
