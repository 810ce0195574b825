#include <rev/graph.hpp>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/two_bit_color_map.hpp>

#include <algorithm>
#include <functional>
#include <numeric>
#include <utility>

namespace rev {

namespace {

using Edge = std::pair<std::size_t, std::size_t>;

// The graph the topological order is found on, vertices numbered as revisions are: compressed
// rows, because an adjacency list's two allocations per vertex were most of building it.
using IdGraph = boost::compressed_sparse_row_graph<boost::directedS>;
using IdVertex = boost::graph_traits<IdGraph>::vertex_descriptor;
using IdEdge = boost::graph_traits<IdGraph>::edge_descriptor;

// The graphs the questions are asked of, vertices numbered by topological rank: revision ids
// are hashes, so a walk over id-numbered vertices jumps about memory at every step, which at
// 100,000 revisions (beyond the cache) made every walk and plan grow like N^2.
using RankGraph = boost::compressed_sparse_row_graph<boost::bidirectionalS>;
using RankVertex = boost::graph_traits<RankGraph>::vertex_descriptor;

// Records the finish order (for the topological order) and every cycle (as back edges).
class OrderAndCycleVisitor : public boost::default_dfs_visitor {
public:
    OrderAndCycleVisitor(std::vector<IdVertex>& finished, std::vector<IdVertex>& predecessor,
                         std::vector<std::vector<IdVertex>>& cycles)
        : m_finished(&finished), m_predecessor(&predecessor), m_cycles(&cycles) {}

    void tree_edge(IdEdge edge, const IdGraph& graph) {
        (*m_predecessor)[boost::target(edge, graph)] = boost::source(edge, graph);
    }
    void back_edge(IdEdge edge, const IdGraph& graph) {
        // The DFS path target -> ... -> source, closed by this edge. Listed against the edges'
        // direction, so that each arrow reads "names as parent", as manifests do.
        const IdVertex closing = boost::target(edge, graph);
        std::vector<IdVertex> cycle{closing};
        for (IdVertex v = boost::source(edge, graph); v != closing; v = (*m_predecessor)[v]) {
            cycle.push_back(v);
        }
        cycle.push_back(closing);
        m_cycles->push_back(std::move(cycle));
    }
    void finish_vertex(IdVertex vertex, const IdGraph&) { m_finished->push_back(vertex); }

private:
    std::vector<IdVertex>* m_finished;
    std::vector<IdVertex>* m_predecessor;
    std::vector<std::vector<IdVertex>>* m_cycles;
};

// Lists what a search discovers, so that a small answer costs no scan of every revision.
class DiscoverVisitor : public boost::default_bfs_visitor {
public:
    explicit DiscoverVisitor(std::vector<RankVertex>& found) : m_found(&found) {}
    template <class Graph>
    void discover_vertex(RankVertex vertex, const Graph&) {
        m_found->push_back(vertex);
    }

private:
    std::vector<RankVertex>* m_found;
};

// Each vertex's neighbours, stored one vertex after another: two allocations for the whole
// graph where a vector per vertex made one for each of tens of thousands of revisions.
class Adjacency {
public:
    Adjacency() = default;
    // From (vertex, neighbour) pairs; each vertex's neighbours keep the pairs' order.
    Adjacency(std::size_t vertices, const std::vector<Edge>& pairs)
        : m_starts(vertices + 1, 0), m_neighbours(pairs.size()) {
        for (const Edge& pair : pairs) {
            ++m_starts[pair.first + 1];
        }
        std::partial_sum(m_starts.begin(), m_starts.end(), m_starts.begin());
        std::vector<std::size_t> next(m_starts.begin(), m_starts.end() - 1);
        for (const auto& [vertex, neighbour] : pairs) {
            m_neighbours[next[vertex]++] = neighbour;
        }
    }

    RevisionGraph::Neighbours operator[](std::size_t vertex) const {
        return {m_neighbours.data() + m_starts[vertex], m_neighbours.data() + m_starts[vertex + 1]};
    }

private:
    std::vector<std::size_t> m_starts;
    std::vector<std::size_t> m_neighbours;
};

} // namespace

struct RevisionGraph::Impl {
    RevisionSet revisions;
    Adjacency parents;
    Adjacency children;
    Adjacency dependencies;
    Adjacency dependents;
    Vertices heads;
    Vertices bases;
    Vertices order;
    std::vector<std::size_t> rank;
    // By rank: parent -> child edges only, and those plus dependency -> dependent edges.
    RankGraph lineage;
    RankGraph needs;

    void link(Diagnostics& diagnostics);
    void order_and_find_cycles(Diagnostics& diagnostics);
    void build_rank_graphs();
    void report_cycle(const std::vector<IdVertex>& cycle, Diagnostics& diagnostics) const;
    const RankGraph& graph_of(Follow follow) const {
        return follow == Follow::parents ? lineage : needs;
    }

