#pragma once

#include <rev/graph.hpp>

#include <string>

// How commands print revisions, in one place so that heads, branches, history and show agree.
namespace rev::cli {

// " (label) (head) (branchpoint) (mergepoint)" as they apply.
std::string revision_tags(const RevisionGraph& graph, RevisionGraph::Vertex vertex);

// Alembic's history line: "PARENTS -> ID (tags)EXTRA, MESSAGE".
std::string history_line(const RevisionGraph& graph, RevisionGraph::Vertex vertex,
                         const std::string& extra_tags = "");

// "ID (tags)EXTRA, MESSAGE".
std::string revision_line(const RevisionGraph& graph, RevisionGraph::Vertex vertex,
                          const std::string& extra_tags = "");

// Every field of one revision, several lines, ending in a newline.
std::string revision_block(const RevisionGraph& graph, RevisionGraph::Vertex vertex);

} // namespace rev::cli
