#pragma once

#include <rev/file_system.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rev {

// Lines in manifest.toml where each key stood (0: absent), so that errors found after loading
// (a missing parent, a duplicate label) can still name `manifest.toml:LINE`.
struct ManifestLines {
    int id = 0;
    int parents = 0;
    int depends_on = 0;
    int branch_labels = 0;
    int lint_allow = 0;
};

// One revision as its manifest describes it. Plain data: the graph gives it relations.
struct Revision {
    std::string id;
    std::string message;
    std::vector<std::string> parents;
    std::vector<std::string> depends_on;
    std::vector<std::string> branch_labels;
    bool transactional = true;
    // `[lint] allow`: the lint codes this revision acknowledges (docs/lint.md).
    std::vector<std::string> lint_allow;
    // The revision's folder. A string, not a std::filesystem::path: a path splits itself into
    // components as it is made, which cost 300 bytes per revision and a tenth of a long load.
    std::string directory;
    ManifestLines lines;
    // The manifest's status when the loader read it (or found it unchanged in its cache), so that
    // the check of applied files before a move need not stat it again; all zero when the
    // revision was not loaded from disk.
    FileStatus manifest_status;

    std::filesystem::path folder() const { return directory; }
    std::filesystem::path manifest_path() const { return folder() / "manifest.toml"; }
    std::filesystem::path up_path() const { return folder() / "up.sql"; }
    std::filesystem::path down_path() const { return folder() / "down.sql"; }
};

// A revision's three files, read once.
struct RevisionFiles {
    std::string up;
    std::string down;
    std::string manifest;
};

// True when `text` is a valid revision id or branch label: letters, digits and '_', not empty,
// and not a reserved word of the target grammar (head, heads, base, current).
bool is_valid_name(std::string_view text);

// Words that the target grammar gives a meaning and that no id or label may take.
bool is_reserved_name(std::string_view text);

} // namespace rev