    // Everything reachable in `view` from `from` (ids), in topological order.
    template <class View>
    Vertices reach(const View& view, const Vertices& from, Inclusive inclusive) const {
        std::vector<RankVertex> starts;
        starts.reserve(from.size());
        for (Vertex vertex : from) {
            if (inclusive == Inclusive::yes) {
                starts.push_back(rank[vertex]);
                continue;
            }
            // Reached through at least one edge: reachable from a start's direct successor.
            const auto [first, last] = boost::adjacent_vertices(rank[vertex], view);
            starts.insert(starts.end(), first, last);
        }
        // Boost's search would discover a start given twice twice.
        if (!std::is_sorted(starts.begin(), starts.end())) { // in order when given in order
            std::sort(starts.begin(), starts.end());
        }
        starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
        // The map starts out white, so the search need not whiten every vertex first: a small
        // answer costs little more than its size.
        boost::two_bit_color_map<> colors(revisions.size());
        std::vector<RankVertex> found;
        boost::queue<RankVertex> queue;
        boost::breadth_first_visit(view, starts.begin(), starts.end(), queue,
                                   DiscoverVisitor(found), colors);
        return by_rank(found, colors);
    }

    template <class ColorMap>
    Vertices by_rank(std::vector<RankVertex>& found, const ColorMap& colors) const {
        Vertices result;
        result.reserve(found.size());
        // Sorting a few is cheaper than scanning every revision's colour; not so for many.
        if (found.size() * 16 < revisions.size()) {
            std::sort(found.begin(), found.end());
            for (RankVertex r : found) {
                result.push_back(order[r]);
            }
            return result;
        }
        for (RankVertex r = 0; r < revisions.size(); ++r) {
            if (boost::get(colors, r) != boost::two_bit_white) {
                result.push_back(order[r]);
            }
        }
        return result;
    }
};

void RevisionGraph::Impl::link(Diagnostics& diagnostics) {
    const std::size_t n = revisions.size();
    std::vector<Edge> to_parent;
    std::vector<Edge> to_dependency;
    to_parent.reserve(n);
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
                to_parent.emplace_back(v, *parent);
            }
        }
        for (const std::string& id : revision.depends_on) {
            if (auto dependency = resolve(id, "depends_on", revision.lines.depends_on)) {
                to_dependency.emplace_back(v, *dependency);
            }
        }
    }
    parents = Adjacency(n, to_parent);
    dependencies = Adjacency(n, to_dependency);
    // Reversed pairs come in order of the child, so each parent lists its children by index.
    for (auto* pairs : {&to_parent, &to_dependency}) {
        for (Edge& pair : *pairs) {
            std::swap(pair.first, pair.second);
        }
    }
    children = Adjacency(n, to_parent);
    dependents = Adjacency(n, to_dependency);
}

