#pragma once

#include <rev/error.hpp>
#include <rev/revision_set.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace rev {

// Which edges a walk follows: parent links only, or depends_on links as well.
enum class Follow { parents, parents_and_dependencies };

// Whether a walk's starting revisions belong to its result.
enum class Inclusive { yes, no };

// The revisions linked into a DAG (Boost.Graph), with the questions rev asks of it. A vertex is
// the revision's index in revisions(); edges run from parent to child and from a dependency to
// its dependent.
//
// The topological order is deterministic: parents (and dependencies) before children; once a
// branch is started it is finished before the next one starts; when several branches could come
// next, the one whose first revision has the smallest id goes first. Bases are ordered the same
// way. Every set a method returns is sorted in this order.
class RevisionGraph {
public:
    using Vertex = std::size_t;
    using Vertices = std::vector<Vertex>;
    // A vertex's parents, children, dependencies or dependents: a view into the graph, valid
    // as long as the graph is.
    using Neighbours = std::span<const Vertex>;

    // Links `revisions`, reporting unknown parents and depends_on, and every cycle, into
    // `diagnostics`. A graph with defects is only good for reporting them.
    RevisionGraph(RevisionSet revisions, Diagnostics& diagnostics);
    ~RevisionGraph();
    RevisionGraph(RevisionGraph&&) noexcept;
    RevisionGraph& operator=(RevisionGraph&&) noexcept;

    const RevisionSet& revisions() const noexcept;
    const Revision& revision(Vertex vertex) const { return revisions()[vertex]; }
    std::size_t size() const noexcept { return revisions().size(); }

    Neighbours parents(Vertex vertex) const;
    Neighbours children(Vertex vertex) const;
    Neighbours dependencies(Vertex vertex) const;
    Neighbours dependents(Vertex vertex) const;

    // Revisions with no children (depends_on links do not count, as in Alembic).
    const Vertices& heads() const;
    const Vertices& bases() const;
    bool is_head(Vertex vertex) const { return children(vertex).empty(); }
    bool is_branch_point(Vertex vertex) const { return children(vertex).size() > 1; }
    bool is_merge_point(Vertex vertex) const { return parents(vertex).size() > 1; }
    Vertices branch_points() const;
    Vertices merge_points() const;

    Vertices ancestors(const Vertices& from, Follow follow, Inclusive inclusive) const;
    Vertices descendants(const Vertices& from, Follow follow, Inclusive inclusive) const;

    // The members of `members` that no member has as parent, in topological order.
    Vertices heads_within(const Vertices& members) const;

    // "a, b, c": the ids of `vertices`, as messages list them.
    std::string id_list(std::span<const Vertex> vertices) const;

    // Every revision, parents and dependencies first (see the class comment for the rule).
    const Vertices& topological_order() const;
    // The position of `vertex` in topological_order().
    std::size_t rank(Vertex vertex) const;
    // Sorts `vertices` into topological order.
    void sort_topologically(Vertices& vertices) const;

    // The revisions of `label`'s branch, as Alembic defines it: the labelled revision, all its
    // descendants, and its ancestors down to (not including) the first branch or merge point.
    Vertices branch_of_label(Vertex labelled) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace rev
