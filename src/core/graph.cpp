#include <rev/graph.hpp>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/reverse_graph.hpp>

#include <algorithm>
#include <cstdint>

namespace rev {

namespace {

enum class EdgeKind : std::uint8_t { parent, dependency };

struct EdgeProperties {
    EdgeKind kind = EdgeKind::parent;
};

// Edges in a vector rather than the default list: one allocation per edge was a good part of
// building the graph.
using BoostGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property,
                          EdgeProperties, boost::no_property, boost::vecS>;
using BoostVertex = boost::graph_traits<BoostGraph>::vertex_descriptor;
using BoostEdge = boost::graph_traits<BoostGraph>::edge_descriptor;
using ColorMap =
    boost::iterator_property_map<std::vector<boost::default_color_type>::iterator,
                                 boost::property_map<BoostGraph, boost::vertex_index_t>::type>;

// Records the finish order (for the topological order) and every cycle (as back edges).
class OrderAndCycleVisitor : public boost::default_dfs_visitor {
public:
    OrderAndCycleVisitor(std::vector<BoostVertex>& finished, std::vector<BoostVertex>& predecessor,
                         std::vector<std::vector<BoostVertex>>& cycles)
        : m_finished(&finished), m_predecessor(&predecessor), m_cycles(&cycles) {}

    void tree_edge(BoostEdge edge, const BoostGraph& graph) {
        (*m_predecessor)[boost::target(edge, graph)] = boost::source(edge, graph);
    }
    void back_edge(BoostEdge edge, const BoostGraph& graph) {
        // The DFS path target -> ... -> source, closed by this edge. Listed against the edges'
        // direction, so that each arrow reads "names as parent", as manifests do.
        const BoostVertex closing = boost::target(edge, graph);
        std::vector<BoostVertex> cycle{closing};
        for (BoostVertex v = boost::source(edge, graph); v != closing; v = (*m_predecessor)[v]) {
            cycle.push_back(v);
        }
        cycle.push_back(closing);
        m_cycles->push_back(std::move(cycle));
    }
    void finish_vertex(BoostVertex vertex, const BoostGraph&) { m_finished->push_back(vertex); }

private:
    std::vector<BoostVertex>* m_finished;
    std::vector<BoostVertex>* m_predecessor;
    std::vector<std::vector<BoostVertex>>* m_cycles;
};

struct EdgeFilter {
    const BoostGraph* graph = nullptr;
    Follow follow = Follow::parents;
    bool operator()(BoostEdge edge) const {
        return follow == Follow::parents_and_dependencies ||
               (*graph)[edge].kind == EdgeKind::parent;
    }
};

class ReachVisitor : public boost::default_bfs_visitor {
public:
    explicit ReachVisitor(std::vector<bool>& reached) : m_reached(&reached) {}
    template <class Edge, class Graph>
    void examine_edge(Edge edge, const Graph& graph) {
        (*m_reached)[boost::target(edge, graph)] = true;
    }

private:
    std::vector<bool>* m_reached;
};

} // namespace

struct RevisionGraph::Impl {
    RevisionSet revisions;
    BoostGraph graph;
    std::vector<Vertices> parents;
    std::vector<Vertices> children;
    std::vector<Vertices> dependencies;
    std::vector<Vertices> dependents;
    Vertices heads;
    Vertices bases;
    Vertices order;
    std::vector<std::size_t> rank;

    void link(Diagnostics& diagnostics);
    void build_boost_graph();
    void order_and_find_cycles(Diagnostics& diagnostics);
    void report_cycle(const std::vector<BoostVertex>& cycle, Diagnostics& diagnostics) const;
    Vertices collect(const std::vector<bool>& reached) const;

