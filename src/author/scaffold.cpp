#include "load/libcrypto.hpp"

#include <rev/config.hpp>
#include <rev/scaffold.hpp>
#include <rev/target.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

namespace rev {

namespace {

namespace fs = std::filesystem;
using Vertices = RevisionGraph::Vertices;

Vertices resolve_parents(const RevisionGraph& graph, const NewRevisionRequest& request) {
    Vertices parents;
    for (const std::string& text : request.parents) {
        for (auto v : resolve_target(graph, parse_target(text))) {
            if (std::find(parents.begin(), parents.end(), v) == parents.end()) {
                parents.push_back(v);
            }
        }
    }
    if (request.parents.empty()) {
        parents = graph.heads();
        if (!request.merge && parents.size() > 1) {
            throw RefusedError("the graph has " + std::to_string(parents.size()) + " heads (" +
                               graph.id_list(parents) +
                               "); merge them with 'rev merge -m MSG' or pick one with --parent");
        }
    }
    return parents;
}

void check_merge_parents(const RevisionGraph& graph, const Vertices& parents) {
    if (parents.size() < 2) {
        throw RefusedError("a merge needs at least two revisions, got " +
                           std::to_string(parents.size()) +
                           (parents.empty() ? "" : " (" + graph.id_list(parents) + ")"));
    }
    for (auto v : parents) {
        const Vertices below = graph.ancestors({v}, Follow::parents, Inclusive::no);
        for (auto other : parents) {
            if (std::find(below.begin(), below.end(), other) != below.end()) {
                throw RefusedError("cannot merge '" + graph.revision(other).id +
                                   "' with its descendant '" + graph.revision(v).id + "'");
            }
        }
    }
}

std::string check_new_id(const RevisionGraph& graph, const std::string& id) {
    if (id.empty()) {
        std::string fresh;
        do {
            fresh = random_revision_id();
        } while (graph.revisions().find(fresh));
        return fresh;
    }
    if (is_reserved_name(id) || !is_valid_name(id)) {
        throw RefusedError("invalid id '" + id +
                           "': use letters, digits and '_' (and not head, heads, base, current)");
    }
    if (graph.revisions().find(id) || graph.revisions().find_label(id)) {
        throw RefusedError("id '" + id + "' is already used in the graph");
    }
    return id;
}

// Every clash the loader would report once the revision is written, refused before writing.
void check_labels(const RevisionGraph& graph, const std::vector<std::string>& labels,
                  const std::string& id) {
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        const std::string& label = *it;
        if (!is_valid_name(label)) {
            throw RefusedError("invalid branch label '" + label +
                               "': use letters, digits and '_' (and not head, heads, base, "
                               "current)");
        }
        if (auto owner = graph.revisions().find_label(label)) {
            throw RefusedError("branch label '" + label + "' is already used by revision '" +
                               graph.revision(*owner).id + "'");
        }
        if (graph.revisions().find(label) || label == id) {
            throw RefusedError("branch label '" + label + "' is a revision id");
        }
        if (std::find(labels.begin(), it, label) != it) {
            throw RefusedError("branch label '" + label + "' is given twice");
        }
    }
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
        throw RefusedError(display_path(path) + ": cannot write the file");
    }
}

// One `key = value` line, quoted and escaped by toml++ rather than by hand.
template <class Value>
std::string toml_line(std::string_view key, Value&& value) {
    toml::table table;
    table.insert(key, std::forward<Value>(value));
    std::ostringstream out;
    out << toml::toml_formatter(table, toml::format_flags::none);
    return out.str() + "\n";
}

toml::array to_array(const std::vector<std::string>& names) {
    toml::array array;
    for (const std::string& name : names) {
        array.push_back(name);
    }
    return array;
}

std::string script_template(const NewRevision& revision, const char* direction, const char* what) {
    return "-- " + std::string(direction) + " of revision " + revision.id + ": " +
           revision.message + "\n-- " + what + "\n";
}

// The message goes into comments at the top of the scripts: a line break would turn the rest of
// it into SQL.
void check_message(const std::string& message) {
    if (message.find_first_not_of(" \t") == std::string::npos) {
        throw RefusedError("the message must say what the revision does; it is empty");
    }
    if (std::any_of(message.begin(), message.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; })) {
        throw RefusedError("the message must be one line of text, without line breaks or "
                           "control characters");
    }
}

} // namespace

