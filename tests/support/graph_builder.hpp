#pragma once

#include <rev/graph.hpp>
#include <rev/revision_set.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

// Builds a RevisionGraph in memory, without files, for tests of the graph and of targets:
//
//     const RevisionGraph graph = GraphBuilder().add("a", {}).add("b", {"a"}).build();
//
// Header-only so that both test executables can use it without a CMake change.
namespace rev::test {

class GraphBuilder {
public:
    GraphBuilder& add(const std::string& id, const std::vector<std::string>& parents,
                      const std::vector<std::string>& depends_on = {},
                      const std::vector<std::string>& branch_labels = {}) {
        Revision revision;
        revision.id = id;
        revision.message = "revision " + id;
        revision.parents = parents;
        revision.depends_on = depends_on;
        revision.branch_labels = branch_labels;
        revision.directory = std::filesystem::path("versions") / id;
        m_revisions.push_back(std::move(revision));
        return *this;
    }

    const std::vector<Revision>& revisions() const { return m_revisions; }

    // The graph, its defects (unknown names, cycles, duplicates) left in `diagnostics`.
    RevisionGraph build(Diagnostics& diagnostics) const {
        RevisionSet set(m_revisions, diagnostics);
        return RevisionGraph(std::move(set), diagnostics);
    }

    // The graph; throws LoadError when the revisions have a defect.
    RevisionGraph build() const {
        Diagnostics diagnostics;
        RevisionGraph graph = build(diagnostics);
        diagnostics.throw_if_any();
        return graph;
    }

private:
    std::vector<Revision> m_revisions;
};

// The vertex of revision `id`; throws when there is none, so a typo in a test fails loudly.
inline RevisionGraph::Vertex vertex_of(const RevisionGraph& graph, const std::string& id) {
    if (auto found = graph.revisions().find(id)) {
        return *found;
    }
    throw std::logic_error("test graph has no revision '" + id + "'");
}

inline RevisionGraph::Vertices vertices_of(const RevisionGraph& graph,
                                           const std::vector<std::string>& ids) {
    RevisionGraph::Vertices vertices;
    for (const std::string& id : ids) {
        vertices.push_back(vertex_of(graph, id));
    }
    return vertices;
}

// The ids of `vertices`, in the order given: what assertions compare.
inline std::vector<std::string> ids_of(const RevisionGraph& graph,
                                       std::span<const RevisionGraph::Vertex> vertices) {
    std::vector<std::string> ids;
    for (RevisionGraph::Vertex vertex : vertices) {
        ids.push_back(graph.revision(vertex).id);
    }
    return ids;
}

// The messages of `diagnostics` as Diagnostic::to_string() writes them.
inline std::vector<std::string> lines_of(const Diagnostics& diagnostics) {
    std::vector<std::string> lines;
    for (const Diagnostic& defect : diagnostics.items()) {
        lines.push_back(defect.to_string());
    }
    return lines;
}

} // namespace rev::test
