#include "text_file.hpp"

#include <rev/loader.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <set>

namespace rev {

namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 6> k_manifest_keys = {
    "id", "message", "parents", "branch_labels", "depends_on", "transactional"};

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
                   "'" + std::string(key) + "' must be a string, not " + describe_type(*node));
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
            report(line, "'" + std::string(key) + "' must be an array of strings, not " +
                             describe_type(*node));
            return line;
        }
        for (const toml::node& element : *array) {
            const auto* name = element.as_string();
            if (name == nullptr) {
                report(line_of(element), "'" + std::string(key) + "' must hold only strings, not " +
                                             describe_type(element));
                continue;
            }
            const std::string& text = name->get();
            if (!check_name(line_of(element), key, text)) {
                continue;
            }
            if (std::find(out.begin(), out.end(), text) != out.end()) {
                report(line_of(element), "'" + std::string(key) + "' names '" + text + "' twice");
                continue;
            }
            out.push_back(text);
        }
        return line;
    }

    bool check_name(int line, std::string_view key, const std::string& text) {
        if (is_reserved_name(text)) {
            report(line, "'" + std::string(key) + "' uses the reserved word '" + text + "'");
            return false;
        }
        if (!is_valid_name(text)) {
            report(line, "'" + std::string(key) + "' value '" + printable(text) +
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
                   "'" + std::string(key) + "' must be a boolean, not " + describe_type(*node));
        }
    }

private:
    const toml::table& m_table;
    const fs::path& m_path;
    Diagnostics& m_diagnostics;
    bool m_ok = true;
};

} // namespace

std::optional<Revision> parse_manifest(std::string_view text, const fs::path& manifest_path,
                                       Diagnostics& diagnostics) {
    toml::table table;
    try {
        table = toml::parse(text, manifest_path.string());
    } catch (const toml::parse_error& error) {
        diagnostics.add(manifest_path, static_cast<int>(error.source().begin.line),
                        "invalid TOML: " + printable(error.description()));
        return std::nullopt;
    }

    Revision revision;
    revision.directory = manifest_path.parent_path();
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
    if (!reader.ok()) {
        return std::nullopt;
    }
    return revision;
}

std::vector<Revision> read_revisions(const fs::path& directory, Diagnostics& diagnostics) {
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) {
        diagnostics.add(directory, 0, "revisions folder not found");
        return {};
    }
    std::set<fs::path> manifests;
    std::set<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(directory, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::path& path = it->path();
        if (it->is_directory() && path.filename().string().starts_with(".")) {
            it.disable_recursion_pending();
        } else if (path.filename() == "manifest.toml") {
            manifests.insert(path);
        } else if (path.filename() == "up.sql" || path.filename() == "down.sql") {
            files.insert(path);
        }
    }
    if (ec) {
        diagnostics.add(directory, 0, "cannot list the revisions folder: " + ec.message());
    }

    std::vector<Revision> revisions;
    revisions.reserve(manifests.size());
    for (const fs::path& manifest : manifests) {
        const std::optional<std::string> text = detail::read_text_file(manifest);
        if (!text) {
            diagnostics.add(manifest, 0, "cannot read the file");
            continue;
        }
        std::optional<Revision> revision = parse_manifest(*text, manifest, diagnostics);
        if (!revision) {
            continue;
        }
        for (const fs::path& script : {revision->up_path(), revision->down_path()}) {
            if (files.count(script) == 0) {
                diagnostics.add(script, 0, "missing (every revision needs up.sql and down.sql)");
            }
        }
        revisions.push_back(std::move(*revision));
    }
    return revisions;
}

RevisionGraph load_revision_graph(const fs::path& directory) {
    Diagnostics diagnostics;
    RevisionSet revisions(read_revisions(directory, diagnostics), diagnostics);
    RevisionGraph graph(std::move(revisions), diagnostics);
    diagnostics.throw_if_any();
    return graph;
}

} // namespace rev