    template <class View>
    Vertices reach(const View& view, const Vertices& from, Inclusive inclusive) const {
        std::vector<bool> reached(revisions.size(), false);
        std::vector<boost::default_color_type> colors(revisions.size(), boost::white_color);
        boost::queue<BoostVertex> queue;
        boost::breadth_first_search(view, from.begin(), from.end(), queue, ReachVisitor(reached),
                                    boost::make_iterator_property_map(
                                        colors.begin(), boost::get(boost::vertex_index, graph)));
        if (inclusive == Inclusive::yes) {
            for (Vertex vertex : from) {
                reached[vertex] = true;
            }
        }
        return collect(reached);
    }
};

void RevisionGraph::Impl::link(Diagnostics& diagnostics) {
    const std::size_t n = revisions.size();
    parents.resize(n);
    children.resize(n);
    dependencies.resize(n);
    dependents.resize(n);
    for (Vertex v = 0; v < n; ++v) {
        const Revision& revision = revisions[v];
        const auto resolve = [&](const std::string& id, const char* what, int line) {
            std::optional<RevisionSet::Index> found = revisions.find(id);
            if (!found) {
                diagnostics.add(revision.manifest_path(), line,
                                std::string(what) + " '" + id + "' not found" +
                                    did_you_mean(revisions.suggest(id)));
            }
            return found;
        };
        for (const std::string& id : revision.parents) {
            if (auto parent = resolve(id, "parent", revision.lines.parents)) {
                parents[v].push_back(*parent);
                children[*parent].push_back(v);
            }
        }
        for (const std::string& id : revision.depends_on) {
            if (auto dependency = resolve(id, "depends_on", revision.lines.depends_on)) {
                dependencies[v].push_back(*dependency);
                dependents[*dependency].push_back(v);
            }
        }
    }
}

void RevisionGraph::Impl::build_boost_graph() {
    graph = BoostGraph(revisions.size());
    std::vector<std::pair<Vertex, EdgeKind>> out;
    for (Vertex v = 0; v < revisions.size(); ++v) {
        out.clear();
        for (Vertex child : children[v]) {
            out.emplace_back(child, EdgeKind::parent);
        }
        for (Vertex dependent : dependents[v]) {
            out.emplace_back(dependent, EdgeKind::dependency);
        }
        // The DFS takes out-edges in insertion order and the topological order is its reverse
        // finish order, so inserting the largest id first makes the smallest id come first.
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a > b; });
        for (const auto& [target, kind] : out) {
            boost::add_edge(v, target, EdgeProperties{kind}, graph);
        }
    }
}

void RevisionGraph::Impl::order_and_find_cycles(Diagnostics& diagnostics) {
    const std::size_t n = revisions.size();
    std::vector<boost::default_color_type> colors(n, boost::white_color);
    auto color_map =
        boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph));
    std::vector<BoostVertex> finished;
    std::vector<BoostVertex> predecessor(n);
    std::vector<std::vector<BoostVertex>> cycles;
    OrderAndCycleVisitor visitor(finished, predecessor, cycles);

    // Roots first (no parent, no dependency), largest id first for the same reason as above;
    // then whatever only a cycle could hide from them.
    for (int pass = 0; pass < 2; ++pass) {
        for (Vertex v = n; v-- > 0;) {
            const bool root = parents[v].empty() && dependencies[v].empty();
            if (colors[v] == boost::white_color && (pass == 1 || root)) {
                boost::depth_first_visit(graph, v, visitor, color_map);
            }
        }
    }
    order.assign(finished.rbegin(), finished.rend());
    rank.assign(n, 0);
    for (std::size_t position = 0; position < order.size(); ++position) {
        rank[order[position]] = position;
    }
    for (const auto& cycle : cycles) {
        report_cycle(cycle, diagnostics);
    }
}

void RevisionGraph::Impl::report_cycle(const std::vector<BoostVertex>& cycle,
                                       Diagnostics& diagnostics) const {
    std::string text;
    for (BoostVertex v : cycle) {
        text += (text.empty() ? "" : " -> ") + revisions[v].id;
    }
    const Revision& first = revisions[cycle[0]];
    const Vertices& named_parents = parents[cycle[0]];
    const bool via_parent =
        std::find(named_parents.begin(), named_parents.end(), cycle[1]) != named_parents.end();
    diagnostics.add(first.manifest_path(),
                    via_parent ? first.lines.parents : first.lines.depends_on,
                    "revision cycle: " + text);
}

RevisionGraph::Vertices RevisionGraph::Impl::collect(const std::vector<bool>& reached) const {
    Vertices result;
    for (Vertex v : order) {
        if (reached[v]) {
            result.push_back(v);
        }
    }
    return result;
}

