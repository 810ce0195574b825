// Micro-benchmarks of rev's graph work on generated histories of 1k, 10k and 100k revisions:
// load from disk, graph build, topological sorting, heads, target resolution and planning.
// Each benchmark fits its growth with Google Benchmark's Complexity(); near-linear is the goal
// (docs/benchmarks.md), so a fit of N^2 or worse is a bug to chase.
#include <rev/graph.hpp>
#include <rev/loader.hpp>
#include <rev/plan.hpp>
#include <rev/revision.hpp>
#include <rev/revision_set.hpp>
#include <rev/target.hpp>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;

enum class Shape { linear, wide };

// Twelve hex digits, as `rev new` makes, from a mixing of the index (splitmix64).
std::string make_id(std::uint64_t index) {
    std::uint64_t x = index + 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    char text[13];
    std::snprintf(text, sizeof text, "%012llx",
                  static_cast<unsigned long long>(x & 0xffffffffffffULL));
    return text;
}

// The histories of bench/generate: `linear` is one chain; `wide` repeats a diamond of three
// branches of two revisions merged into one. The first revision carries the branch label
// `trunk`, so `trunk@head` walks the whole graph.
std::vector<rev::Revision> make_history(Shape shape, std::size_t n) {
    std::vector<rev::Revision> revisions;
    revisions.reserve(n);
    auto add = [&](std::vector<std::string> parents) {
        rev::Revision revision;
        revision.id = make_id(revisions.size());
        revision.message = "create t" + std::to_string(revisions.size());
        revision.parents = std::move(parents);
        revision.directory = fs::path("versions") / revision.id;
        revisions.push_back(std::move(revision));
        return revisions.back().id;
    };
    std::string tip = add({});
    revisions.front().branch_labels = {"trunk"};
    constexpr std::size_t width = 3;
    constexpr std::size_t length = 2;
    constexpr std::size_t block = width * length + 1;
    while (shape == Shape::wide && n - revisions.size() >= block) {
        std::vector<std::string> tips;
        for (std::size_t b = 0; b < width; ++b) {
            std::string branch_tip = tip;
            for (std::size_t i = 0; i < length; ++i) {
                branch_tip = add({branch_tip});
            }
            tips.push_back(branch_tip);
        }
        tip = add(tips);
    }
    while (revisions.size() < n) {
        tip = add({tip});
    }
    return revisions;
}

rev::RevisionGraph build_graph(std::vector<rev::Revision> revisions) {
    rev::Diagnostics diagnostics;
    rev::RevisionSet set(std::move(revisions), diagnostics);
    rev::RevisionGraph graph(std::move(set), diagnostics);
    diagnostics.throw_if_any();
    return graph;
}

// Histories and graphs are made once per shape and size, outside every timing.
const std::vector<rev::Revision>& history(Shape shape, std::size_t n) {
    static std::map<std::pair<Shape, std::size_t>, std::vector<rev::Revision>> cache;
    auto [it, inserted] = cache.try_emplace({shape, n});
    if (inserted) {
        it->second = make_history(shape, n);
    }
    return it->second;
}

const rev::RevisionGraph& graph(Shape shape, std::size_t n) {
    static std::map<std::pair<Shape, std::size_t>, std::unique_ptr<rev::RevisionGraph>> cache;
    auto& slot = cache[{shape, n}];
    if (!slot) {
        slot = std::make_unique<rev::RevisionGraph>(build_graph(history(shape, n)));
    }
    return *slot;
}

rev::AppliedSet all_applied(const rev::RevisionGraph& g) {
    return rev::AppliedSet{g.topological_order()};
}

// Revision folders on disk for the load benchmark, written once and removed at exit.
class Folders {
public:
    ~Folders() {
        std::error_code ignored;
        fs::remove_all(m_root, ignored);
    }

    fs::path get(Shape shape, std::size_t n) {
        if (m_root.empty()) {
            const fs::path base = fs::exists("/dev/shm") ? "/dev/shm" : fs::temp_directory_path();
            m_root = base / ("rev-micro-" + std::to_string(::getpid()));
        }
        fs::path dir = m_root / (std::to_string(static_cast<int>(shape)) + "-" + std::to_string(n));
        if (!fs::exists(dir)) {
            write(history(shape, n), dir);
        }
        return dir;
    }

private:
    static void write_file(const fs::path& path, const std::string& text) {
        std::ofstream out(path);
        out << text;
        if (!out) {
            throw std::runtime_error("cannot write " + path.string());
        }
    }

    static void write(const std::vector<rev::Revision>& revisions, const fs::path& dir) {
        for (const rev::Revision& r : revisions) {
            const fs::path folder = dir / (r.id + "_create");
            fs::create_directories(folder);
            std::string parents;
            for (const std::string& p : r.parents) {
                parents += (parents.empty() ? "\"" : ", \"") + p + "\"";
            }
            std::string manifest = "id = \"" + r.id + "\"\nmessage = \"" + r.message +
                                   "\"\nparents = [" + parents + "]\n";
            if (!r.branch_labels.empty()) {
                manifest += "branch_labels = [\"" + r.branch_labels.front() + "\"]\n";
            }
            write_file(folder / "manifest.toml", manifest);
            write_file(folder / "up.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY);\n");
            write_file(folder / "down.sql", "DROP TABLE t;\n");
        }
    }

