#include <rev/graph.hpp>

#include <algorithm>
#include <cstdint>
#include <span>

namespace rev {

namespace {

enum class EdgeKind : std::uint8_t { parent, dependency };

struct OutEdge {
    std::uint32_t target = 0;
    EdgeKind kind = EdgeKind::parent;
};

// Lists of items, one per vertex, in one array (compressed sparse rows): a history of 100,000
// revisions walks them without a cache miss per vertex, where a vector per vertex (or Boost's
// adjacency_list) had several.
template <class T>
class Rows {
public:
    // `count` rows: row i holds item(entry) for each entry of list_of(i).
    template <class ListOf, class Item>
    Rows(std::size_t count, ListOf list_of, Item item) {
        m_offsets.reserve(count + 1);
        m_offsets.push_back(0);
        for (std::size_t row = 0; row < count; ++row) {
            for (const auto& entry : list_of(row)) {
                m_items.push_back(item(entry));
            }
            m_offsets.push_back(static_cast<std::uint32_t>(m_items.size()));
        }
    }
    Rows() = default;

    std::span<const T> operator[](std::size_t row) const {
        return {m_items.data() + m_offsets[row], m_items.data() + m_offsets[row + 1]};
    }

private:
    std::vector<std::uint32_t> m_offsets;
    std::vector<T> m_items;
};

} // namespace

struct RevisionGraph::Impl {
    RevisionSet revisions;
    std::vector<Vertices> parents;
    std::vector<Vertices> children;
    std::vector<Vertices> dependencies;
    std::vector<Vertices> dependents;
    Vertices heads;
    Vertices bases;
    Vertices order;
    std::vector<std::size_t> rank;
    // The links again, between positions in the topological order (ranks): walking a chain up or
    // down then reads memory in order.
    Rows<std::uint32_t> parent_ranks;
    Rows<std::uint32_t> dependency_ranks;
    Rows<std::uint32_t> child_ranks;
    Rows<std::uint32_t> dependent_ranks;

    void link(Diagnostics& diagnostics);
    void order_and_find_cycles(Diagnostics& diagnostics);
    void rank_links();
    void report_cycle(const std::vector<Vertex>& cycle, Diagnostics& diagnostics) const;