NewRevision plan_new_revision(const RevisionGraph& graph, const NewRevisionRequest& request) {
    check_message(request.message);
    NewRevision revision;
    revision.message = request.message;
    const Vertices parents = resolve_parents(graph, request);
    if (request.merge) {
        check_merge_parents(graph, parents);
    }
    for (auto v : parents) {
        revision.parents.push_back(graph.revision(v).id);
    }
    for (const std::string& text : request.depends_on) {
        const std::string& id = graph.revision(resolve_revision(graph, text)).id;
        if (std::find(revision.depends_on.begin(), revision.depends_on.end(), id) ==
            revision.depends_on.end()) {
            revision.depends_on.push_back(id);
        }
    }
    revision.id = check_new_id(graph, request.id);
    check_labels(graph, request.branch_labels, revision.id);
    revision.branch_labels = request.branch_labels;
    return revision;
}

std::string manifest_text(const NewRevision& revision) {
    std::string text = toml_line("id", revision.id) + toml_line("message", revision.message) +
                       toml_line("parents", to_array(revision.parents));
    if (!revision.branch_labels.empty()) {
        text += toml_line("branch_labels", to_array(revision.branch_labels));
    }
    if (!revision.depends_on.empty()) {
        text += toml_line("depends_on", to_array(revision.depends_on));
    }
    text += "# transactional = false  # for statements that cannot run in a transaction\n";
    return text;
}

fs::path write_revision(const fs::path& revisions_dir, const NewRevision& revision) {
    const std::string slug = slugify(revision.message);
    fs::path final_dir = revisions_dir / (slug.empty() ? revision.id : revision.id + "_" + slug);
    // The loader skips hidden folders, so a crash before the rename leaves nothing it would read.
    const fs::path staging = revisions_dir / ("." + revision.id + ".new");
    std::error_code ec;
    if (fs::exists(final_dir, ec)) {
        throw RefusedError(display_path(final_dir) + ": already exists");
    }
    fs::remove_all(staging, ec);
    fs::create_directories(staging, ec);
    if (ec) {
        throw RefusedError(display_path(staging) + ": cannot create the folder: " + ec.message());
    }
    write_file(staging / "manifest.toml", manifest_text(revision));
    write_file(staging / "up.sql",
               script_template(revision, "Upgrade", "Statements that apply this revision."));
    write_file(staging / "down.sql",
               script_template(revision, "Downgrade", "Statements that revert up.sql exactly."));
    fs::rename(staging, final_dir, ec);
    if (ec) {
        throw RefusedError(display_path(final_dir) + ": cannot create the folder: " + ec.message());
    }
    return final_dir;
}

std::string slugify(const std::string& message) {
    std::string slug;
    for (char c : message) {
        const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (c >= 'A' && c <= 'Z') {
            slug += static_cast<char>(c - 'A' + 'a');
        } else if (word) {
            slug += c;
        } else if (!slug.empty() && slug.back() != '_') {
            slug += '_';
        }
        if (slug.size() >= 40) {
            break;
        }
    }
    while (!slug.empty() && slug.back() == '_') {
        slug.pop_back();
    }
    return slug;
}

std::string random_revision_id() {
    std::array<unsigned char, 6> bytes{};
    if (detail::libcrypto().rand_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw RefusedError("cannot generate a random revision id (OpenSSL RAND_bytes failed)");
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string id;
    for (unsigned char byte : bytes) {
        id += hex[byte >> 4];
        id += hex[byte & 0x0f];
    }
    return id;
}

fs::path init_project(const fs::path& dir) {
    fs::path config = dir / k_config_name;
    std::error_code ec;
    if (fs::exists(config, ec)) {
        throw RefusedError(display_path(config) + ": already exists");
    }
    fs::create_directories(dir / "versions", ec);
    if (ec) {
        throw RefusedError(display_path(dir / "versions") +
                           ": cannot create the folder: " + ec.message());
    }
    write_file(config, default_config_text());
    return config;
}

} // namespace rev
