#include <rev/dot.hpp>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>

#include <sstream>

namespace rev {

namespace {

struct DotVertex {
    std::string id;
    std::string label;
    std::string shape;
    std::string peripheries;
};

struct DotEdge {
    std::string style;
};

// bidirectionalS, though nothing walks in-edges: its edges() walks one list of edges, where
// directedS's walks each vertex's out-edges through a boost::optional that GCC 12 at -O2 takes
// for uninitialized (-Wmaybe-uninitialized inside write_graphviz). Edges are added in vertex
// order below, so the list is in the order directedS would give.
using DotGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, DotVertex, DotEdge>;

std::string vertex_label(const Revision& revision) {
    std::string label = revision.id;
    for (const std::string& branch : revision.branch_labels) {
        label += " (" + branch + ")";
    }
    // DOT's own line break escape, which write_graphviz leaves alone.
    return label + "\\n" + revision.message;
}

} // namespace

std::string to_dot(const RevisionGraph& graph) {
    DotGraph dot(graph.size());
    for (RevisionGraph::Vertex v = 0; v < graph.size(); ++v) {
        DotVertex& vertex = dot[v];
        vertex.id = graph.revision(v).id;
        vertex.label = vertex_label(graph.revision(v));
        vertex.shape = graph.is_merge_point(v) ? "diamond" : "box";
        vertex.peripheries = graph.is_head(v) ? "2" : "1";
        for (RevisionGraph::Vertex child : graph.children(v)) {
            boost::add_edge(v, child, DotEdge{"solid"}, dot);
        }
        for (RevisionGraph::Vertex dependent : graph.dependents(v)) {
            boost::add_edge(v, dependent, DotEdge{"dashed"}, dot);
        }
    }
    boost::dynamic_properties properties;
    properties.property("node_id", boost::get(&DotVertex::id, dot));
    properties.property("label", boost::get(&DotVertex::label, dot));
    properties.property("shape", boost::get(&DotVertex::shape, dot));
    properties.property("peripheries", boost::get(&DotVertex::peripheries, dot));
    properties.property("style", boost::get(&DotEdge::style, dot));
    std::ostringstream out;
    boost::write_graphviz_dp(out, dot, properties);
    return out.str();
}

} // namespace rev
