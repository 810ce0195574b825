#pragma once

#include <rev/graph.hpp>

#include <string>

namespace rev {

// The graph in Graphviz DOT, written by Boost.Graph's write_graphviz: parent links as solid
// edges, depends_on as dashed ones, heads drawn with a double border and merges as diamonds, so
// that `rev graph | dot -Tsvg` draws it.
std::string to_dot(const RevisionGraph& graph);

} // namespace rev
