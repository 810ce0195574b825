#pragma once

#include <rev/graph.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace rev {

// What `rev new` and `rev merge` write. Parents, depends_on and labels are full ids / names
// already checked against the graph by plan_new_revision().
struct NewRevision {
    std::string id;
    std::string message;
    std::vector<std::string> parents;
    std::vector<std::string> depends_on;
    std::vector<std::string> branch_labels;
};

// What the user asked for, as written on the command line.
struct NewRevisionRequest {
    std::string message;
    std::vector<std::string> parents;    // targets; empty: the single head
    std::vector<std::string> depends_on; // ids or prefixes
    std::vector<std::string> branch_labels;
    std::string id;     // empty: 12 random hex characters
    bool merge = false; // parents default to every head; at least two
};

// Checks `request` against `graph` and resolves its names to full ids. Throws RefusedError or
// TargetError with the reason (several heads, an id in use, a merge of one revision, ...).
NewRevision plan_new_revision(const RevisionGraph& graph, const NewRevisionRequest& request);

// Writes `<dir>/<id>_<slug>/` with manifest.toml, up.sql and down.sql, all at once (the folder
// is renamed into place, so a crash never leaves half a revision). Returns the folder.
std::filesystem::path write_revision(const std::filesystem::path& revisions_dir,
                                     const NewRevision& revision);

// The manifest text for `revision`.
std::string manifest_text(const NewRevision& revision);

// `message` as a folder-name fragment: lower case, words joined by '_', at most 40 characters.
std::string slugify(const std::string& message);

// 12 random hex characters (OpenSSL's generator).
std::string random_revision_id();

// Writes `<dir>/migrate.toml` and an empty `<dir>/versions/`; refuses to overwrite.
std::filesystem::path init_project(const std::filesystem::path& dir);

} // namespace rev
