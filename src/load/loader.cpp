#include "base/path_order.hpp"
#include "base/prefault.hpp"
#include "load/revision_cache.hpp"

#include <rev/lint_codes.hpp>
#include <rev/loader.hpp>
#include <rev/metrics.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <deque>
#include <memory>
#include <system_error>

namespace rev {

namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 7> k_manifest_keys = {
    "id", "message", "parents", "branch_labels", "depends_on", "transactional", "lint"};

const char* describe_type(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a float";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::table:
        return "a table";
    default:
        return "a date or time";
    }
}

// A manifest key in single quotes, to start a message. Built by appending: GCC 12 at -O3 warns
// (-Wrestrict, GCC bug 105329) inside libstdc++ for "'" + std::string(key).
std::string quoted_key(std::string_view key) {
    return std::string("'").append(key).append("'");
}

// Text from the manifest as a message quotes it, with control characters escaped: every defect
// must stay one line, whatever bytes a key, a name or toml++'s own description holds.
std::string printable(std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte < 0x20 || byte == 0x7f) {
            out += {'\\', 'x', k_hex[byte >> 4], k_hex[byte & 0xf]};
        } else {
            out += c;
        }
    }
    return out;
}

int line_of(const toml::node& node) {
    return static_cast<int>(node.source().begin.line);
}

// Reads the manifest one key at a time, so that every defect is reported with its line.
class ManifestReader {
public:
    ManifestReader(const toml::table& table, const fs::path& path, Diagnostics& diagnostics)
        : m_table(table), m_path(path), m_diagnostics(diagnostics) {}

    bool ok() const { return m_ok; }

    void report(int line, std::string message) {
        m_diagnostics.add(m_path, line, std::move(message));
        m_ok = false;
    }

    void check_unknown_keys() {
        std::vector<std::string_view> known(k_manifest_keys.begin(), k_manifest_keys.end());
        for (const auto& [key, node] : m_table) {
            if (std::find(known.begin(), known.end(), key.str()) != known.end()) {
                continue;
            }
            report(line_of(node), "unknown key '" + printable(key.str()) + "'" +
                                      did_you_mean(closest_match(key.str(), known)));
        }
    }

    // Reads a required or optional string key; returns the line it stood on (0: absent).
    int read_string(std::string_view key, bool required, std::string& out) {
        const toml::node* node = m_table.get(key);
        if (node == nullptr) {
            if (required) {
                report(0, "missing required key '" + std::string(key) + "'");
            }
            return 0;
        }
        if (const auto* value = node->as_string()) {
            out = value->get();
        } else {
            report(line_of(*node),
                   quoted_key(key) + " must be a string, not " + describe_type(*node));
        }
        return line_of(*node);
    }

    int read_names(std::string_view key, bool required, std::vector<std::string>& out) {
        const toml::node* node = m_table.get(key);
        if (node == nullptr) {
            if (required) {
                report(0, "missing required key '" + std::string(key) + "'" +
                              (key == "parents" ? " (use parents = [] for a base revision)" : ""));
            }
            return 0;
        }
        const int line = line_of(*node);
        const toml::array* array = node->as_array();
        if (array == nullptr) {
            report(line,
                   quoted_key(key) + " must be an array of strings, not " + describe_type(*node));
            return line;
        }
        for (const toml::node& element : *array) {
            const auto* name = element.as_string();
            if (name == nullptr) {
                report(line_of(element),
                       quoted_key(key) + " must hold only strings, not " + describe_type(element));
                continue;
            }
            const std::string& text = name->get();
            if (!check_name(line_of(element), key, text)) {
                continue;
            }
            if (std::find(out.begin(), out.end(), text) != out.end()) {
                report(line_of(element), quoted_key(key) + " names '" + text + "' twice");
                continue;
            }
            out.push_back(text);
        }
        return line;
    }

    bool check_name(int line, std::string_view key, const std::string& text) {
        if (is_reserved_name(text)) {
            report(line, quoted_key(key) + " uses the reserved word '" + text + "'");
            return false;
        }
        if (!is_valid_name(text)) {
            report(line, quoted_key(key) + " value '" + printable(text) +
                             "' may hold only letters, digits and '_'");
            return false;
        }
        return true;
    }

    void read_bool(std::string_view key, bool& out) {
        const toml::node* node = m_table.get(key);
        if (node == nullptr) {
            return;
        }
        if (const auto* value = node->as_boolean()) {
            out = value->get();
        } else {
            report(line_of(*node),
                   quoted_key(key) + " must be a boolean, not " + describe_type(*node));
        }
    }