    fs::path m_root;
};

Folders g_folders;

void BM_Load(benchmark::State& state, Shape shape) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const fs::path dir = g_folders.get(shape, n);
    for (auto _ : state) {
        benchmark::DoNotOptimize(rev::load_revision_graph(dir));
    }
    state.SetComplexityN(state.range(0));
}

void BM_GraphBuild(benchmark::State& state, Shape shape) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto& revisions = history(shape, n);
    for (auto _ : state) {
        state.PauseTiming();
        std::vector<rev::Revision> copy = revisions;
        state.ResumeTiming();
        benchmark::DoNotOptimize(build_graph(std::move(copy)));
    }
    state.SetComplexityN(state.range(0));
}

void BM_TopologicalSort(benchmark::State& state, Shape shape) {
    const auto& g = graph(shape, static_cast<std::size_t>(state.range(0)));
    rev::RevisionGraph::Vertices shuffled = g.topological_order();
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(42));
    for (auto _ : state) {
        state.PauseTiming();
        rev::RevisionGraph::Vertices vertices = shuffled;
        state.ResumeTiming();
        g.sort_topologically(vertices);
        benchmark::DoNotOptimize(vertices.data());
    }
    state.SetComplexityN(state.range(0));
}

// What `rev current` computes: the heads of a fully applied database.
void BM_AppliedHeads(benchmark::State& state, Shape shape) {
    const auto& g = graph(shape, static_cast<std::size_t>(state.range(0)));
    const rev::AppliedSet applied = all_applied(g);
    for (auto _ : state) {
        benchmark::DoNotOptimize(applied.heads(g));
    }
    state.SetComplexityN(state.range(0));
}

void BM_Resolve(benchmark::State& state, Shape shape, const char* text) {
    const auto& g = graph(shape, static_cast<std::size_t>(state.range(0)));
    std::string target_text = text;
    if (target_text == "PREFIX") {
        // The first 8 digits of the id in the middle of the history.
        target_text = g.revision(g.topological_order()[g.size() / 2]).id.substr(0, 8);
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(rev::resolve_target(g, rev::parse_target(target_text)));
    }
    state.SetComplexityN(state.range(0));
}

void BM_PlanUpgradeToHead(benchmark::State& state, Shape shape) {
    const auto& g = graph(shape, static_cast<std::size_t>(state.range(0)));
    const rev::AppliedSet empty;
    const rev::Target head = rev::parse_target("head");
    for (auto _ : state) {
        benchmark::DoNotOptimize(rev::plan_upgrade(g, empty, head));
    }
    state.SetComplexityN(state.range(0));
}

void BM_PlanDowngrade(benchmark::State& state, Shape shape, const char* text) {
    const auto& g = graph(shape, static_cast<std::size_t>(state.range(0)));
    const rev::AppliedSet applied = all_applied(g);
    const rev::Target target = rev::parse_target(text);
    for (auto _ : state) {
        benchmark::DoNotOptimize(rev::plan_downgrade(g, applied, target));
    }
    state.SetComplexityN(state.range(0));
}

void sizes(benchmark::internal::Benchmark* b) {
    b->RangeMultiplier(10)->Range(1000, 100000)->Complexity()->Unit(benchmark::kMillisecond);
}

} // namespace

// Every benchmark runs on both shapes; the name says which (linear or wide) and the target.
#define REV_BENCH(FUNCTION, CASE, ...)                                                             \
    BENCHMARK_CAPTURE(FUNCTION, linear##CASE, Shape::linear __VA_ARGS__)->Apply(sizes);            \
    BENCHMARK_CAPTURE(FUNCTION, wide##CASE, Shape::wide __VA_ARGS__)->Apply(sizes)

REV_BENCH(BM_Load, , );
REV_BENCH(BM_GraphBuild, , );
REV_BENCH(BM_TopologicalSort, , );
REV_BENCH(BM_AppliedHeads, , );
REV_BENCH(BM_Resolve, _head, , "head");
REV_BENCH(BM_Resolve, _id_prefix, , "PREFIX");
// head-10 names one revision only on a chain: at a merge of the wide shape it is ambiguous.
BENCHMARK_CAPTURE(BM_Resolve, linear_head_minus_10, Shape::linear, "head-10")->Apply(sizes);
REV_BENCH(BM_Resolve, _label_at_head, , "trunk@head");
REV_BENCH(BM_PlanUpgradeToHead, , );
REV_BENCH(BM_PlanDowngrade, _to_base, , "base");
// -N counts what the database applied, so the planner resolves it, not resolve_target.
REV_BENCH(BM_PlanDowngrade, _minus_10, , "-10");

BENCHMARK_MAIN();