RevisionGraph::RevisionGraph(RevisionSet revisions, Diagnostics& diagnostics)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->revisions = std::move(revisions);
    m_impl->link(diagnostics);
    m_impl->build_boost_graph();
    m_impl->order_and_find_cycles(diagnostics);
    for (Vertex v : m_impl->order) {
        if (m_impl->children[v].empty()) {
            m_impl->heads.push_back(v);
        }
        if (m_impl->parents[v].empty()) {
            m_impl->bases.push_back(v);
        }
    }
}

RevisionGraph::~RevisionGraph() = default;
RevisionGraph::RevisionGraph(RevisionGraph&&) noexcept = default;
RevisionGraph& RevisionGraph::operator=(RevisionGraph&&) noexcept = default;

const RevisionSet& RevisionGraph::revisions() const noexcept {
    return m_impl->revisions;
}

const RevisionGraph::Vertices& RevisionGraph::parents(Vertex vertex) const {
    return m_impl->parents[vertex];
}
const RevisionGraph::Vertices& RevisionGraph::children(Vertex vertex) const {
    return m_impl->children[vertex];
}
const RevisionGraph::Vertices& RevisionGraph::dependencies(Vertex vertex) const {
    return m_impl->dependencies[vertex];
}
const RevisionGraph::Vertices& RevisionGraph::dependents(Vertex vertex) const {
    return m_impl->dependents[vertex];
}
const RevisionGraph::Vertices& RevisionGraph::heads() const {
    return m_impl->heads;
}
const RevisionGraph::Vertices& RevisionGraph::bases() const {
    return m_impl->bases;
}

RevisionGraph::Vertices RevisionGraph::branch_points() const {
    Vertices result;
    std::copy_if(m_impl->order.begin(), m_impl->order.end(), std::back_inserter(result),
                 [this](Vertex v) { return is_branch_point(v); });
    return result;
}

RevisionGraph::Vertices RevisionGraph::merge_points() const {
    Vertices result;
    std::copy_if(m_impl->order.begin(), m_impl->order.end(), std::back_inserter(result),
                 [this](Vertex v) { return is_merge_point(v); });
    return result;
}

RevisionGraph::Vertices RevisionGraph::ancestors(const Vertices& from, Follow follow,
                                                 Inclusive inclusive) const {
    boost::filtered_graph<BoostGraph, EdgeFilter> filtered(m_impl->graph,
                                                           EdgeFilter{&m_impl->graph, follow});
    return m_impl->reach(boost::make_reverse_graph(filtered), from, inclusive);
}

RevisionGraph::Vertices RevisionGraph::descendants(const Vertices& from, Follow follow,
                                                   Inclusive inclusive) const {
    boost::filtered_graph<BoostGraph, EdgeFilter> filtered(m_impl->graph,
                                                           EdgeFilter{&m_impl->graph, follow});
    return m_impl->reach(filtered, from, inclusive);
}

std::string RevisionGraph::id_list(const Vertices& vertices) const {
    std::string text;
    for (Vertex v : vertices) {
        text += (text.empty() ? "" : ", ") + revision(v).id;
    }
    return text;
}

const RevisionGraph::Vertices& RevisionGraph::topological_order() const {
    return m_impl->order;
}

std::size_t RevisionGraph::rank(Vertex vertex) const {
    return m_impl->rank[vertex];
}

void RevisionGraph::sort_topologically(Vertices& vertices) const {
    std::sort(vertices.begin(), vertices.end(),
              [this](Vertex a, Vertex b) { return m_impl->rank[a] < m_impl->rank[b]; });
}

RevisionGraph::Vertices RevisionGraph::branch_of_label(Vertex labelled) const {
    Vertices branch = descendants({labelled}, Follow::parents, Inclusive::yes);
    for (Vertex current = labelled; parents(current).size() == 1;) {
        const Vertex parent = parents(current).front();
        if (is_branch_point(parent) || is_merge_point(parent)) {
            break;
        }
        branch.push_back(parent);
        current = parent;
    }
    sort_topologically(branch);
    return branch;
}

} // namespace rev
