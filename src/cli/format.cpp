#include "format.hpp"

#include <rev/error.hpp>

namespace rev::cli {

namespace {

std::string join(const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) {
        text += (text.empty() ? "" : ", ") + name;
    }
    return text;
}

std::string parents_text(const RevisionGraph& graph, RevisionGraph::Vertex vertex) {
    const auto& parents = graph.parents(vertex);
    if (parents.empty()) {
        return "<base>";
    }
    if (parents.size() == 1) {
        return graph.revision(parents.front()).id;
    }
    return std::string("(").append(graph.id_list(parents)).append(")");
}

} // namespace

std::string revision_tags(const RevisionGraph& graph, RevisionGraph::Vertex vertex) {
    std::string tags;
    const std::string labels = join(graph.revision(vertex).branch_labels);
    if (!labels.empty()) {
        tags += " (" + labels + ")";
    }
    if (graph.is_head(vertex)) {
        tags += " (head)";
    }
    if (graph.is_branch_point(vertex)) {
        tags += " (branchpoint)";
    }
    if (graph.is_merge_point(vertex)) {
        tags += " (mergepoint)";
    }
    return tags;
}

std::string history_line(const RevisionGraph& graph, RevisionGraph::Vertex vertex,
                         const std::string& extra_tags) {
    return parents_text(graph, vertex) + " -> " + revision_line(graph, vertex, extra_tags);
}

std::string revision_line(const RevisionGraph& graph, RevisionGraph::Vertex vertex,
                          const std::string& extra_tags) {
    const Revision& revision = graph.revision(vertex);
    return revision.id + revision_tags(graph, vertex) + extra_tags + ", " + revision.message;
}

std::string revision_block(const RevisionGraph& graph, RevisionGraph::Vertex vertex) {
    const Revision& revision = graph.revision(vertex);
    std::string text = "Rev: " + revision.id + revision_tags(graph, vertex) + "\n";
    const auto field = [&text](const char* name, const std::string& value) {
        if (!value.empty()) {
            text += std::string(name) + ": " + value + "\n";
        }
    };
    field("Parents", graph.id_list(graph.parents(vertex)));
    field("Children", graph.id_list(graph.children(vertex)));
    field("Depends on", graph.id_list(graph.dependencies(vertex)));
    field("Needed by", graph.id_list(graph.dependents(vertex)));
    field("Branch labels", join(revision.branch_labels));
    field("Transactional", revision.transactional ? "yes" : "no");
    field("Manifest", display_path(revision.manifest_path()));
    field("Up", display_path(revision.up_path()));
    field("Down", display_path(revision.down_path()));
    return text + "\n    " + revision.message + "\n";
}

} // namespace rev::cli