    // Every vertex reached from `from` through one edge or more of `first` (and `second`, when
    // given), in topological order; `from` too when inclusive.
    Vertices reach(const Vertices& from, const Rows<std::uint32_t>& first,
                   const Rows<std::uint32_t>* second, Inclusive inclusive) const {
        const std::size_t n = revisions.size();
        std::vector<char> reached(n, 0);
        std::vector<char> queued(n, 0);
        std::vector<std::uint32_t> pending;
        for (Vertex vertex : from) {
            const auto r = static_cast<std::uint32_t>(rank[vertex]);
            if (queued[r] == 0) {
                queued[r] = 1;
                pending.push_back(r);
            }
        }
        const auto follow = [&](const Rows<std::uint32_t>& rows, std::uint32_t r) {
            for (const std::uint32_t next : rows[r]) {
                reached[next] = 1;
                if (queued[next] == 0) {
                    queued[next] = 1;
                    pending.push_back(next);
                }
            }
        };
        while (!pending.empty()) {
            const std::uint32_t r = pending.back();
            pending.pop_back();
            follow(first, r);
            if (second != nullptr) {
                follow(*second, r);
            }
        }
        if (inclusive == Inclusive::yes) {
            for (Vertex vertex : from) {
                reached[rank[vertex]] = 1;
            }
        }
        Vertices result;
        for (std::size_t r = 0; r < n; ++r) {
            if (reached[r] != 0) {
                result.push_back(order[r]);
            }
        }
        return result;
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

void RevisionGraph::Impl::order_and_find_cycles(Diagnostics& diagnostics) {
    const std::size_t n = revisions.size();
    // A vertex's out-edges, to children and to dependents, largest target first: the walk
    // finishes them last, and the topological order is the reverse finish order, so the
    // smallest id comes first.
    std::vector<std::vector<OutEdge>> out(n);
    for (Vertex v = 0; v < n; ++v) {
        for (Vertex child : children[v]) {
            out[v].push_back({static_cast<std::uint32_t>(child), EdgeKind::parent});
        }
        for (Vertex dependent : dependents[v]) {
            out[v].push_back({static_cast<std::uint32_t>(dependent), EdgeKind::dependency});
        }
        std::sort(out[v].begin(), out[v].end(), [](const OutEdge& a, const OutEdge& b) {
            return a.target != b.target ? a.target > b.target : a.kind > b.kind;
        });
    }
    const Rows<OutEdge> edges(
        n, [&](std::size_t v) -> const std::vector<OutEdge>& { return out[v]; },
        [](const OutEdge& edge) { return edge; });
    out = {};

    // A depth-first walk, as a recursive one would go: finish order for the topological order,
    // and every edge back to a vertex on the current path closes a cycle.
    enum class Color : std::uint8_t { white, gray, black };
    std::vector<Color> color(n, Color::white);
    std::vector<Vertex> predecessor(n);
    std::vector<Vertex> finished;
    finished.reserve(n);
    std::vector<std::vector<Vertex>> cycles;
    struct Frame {
        Vertex vertex;
        std::size_t next; // the next out-edge to look at
    };
    std::vector<Frame> path;
    const auto visit = [&](Vertex root) {
        color[root] = Color::gray;
        path.push_back({root, 0});
        while (!path.empty()) {
            Frame& frame = path.back();
            const std::span<const OutEdge> targets = edges[frame.vertex];
            if (frame.next == targets.size()) {
                color[frame.vertex] = Color::black;
                finished.push_back(frame.vertex);
                path.pop_back();
                continue;
            }
            const Vertex source = frame.vertex;
            const Vertex target = targets[frame.next++].target;
            if (color[target] == Color::white) {
                predecessor[target] = source;
                color[target] = Color::gray;
                path.push_back({target, 0});
            } else if (color[target] == Color::gray) {
                // The path target -> ... -> source, closed by this edge. Listed against the
                // edges' direction, so that each arrow reads "names as parent", as manifests do.
                std::vector<Vertex> cycle{target};
                for (Vertex v = source; v != target; v = predecessor[v]) {
                    cycle.push_back(v);
                }
                cycle.push_back(target);
                cycles.push_back(std::move(cycle));
            }
        }
    };
    // Roots first (no parent, no dependency), largest id first for the same reason as above;
    // then whatever only a cycle could hide from them.
    for (int pass = 0; pass < 2; ++pass) {
        for (Vertex v = n; v-- > 0;) {
            const bool root = parents[v].empty() && dependencies[v].empty();
            if (color[v] == Color::white && (pass == 1 || root)) {
                visit(v);
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

void RevisionGraph::Impl::rank_links() {
    const auto by_rank = [this](const std::vector<Vertices>& links) {
        return Rows<std::uint32_t>(
            order.size(), [&](std::size_t r) -> const Vertices& { return links[order[r]]; },
            [this](Vertex v) { return static_cast<std::uint32_t>(rank[v]); });
    };
    parent_ranks = by_rank(parents);
    dependency_ranks = by_rank(dependencies);
    child_ranks = by_rank(children);
    dependent_ranks = by_rank(dependents);
}

void RevisionGraph::Impl::report_cycle(const std::vector<Vertex>& cycle,
                                       Diagnostics& diagnostics) const {
    std::string text;
    for (Vertex v : cycle) {
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

RevisionGraph::RevisionGraph(RevisionSet revisions, Diagnostics& diagnostics)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->revisions = std::move(revisions);
    m_impl->link(diagnostics);
    m_impl->order_and_find_cycles(diagnostics);
    m_impl->rank_links();
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
    return m_impl->reach(from, m_impl->parent_ranks,
                         follow == Follow::parents ? nullptr : &m_impl->dependency_ranks,
                         inclusive);
}

RevisionGraph::Vertices RevisionGraph::descendants(const Vertices& from, Follow follow,
                                                   Inclusive inclusive) const {
    return m_impl->reach(from, m_impl->child_ranks,
                         follow == Follow::parents ? nullptr : &m_impl->dependent_ranks, inclusive);
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
