// Fuzzes the manifest loader: parse_manifest() on each manifest of the input, then the
// RevisionSet and RevisionGraph that load_revision_graph() would build from them.
//
// The input holds one or more manifest.toml texts separated by lines that are exactly "---",
// so that ids, parents, depends_on and labels from several revisions meet (duplicates, unknown
// parents, cycles). rev::Error is an expected outcome; anything else must crash.
#include <rev/error.hpp>
#include <rev/graph.hpp>
#include <rev/loader.hpp>
#include <rev/revision.hpp>
#include <rev/revision_set.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Stops the run with `why`: libFuzzer records the input that broke an invariant.
void require(bool condition, const char* why) {
    if (!condition) {
        std::fprintf(stderr, "invariant broken: %s\n", why);
        std::abort();
    }
}

std::vector<std::string_view> split_manifests(std::string_view input) {
    std::vector<std::string_view> texts;
    std::size_t start = 0;
    std::size_t line = 0;
    while (line <= input.size()) {
        std::size_t end = input.find('\n', line);
        if (end == std::string_view::npos) {
            end = input.size();
        }
        if (input.substr(line, end - line) == "---") {
            texts.push_back(input.substr(start, line - start));
            start = std::min(end + 1, input.size());
        }
        line = end + 1;
    }
    texts.push_back(input.substr(start));
    return texts;
}

int count_lines(std::string_view text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
}

void check_revision(const rev::Revision& revision) {
    require(rev::is_valid_name(revision.id), "a loaded revision has an invalid id");
    for (const auto* names : {&revision.parents, &revision.depends_on, &revision.branch_labels}) {
        for (const std::string& name : *names) {
            require(rev::is_valid_name(name), "a loaded revision names an invalid id or label");
        }
    }
}

// The questions the CLI asks of a graph that loaded without defects.
void walk_graph(const rev::RevisionGraph& graph) {
    const auto& order = graph.topological_order();
    require(order.size() == graph.size(), "the topological order misses revisions");
    for (rev::RevisionGraph::Vertex v : order) {
        for (rev::RevisionGraph::Vertex parent : graph.parents(v)) {
            require(graph.rank(parent) < graph.rank(v), "a parent sorts after its child");
        }
        for (const std::string& label : graph.revision(v).branch_labels) {
            require(graph.revisions().find_label(label) == v, "a label finds another revision");
            require(!graph.branch_of_label(v).empty(), "a label's branch is empty");
        }
    }
    const auto below =
        graph.ancestors(graph.heads(), rev::Follow::parents_and_dependencies, rev::Inclusive::yes);
    require(below.size() == graph.size(), "some revision lies below no head");
    (void)graph.descendants(graph.bases(), rev::Follow::parents, rev::Inclusive::no);
    (void)graph.branch_points();
    (void)graph.merge_points();
}

void fuzz(std::string_view input) {
    rev::Diagnostics diagnostics;
    std::vector<rev::Revision> revisions;
    const std::vector<std::string_view> texts = split_manifests(input);
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const std::string path = "versions/r" + std::to_string(i) + "/manifest.toml";
        const std::size_t defects_before = diagnostics.items().size();
        std::optional<rev::Revision> revision = rev::parse_manifest(texts[i], path, diagnostics);
        require(revision || diagnostics.items().size() > defects_before,
                "a manifest was refused without a reason");
        for (std::size_t d = defects_before; d < diagnostics.items().size(); ++d) {
            const rev::Diagnostic& defect = diagnostics.items()[d];
            require(defect.line >= 0 && defect.line <= count_lines(texts[i]),
                    "a defect names a line outside the manifest");
            require(defect.message.find('\n') == std::string::npos,
                    "a defect message spans several lines");
        }
        if (revision) {
            check_revision(*revision);
            revisions.push_back(std::move(*revision));
        }
    }
    rev::RevisionSet set(std::move(revisions), diagnostics);
    const rev::RevisionGraph graph(std::move(set), diagnostics);
    if (diagnostics.empty()) {
        walk_graph(graph);
    }
    diagnostics.throw_if_any();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        fuzz(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const rev::Error&) {
        // A refusal with a message is the expected answer to bad input.
    }
    return 0;
}