    // `[lint] allow = ["drop-column", ...]`: codes from k_lint_codes, each once.
    int read_lint_allow(std::vector<std::string>& out) {
        const toml::node* node = m_table.get("lint");
        if (node == nullptr) {
            return 0;
        }
        const toml::table* lint = node->as_table();
        if (lint == nullptr) {
            report(line_of(*node),
                   "'lint' must be a table, not " + std::string(describe_type(*node)));
            return 0;
        }
        for (const auto& [key, value] : *lint) {
            if (key.str() != "allow") {
                report(line_of(value), "unknown key 'lint." + printable(key.str()) + "'" +
                                           did_you_mean(closest_match(key.str(), {"allow"})));
            }
        }
        const toml::node* allow = lint->get("allow");
        const toml::array* codes = allow == nullptr ? nullptr : allow->as_array();
        if (allow != nullptr && codes == nullptr) {
            report(line_of(*allow), "'lint.allow' must be an array of strings, not " +
                                        std::string(describe_type(*allow)));
        }
        if (codes != nullptr) {
            for (const toml::node& element : *codes) {
                read_lint_code(element, out);
            }
        }
        return allow == nullptr ? line_of(*node) : line_of(*allow);
    }

private:
    void read_lint_code(const toml::node& element, std::vector<std::string>& out) {
        const auto* code = element.as_string();
        if (code == nullptr) {
            report(line_of(element), "'lint.allow' must hold only strings, not " +
                                         std::string(describe_type(element)));
            return;
        }
        const std::string& text = code->get();
        const std::vector<std::string_view> known(k_lint_codes.begin(), k_lint_codes.end());
        if (std::find(known.begin(), known.end(), text) == known.end()) {
            report(line_of(element), "unknown lint code '" + printable(text) + "'" +
                                         did_you_mean(closest_match(text, known)) +
                                         " (see docs/lint.md)");
        } else if (std::find(out.begin(), out.end(), text) != out.end()) {
            report(line_of(element), "'lint.allow' names '" + text + "' twice");
        } else {
            out.push_back(text);
        }
    }

    const toml::table& m_table;
    const fs::path& m_path;
    Diagnostics& m_diagnostics;
    bool m_ok = true;
};

} // namespace

std::optional<Revision> parse_manifest(std::string_view text, const fs::path& manifest_path,
                                       Diagnostics& diagnostics) {
    static Metric parses("load: parse manifest");
    const MetricTimer timer(parses);
    toml::table table;
    try {
        table = toml::parse(text, manifest_path.string());
    } catch (const toml::parse_error& error) {
        diagnostics.add(manifest_path, static_cast<int>(error.source().begin.line),
                        "invalid TOML: " + printable(error.description()));
        return std::nullopt;
    }

    Revision revision;
    revision.directory = manifest_path.parent_path().native();
    ManifestReader reader(table, manifest_path, diagnostics);
    reader.check_unknown_keys();
    revision.lines.id = reader.read_string("id", true, revision.id);
    // Only a string id can be empty or badly formed; read_string reported any other type.
    if (const toml::node* id = table.get("id"); id != nullptr && id->is_string()) {
        if (revision.id.empty()) {
            reader.report(revision.lines.id, "'id' must not be empty");
        } else {
            reader.check_name(revision.lines.id, "id", revision.id);
        }
    }
    reader.read_string("message", true, revision.message);
    revision.lines.parents = reader.read_names("parents", true, revision.parents);
    revision.lines.depends_on = reader.read_names("depends_on", false, revision.depends_on);
    revision.lines.branch_labels =
        reader.read_names("branch_labels", false, revision.branch_labels);
    reader.read_bool("transactional", revision.transactional);
    revision.lines.lint_allow = reader.read_lint_allow(revision.lint_allow);
    if (!reader.ok()) {
        return std::nullopt;
    }
    return revision;
}

namespace {

using detail::FolderListing;
using detail::RevisionCache;
using detail::StatKey;

// A folder, at any depth below the revisions folder, that holds a manifest.toml.
struct ManifestFolder {
    std::string manifest; // relative to the revisions folder
    bool up = false;
    bool down = false;

    // The folder relative to the revisions folder: "" for the revisions folder itself.
    std::string_view folder() const {
        const std::string_view path = manifest;
        return path.substr(0, path.size() - std::min(path.size(), sizeof("/manifest.toml") - 1));
    }
};

// The revisions folder, open: files below it are reached relative to it, which spares the
// kernel a walk along the whole path for each of thousands of files.
class OpenFolder {
public:
    OpenFolder(FileSystem& files, const fs::path& directory)
        : m_error(files.open_folder(directory, m_folder)), m_prefix((directory / "x").native()) {
        m_prefix.pop_back();
    }

