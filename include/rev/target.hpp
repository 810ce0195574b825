#pragma once

#include <rev/graph.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace rev {

// A target as written, parsed but not yet resolved. The grammar (docs/targets.md):
//
//   target := [LABEL '@'] body
//   body   := ('+' | '-') N                   relative to what a database has applied
//           | anchor [('+' | '-') N]          absolute, walked along parent links
//   anchor := 'head' | 'heads' | 'base' | ID | ID-PREFIX
struct Target {
    enum class Anchor { head, heads, base, revision, applied };

    std::string text;
    std::optional<std::string> label;
    Anchor anchor = Anchor::head;
    // The id or id prefix as written, when anchor is `revision`.
    std::string revision;
    // Steps to walk: positive towards children, negative towards parents.
    int offset = 0;

    // `+N` / `-N` (optionally `LABEL@+N`): counted against a database's applied revisions.
    bool is_relative() const noexcept { return anchor == Anchor::applied; }
};

// Parses `text`; throws TargetError ("invalid target '...': ...") when it breaks the grammar.
Target parse_target(std::string_view text);

// Resolves a full id, or a unique prefix of at least 4 characters, to one revision.
RevisionGraph::Vertex resolve_revision(const RevisionGraph& graph, std::string_view id_or_prefix);

// Resolves a branch label to the revision whose manifest carries it.
RevisionGraph::Vertex resolve_label(const RevisionGraph& graph, std::string_view label);

// Resolves an absolute target to the revisions that the target state has as its heads (empty:
// base, nothing applied). Throws TargetError for relative targets, which need a database.
RevisionGraph::Vertices resolve_target(const RevisionGraph& graph, const Target& target);

// A history range `LOWER:UPPER` as Alembic writes it (`base:head`, `REV:heads`, `REV:`, `:REV`).
struct Range {
    std::optional<Target> lower;
    std::optional<Target> upper;
};

Range parse_range(std::string_view text);

// The revisions between `range`'s ends, both included, in topological order.
RevisionGraph::Vertices resolve_range(const RevisionGraph& graph, const Range& range);

} // namespace rev
