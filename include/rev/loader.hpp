#pragma once

#include <rev/error.hpp>
#include <rev/file_system.hpp>
#include <rev/graph.hpp>
#include <rev/revision.hpp>

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace rev {

// Parses one manifest.toml. Defects go to `diagnostics` as `manifest_path:LINE: ...`; the result
// is empty when the manifest cannot describe a revision. `manifest_path` names the file in
// messages and gives the revision its directory.
std::optional<Revision> parse_manifest(std::string_view text,
                                       const std::filesystem::path& manifest_path,
                                       Diagnostics& diagnostics);

// Reads every revision under `directory`: each folder, at any depth, that holds a
// manifest.toml. Hidden folders are skipped. A revision without up.sql or down.sql is a defect.
std::vector<Revision> read_revisions(const std::filesystem::path& directory,
                                     Diagnostics& diagnostics,
                                     FileSystem& files = real_file_system());

// Reads, checks and links the revisions under `directory`. Throws LoadError listing every
// defect found (in manifests, ids, labels, references and cycles), not only the first.
RevisionGraph load_revision_graph(const std::filesystem::path& directory,
                                  FileSystem& files = real_file_system());

// Reads `revision`'s three files for a move, each checked to be UTF-8 text without a NUL byte and
// with any byte-order mark dropped. Throws RefusedError naming a file that cannot be read.
RevisionFiles read_revision_files(const Revision& revision, FileSystem& files = real_file_system());

} // namespace rev