    // Why the folder could not be opened, if it could not.
    const std::error_code& error() const { return m_error; }
    const Folder& folder() const { return *m_folder; }
    // The path of `relative` (a file or a folder below this one) as messages show it.
    std::string path_of(std::string_view relative) const {
        return relative.empty() ? m_prefix.substr(0, m_prefix.size() - 1)
                                : m_prefix + std::string(relative);
    }

private:
    std::unique_ptr<Folder> m_folder;
    std::error_code m_error;
    std::string m_prefix; // what a relative path is appended to, ending in a separator
};

// Lists the folder `relative` and gives its key.
std::error_code list_folder(const Folder& root, const std::string& relative, FolderListing& listing,
                            StatKey& key) {
    listing.entries.clear();
    std::vector<FolderEntry> entries;
    if (const std::error_code error = root.list(relative, entries, key)) {
        return error;
    }
    for (FolderEntry& entry : entries) {
        const std::string_view name = entry.name;
        // Hidden entries never count: what an editor, git or an interrupted `rev new` leaves.
        if (name.starts_with('.')) {
            continue;
        }
        const bool folder = entry.kind == FolderEntry::Kind::folder;
        if (folder || name == "manifest.toml" || name == "up.sql" || name == "down.sql") {
            listing.entries.push_back({std::move(entry.name), folder});
        }
    }
    return {};
}

// Finds every folder holding a manifest.toml, depth first in the order folders list their
// entries (as std::filesystem::recursive_directory_iterator does), taking the listings of
// unchanged folders from the cache. Stops at the first folder that cannot be listed.
class FolderWalk {
public:
    FolderWalk(const OpenFolder& root, RevisionCache* cache) : m_root(root), m_cache(cache) {}

    std::vector<ManifestFolder> found;
    std::error_code error;

    bool visit(const std::string& folder) { return visit(folder, 0); }

private:
    bool visit(const std::string& folder, std::size_t depth) {
        // One listing per depth, reused from folder to folder: a load walks tens of thousands.
        if (m_listings.size() == depth) {
            m_listings.emplace_back();
        }
        FolderListing& listing = m_listings[depth];
        if (m_cache == nullptr || !m_cache->listing(folder, listing)) {
            StatKey key;
            error = list_folder(m_root.folder(), folder, listing, key);
            if (error) {
                return false;
            }
            if (m_cache != nullptr) {
                m_cache->keep_listing(folder, key, listing);
            }
        }
        const std::string prefix = folder.empty() ? "" : folder + "/";
        std::optional<std::size_t> mine;
        bool up = false;
        bool down = false;
        for (const FolderListing::Entry& entry : listing.entries) {
            if (entry.name == "manifest.toml") {
                found.push_back({prefix + "manifest.toml", up, down});
                mine = found.size() - 1;
            } else if (entry.name == "up.sql" || entry.name == "down.sql") {
                (entry.name == "up.sql" ? up : down) = true;
                if (mine) {
                    found[*mine].up = up;
                    found[*mine].down = down;
                }
            }
            if (entry.folder && !visit(prefix + entry.name, depth + 1)) {
                return false;
            }
        }
        return true;
    }