void RevisionGraph::Impl::order_and_find_cycles(Diagnostics& diagnostics) {
    const std::size_t n = revisions.size();
    std::vector<Edge> edges;
    edges.reserve(n);
    Vertices out;
    for (Vertex v = 0; v < n; ++v) {
        const Neighbours child_list = children[v];
        const Neighbours dependent_list = dependents[v];
        out.assign(child_list.begin(), child_list.end());
        out.insert(out.end(), dependent_list.begin(), dependent_list.end());
        // The DFS takes out-edges in the order given and the topological order is its reverse
        // finish order, so listing the largest id first makes the smallest id come first.
        std::sort(out.begin(), out.end(), std::greater<>());
        for (const Vertex target : out) {
            edges.emplace_back(v, target);
        }
    }
    // Boost's counting sort keeps each vertex's out-edges in the order listed.
    const IdGraph graph(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), n);

    boost::two_bit_color_map<> colors(n);
    std::vector<IdVertex> finished;
    finished.reserve(n);
    std::vector<IdVertex> predecessor(n);
    std::vector<std::vector<IdVertex>> cycles;
    OrderAndCycleVisitor visitor(finished, predecessor, cycles);

    // Roots first (no parent, no dependency), largest id first for the same reason as above;
    // then whatever only a cycle could hide from them.
    for (int pass = 0; pass < 2; ++pass) {
        for (Vertex v = n; v-- > 0;) {
            const bool root = parents[v].empty() && dependencies[v].empty();
            if (boost::get(colors, v) == boost::two_bit_white && (pass == 1 || root)) {
                boost::depth_first_visit(graph, v, visitor, colors);
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

void RevisionGraph::Impl::build_rank_graphs() {
    std::vector<Edge> lineage_edges;
    std::vector<Edge> needs_edges;
    lineage_edges.reserve(order.size());
    needs_edges.reserve(order.size());
    for (std::size_t r = 0; r < order.size(); ++r) {
        for (Vertex child : children[order[r]]) {
            lineage_edges.emplace_back(r, rank[child]);
            needs_edges.emplace_back(r, rank[child]);
        }
        for (Vertex dependent : dependents[order[r]]) {
            needs_edges.emplace_back(r, rank[dependent]);
        }
    }
    lineage = RankGraph(boost::edges_are_unsorted_multi_pass, lineage_edges.begin(),
                        lineage_edges.end(), order.size());
    needs = RankGraph(boost::edges_are_unsorted_multi_pass, needs_edges.begin(), needs_edges.end(),
                      order.size());
}

void RevisionGraph::Impl::report_cycle(const std::vector<IdVertex>& cycle,
                                       Diagnostics& diagnostics) const {
    std::string text;
    for (IdVertex v : cycle) {
        text += (text.empty() ? "" : " -> ") + revisions[v].id;
    }
    const Revision& first = revisions[cycle[0]];
    const Neighbours named_parents = parents[cycle[0]];
    const bool via_parent =
        std::find(named_parents.begin(), named_parents.end(), cycle[1]) != named_parents.end();
    diagnostics.add(first.manifest_path(),
                    via_parent ? first.lines.parents : first.lines.depends_on,
                    "revision cycle: " + text);
}

RevisionGraph::RevisionGraph(RevisionSet revisions, Diagnostics& diagnostics)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->revisions = std::move(revisions);
    m_impl->link(diagnostics);
    m_impl->order_and_find_cycles(diagnostics);
    m_impl->build_rank_graphs();
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

RevisionGraph::Neighbours RevisionGraph::parents(Vertex vertex) const {
    return m_impl->parents[vertex];
}
RevisionGraph::Neighbours RevisionGraph::children(Vertex vertex) const {
    return m_impl->children[vertex];
}
RevisionGraph::Neighbours RevisionGraph::dependencies(Vertex vertex) const {
    return m_impl->dependencies[vertex];
}
RevisionGraph::Neighbours RevisionGraph::dependents(Vertex vertex) const {
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
    return m_impl->reach(boost::make_reverse_graph(m_impl->graph_of(follow)), from, inclusive);
}

RevisionGraph::Vertices RevisionGraph::descendants(const Vertices& from, Follow follow,
                                                   Inclusive inclusive) const {
    return m_impl->reach(m_impl->graph_of(follow), from, inclusive);
}

std::string RevisionGraph::id_list(std::span<const Vertex> vertices) const {
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
    const auto by_rank = [this](Vertex a, Vertex b) { return m_impl->rank[a] < m_impl->rank[b]; };
    // Many vertices are placed by marking their ranks and reading the marks in order: linear,
    // where a comparison sort of 100,000 looks ranks up at random 1.7 million times.
    if (vertices.size() * 8 < size()) {
        std::sort(vertices.begin(), vertices.end(), by_rank);
        return;
    }
    std::vector<bool> marked(size(), false);
    for (Vertex v : vertices) {
        if (marked[m_impl->rank[v]]) { // a repeat: keep every copy
            std::sort(vertices.begin(), vertices.end(), by_rank);
            return;
        }
        marked[m_impl->rank[v]] = true;
    }
    vertices.clear();
    for (std::size_t r = 0; r < marked.size(); ++r) {
        if (marked[r]) {
            vertices.push_back(m_impl->order[r]);
        }
    }
}

RevisionGraph::Vertices RevisionGraph::branch_of_label(Vertex labelled) const {
    Vertices below;
    for (Vertex current = labelled; parents(current).size() == 1;) {
        const Vertex parent = parents(current).front();
        if (is_branch_point(parent) || is_merge_point(parent)) {
            break;
        }
        below.push_back(parent);
        current = parent;
    }
    // Each parent comes before its child, so the walk down, reversed, precedes the descendants.
    Vertices branch(below.rbegin(), below.rend());
    const Vertices above = descendants({labelled}, Follow::parents, Inclusive::yes);
    branch.insert(branch.end(), above.begin(), above.end());
    if (!std::is_sorted(branch.begin(), branch.end(),
                        [this](Vertex a, Vertex b) { return m_impl->rank[a] < m_impl->rank[b]; })) {
        sort_topologically(branch); // only a graph with a cycle gets here
    }
    return branch;
}

RevisionGraph::Vertices RevisionGraph::heads_within(const Vertices& members) const {
    const RankGraph& lineage = m_impl->lineage;
    std::vector<bool> member(size(), false);
    for (Vertex v : members) {
        member[m_impl->rank[v]] = true;
    }
    Vertices result;
    for (RankVertex r = 0; r < size(); ++r) {
        if (!member[r]) {
            continue;
        }
        const auto [first, last] = boost::adjacent_vertices(r, lineage);
        if (std::none_of(first, last, [&](RankVertex child) { return member[child]; })) {
            result.push_back(m_impl->order[r]);
        }
    }
    return result;
}

} // namespace rev
