// The concurrency test: rounds of 8 rev processes started at once, moving one database up and
// down to different targets, on the database REV_TEST_DATABASE names (see torture.hpp). rev's
// lock must serialise them: every process succeeds, and afterwards the record, the schema and
// the log agree.
#include "torture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>

using namespace rev::torture;
using Args = std::vector<std::string>;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int k_rounds = 6;
constexpr int k_processes = 8;

// Each kind of round mixes targets that are valid in whatever order the lock lets the
// processes through, so every process must exit 0:
// - anywhere: upgrades to anything, and downgrade base;
// - floor: after upgrade r039, upgrades to anything and downgrades that keep r039 applied;
// - relative: after upgrade head and downgrade -40, at most 20 steps up and 32 down.
enum class Round { anywhere, floor, relative };

struct Mix {
    std::vector<Args> setup; // run one after another before the processes start
    std::vector<Args> moves; // run at once
};

class Targets {
public:
    Targets(const TortureGraph& graph, std::mt19937_64& random)
        : m_graph(graph), m_random(random) {}

    int number(int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(m_random);
    }

    std::string upgrade_target() {
        switch (number(0, 5)) {
        case 0:
            return "head";
        case 1:
            return m_graph
                .ids[static_cast<std::size_t>(number(0, static_cast<int>(m_graph.ids.size()) - 1))];
        case 2:
            return number(0, 1) == 0 ? "alpha@head" : "beta@head";
        case 3:
            return "base+" + std::to_string(number(1, 40));
        case 4:
            return "a0" + std::to_string(number(10, 20)) + "+" + std::to_string(number(1, 9));
        }
        return "head-" + std::to_string(number(1, 10));
    }

    Mix mix(Round round) {
        Mix mix;
        switch (round) {
        case Round::anywhere:
            add(mix, 2, [] { return Args{"upgrade", "head"}; });
            add(mix, 2, [] { return Args{"downgrade", "base"}; });
            add(mix, 4, [this] { return Args{"upgrade", upgrade_target()}; });
            break;
        case Round::floor: {
            // All four name r039: alpha@base and beta@base revert only their own branch.
            static const char* const floors[] = {"r039", "alpha@base", "beta@base", "base+40"};
            mix.setup = {{"upgrade", "r039"}};
            add(mix, 4, [this] { return Args{"upgrade", upgrade_target()}; });
            add(mix, 4, [this] { return Args{"downgrade", floors[number(0, 3)]}; });
            break;
        }
        case Round::relative:
            mix.setup = {{"upgrade", "head"}, {"downgrade", "-40"}};
            add(mix, 4, [this] {
                static const char* const prefixes[] = {"+", "alpha@+", "beta@+"};
                return Args{"upgrade", prefixes[number(0, 2)] + std::to_string(number(1, 5))};
            });
            add(mix, 4, [this] { return Args{"downgrade", "-" + std::to_string(number(1, 8))}; });
            break;
        }
        std::shuffle(mix.moves.begin(), mix.moves.end(), m_random);
        return mix;
    }

private:
    template <typename Make>
    void add(Mix& mix, int count, Make make) {
        for (int i = 0; i < count; ++i) {
            mix.moves.push_back(make());
        }
    }

    const TortureGraph& m_graph;
    std::mt19937_64& m_random;
};

std::string command_line(const Args& args) {
    std::string line = "rev";
    for (const std::string& arg : args) {
        line += " " + arg;
    }
    return line;
}

Args with_lock_timeout(Args args) {
    // Generous: the test is about correctness, and no process should ever give up waiting.
    args.insert(args.end(), {"--lock-timeout", "600"});
    return args;
}

struct Counts {
    int runs = 0;
    std::size_t steps = 0; // progress lines printed by every process, setup included
    std::vector<std::string> problems;
};

void note_end(const Args& args, const Ended& ended, const std::string& context, Counts& counts) {
    counts.steps += ended.steps;
    if (ended.exit_code != 0) {
        counts.problems.push_back(context + ": " + command_line(args) + " exited with " +
                                  std::to_string(ended.exit_code) + ": " + ended.err);
    }
}

void run_round(TortureDatabase& db, const TortureGraph& graph, const std::filesystem::path& dir,
               const Mix& mix, const std::string& context, Counts& counts) {
    for (const Args& args : mix.setup) {
        note_end(args, RevProcess(dir, with_lock_timeout(args)).wait(), context + " setup", counts);
    }
    std::vector<std::unique_ptr<RevProcess>> processes;
    for (const Args& args : mix.moves) {
        processes.push_back(std::make_unique<RevProcess>(dir, with_lock_timeout(args)));
    }
    for (std::size_t i = 0; i < processes.size(); ++i) {
        note_end(mix.moves[i], processes[i]->wait(), context, counts);
        ++counts.runs;
    }
    const Snapshot snapshot = db.snapshot();
    for (const std::string& problem : check_snapshot(graph, snapshot)) {
        counts.problems.push_back(std::string(context).append(": ").append(problem));
    }
    if (count_steps(snapshot.log) != counts.steps) {
        counts.problems.push_back(context + ": the log holds " +
                                  std::to_string(count_steps(snapshot.log)) +
                                  " upgrade and downgrade events, the processes reported " +
                                  std::to_string(counts.steps) + " steps");
    }
}

} // namespace

TEST_CASE("Concurrency: 8 rev processes at once move one database without losing a step",
          "[torture][concurrency]") {
    rev::test::TempDir dir;
    TortureDatabase db(dir.path());
    const TortureGraph graph = write_torture_graph(dir, db.url());
    const std::uint64_t seed = torture_seed();
    std::mt19937_64 random(seed);
    Targets targets(graph, random);
    Counts counts;
    db.reset();
    const auto started = Clock::now();
    static const Round kinds[] = {Round::anywhere, Round::floor, Round::relative};
    for (int round = 0; round < k_rounds; ++round) {
        Mix mix = targets.mix(kinds[round % 3]);
        if (round == 0) {
            // A downgrade refuses a SQLite file that does not exist yet (it never creates one),
            // and the first round's `downgrade base` may be let through before any upgrade.
            mix.setup.insert(mix.setup.begin(), Args{"upgrade", "base+1"});
        }
        std::string context = "round " + std::to_string(round + 1) + " (";
        for (const Args& args : mix.moves) {
            context += (context.back() == '(' ? "" : "; ") + command_line(args);
        }
        run_round(db, graph, dir.path(), mix, context + ")", counts);
    }
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    std::cout << "concurrency test (" << db.name() << "): " << k_rounds << " rounds x "
              << k_processes << " processes, " << counts.runs << " concurrent runs, "
              << counts.steps << " steps reported and logged, " << counts.problems.size()
              << " inconsistencies; seed " << seed << " (REV_TORTURE_SEED=" << seed
              << " repeats the targets), " << elapsed.count() << " ms\n";
    for (const std::string& problem : counts.problems) {
        std::cout << "concurrency test (" << db.name() << "): " << problem << "\n";
    }
    CHECK(counts.problems.empty());
}