    const OpenFolder& m_root;
    RevisionCache* m_cache;
    std::deque<FolderListing> m_listings; // by depth; a deque, so that growing moves none
};

// The revision `found`'s manifest describes, from the cache when the manifest is unchanged.
std::optional<Revision> load_manifest(const OpenFolder& root, const ManifestFolder& found,
                                      RevisionCache* cache, Diagnostics& diagnostics) {
    if (std::optional<Revision> revision =
            cache != nullptr ? cache->revision(found.folder()) : std::nullopt) {
        revision->directory = found.folder().empty()
                                  ? fs::path(root.path_of(found.manifest)).parent_path().native()
                                  : root.path_of(found.folder());
        return revision;
    }
    const std::string path = root.path_of(found.manifest);
    StatKey key;
    std::string text;
    if (root.folder().read_file(found.manifest, text, key)) {
        diagnostics.add(path, 0, "cannot read the file");
        return std::nullopt;
    }
    std::optional<Revision> revision = parse_manifest(text, path, diagnostics);
    if (revision) {
        revision->manifest_status = key;
    }
    // Only a manifest without defects is kept, so that each defect is reported on every load.
    if (revision && cache != nullptr) {
        cache->keep_revision(found.folder(), key, *revision);
    }
    return revision;
}

// Finds every manifest below `root` and reads each, from `cache` where it holds.
std::vector<Revision> walk_and_read(const OpenFolder& root, RevisionCache* cache,
                                    Diagnostics& diagnostics) {
    FolderWalk walk(root, cache);
    static Metric walks("load: walk folders");
    MetricTimer walk_timer(walks);
    if (root.error() || !walk.visit("")) {
        const std::error_code error = root.error() ? root.error() : walk.error;
        diagnostics.add(root.path_of(""), 0,
                        "cannot list the revisions folder: " + error.message());
        if (cache != nullptr) {
            cache->discard();
        }
    }
    // In std::filesystem::path's order, as a std::set of paths kept them before.
    std::sort(walk.found.begin(), walk.found.end(),
              [](const ManifestFolder& a, const ManifestFolder& b) {
                  return detail::path_less(a.manifest, b.manifest);
              });

    walk_timer.stop();
    static Metric manifests("load: read manifests");
    MetricTimer manifest_timer(manifests);
    std::vector<Revision> revisions;
    detail::reserve_prefaulted(revisions, walk.found.size());
    for (const ManifestFolder& found : walk.found) {
        std::optional<Revision> revision = load_manifest(root, found, cache, diagnostics);
        if (!revision) {
            continue;
        }
        if (!found.up) {
            diagnostics.add(revision->up_path(), 0,
                            "missing (every revision needs up.sql and down.sql)");
        }
        if (!found.down) {
            diagnostics.add(revision->down_path(), 0,
                            "missing (every revision needs up.sql and down.sql)");
        }
        revisions.push_back(std::move(*revision));
    }
    manifest_timer.stop();
    return revisions;
}

// The load of a warm cache, done while its keys are taken in other threads, on the bet that
// nothing changed: at 10,000 revisions the stats take as long as the rest of the load, and the
// two together keep both cores busy. The bet is checked once the keys are in: if any record it
// took no longer holds, the load is forgotten (nothing) and done again from the checked cache.
// What it found on disk itself (a manifest read afresh, a defect) is as true as in any load.
std::optional<std::vector<Revision>>
read_while_checking(const OpenFolder& root, RevisionCache& cache, Diagnostics& diagnostics) {
    static Metric checks("load: check revision cache");
    MetricTimer timer(checks);
    cache.begin_check(
        [&root](const std::string& relative) { return detail::stat_key(root.folder(), relative); });
    cache.trust_unchecked(true);
    Diagnostics defects;
    std::vector<Revision> revisions;
    try {
        revisions = walk_and_read(root, &cache, defects);
    } catch (...) {
        cache.end_check();
        throw;
    }
    cache.trust_unchecked(false);
    cache.end_check();
    timer.stop();
    if (cache.taken_all_current()) {
        for (const Diagnostic& defect : defects.items()) {
            diagnostics.add(defect.file, defect.line, defect.message);
        }
        return revisions;
    }
    static Metric retries("load: load again, the cache having changed");
    retries.count();
    cache.forget_taken();
    return std::nullopt;
}

} // namespace

namespace detail {

std::vector<Revision> read_revisions(const fs::path& directory, Diagnostics& diagnostics,
                                     RevisionCache* cache, FileSystem& files) {
    if (FileStatus status; files.stat(directory, status) || !status.is_folder()) {
        diagnostics.add(directory, 0, "revisions folder not found");
        return {};
    }
    const OpenFolder root(files, directory);
    std::optional<std::vector<Revision>> revisions;
    if (cache != nullptr && cache->enabled() && !root.error()) {
        revisions = read_while_checking(root, *cache, diagnostics);
    }
    if (!revisions) {
        revisions = walk_and_read(root, cache, diagnostics);
    }
    if (cache != nullptr) {
        static Metric saves("load: save revision cache");
        const MetricTimer timer(saves);
        cache->save(revisions->size());
    }
    return std::move(*revisions);
}

} // namespace detail

std::vector<Revision> read_revisions(const fs::path& directory, Diagnostics& diagnostics,
                                     FileSystem& files) {
    static Metric reads("load: read revision cache");
    MetricTimer timer(reads);
    RevisionCache cache(directory, files);
    timer.stop();
    return detail::read_revisions(directory, diagnostics, &cache, files);
}

RevisionGraph load_revision_graph(const fs::path& directory, FileSystem& files) {
    Diagnostics diagnostics;
    std::vector<Revision> read = read_revisions(directory, diagnostics, files);
    static Metric sets("load: index revisions");
    MetricTimer set_timer(sets);
    RevisionSet revisions(std::move(read), diagnostics);
    set_timer.stop();
    static Metric graphs("load: build graph");
    MetricTimer graph_timer(graphs);
    RevisionGraph graph(std::move(revisions), diagnostics);
    graph_timer.stop();
    diagnostics.throw_if_any();
    return graph;
}

} // namespace rev
