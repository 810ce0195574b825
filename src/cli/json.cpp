#include "json.hpp"

#include <rev/interrupt.hpp>
#include <rev/step_runner.hpp>

namespace rev::cli {

namespace {

toml::array texts_json(const std::vector<std::string>& texts) {
    toml::array array;
    for (const std::string& text : texts) {
        array.push_back(text);
    }
    return array;
}

const char* state_name(AppliedRevision::State state) {
    switch (state) {
    case AppliedRevision::State::applied:
        return "applied";
    case AppliedRevision::State::upgrading:
        return "upgrading";
    case AppliedRevision::State::downgrading:
        return "downgrading";
    }
    return "applied";
}

// The error's class, as scripts tell failures apart.
const char* error_code(const std::exception& error) {
    if (dynamic_cast<const UsageError*>(&error) != nullptr) {
        return "usage";
    }
    if (dynamic_cast<const LoadError*>(&error) != nullptr) {
        return "load";
    }
    if (dynamic_cast<const ConfigError*>(&error) != nullptr) {
        return "config";
    }
    if (dynamic_cast<const TargetError*>(&error) != nullptr) {
        return "target";
    }
    if (dynamic_cast<const RefusedError*>(&error) != nullptr) {
        return "refused";
    }
    if (dynamic_cast<const ScriptError*>(&error) != nullptr) {
        return "script";
    }
    if (dynamic_cast<const DatabaseError*>(&error) != nullptr) {
        return "database";
    }
    if (dynamic_cast<const InterruptedError*>(&error) != nullptr) {
        return "interrupted";
    }
    return "internal";
}

} // namespace

toml::table json_document() {
    return toml::table{{"format_version", k_json_format_version}};
}

void print_json(Context& context, const toml::table& document) {
    if (context.keeps_json()) {
        context.kept_json() = document;
        return;
    }
    context.out() << toml::json_formatter{document} << "\n";
}

toml::table revision_json(const RevisionGraph& graph, RevisionGraph::Vertex vertex) {
    const Revision& revision = graph.revision(vertex);
    return toml::table{{"id", revision.id},
                       {"message", revision.message},
                       {"parents", texts_json(revision.parents)},
                       {"depends_on", texts_json(revision.depends_on)},
                       {"branch_labels", texts_json(revision.branch_labels)},
                       {"transactional", revision.transactional},
                       {"is_head", graph.is_head(vertex)},
                       {"is_branch_point", graph.is_branch_point(vertex)},
                       {"is_merge_point", graph.is_merge_point(vertex)},
                       {"folder", display_path(revision.folder())}};
}

toml::array revisions_json(const RevisionGraph& graph, const RevisionGraph::Vertices& vertices) {
    toml::array array;
    for (const RevisionGraph::Vertex vertex : vertices) {
        array.push_back(revision_json(graph, vertex));
    }
    return array;
}

toml::array ids_json(const RevisionGraph& graph, std::span<const RevisionGraph::Vertex> vertices) {
    toml::array array;
    for (const RevisionGraph::Vertex vertex : vertices) {
        array.push_back(graph.revision(vertex).id);
    }
    return array;
}

toml::table applied_row_json(const AppliedRevision& row) {
    toml::table json{{"revision", row.revision},
                     {"state", state_name(row.state)},
                     {"seq", static_cast<std::int64_t>(row.seq)},
                     {"applied_at", row.applied_at},
                     {"applied_by", row.applied_by},
                     {"duration_ms", static_cast<std::int64_t>(row.duration_ms)},
                     {"rev_version", row.rev_version}};
    if (!row.error.empty()) {
        json.insert("error", row.error);
    }
    return json;
}

toml::table log_entry_json(const LogEntry& entry) {
    toml::table json{{"id", static_cast<std::int64_t>(entry.id)},
                     {"event", entry.event},
                     {"at", entry.at},
                     {"by", entry.by},
                     {"duration_ms", static_cast<std::int64_t>(entry.duration_ms)},
                     {"rev_version", entry.rev_version}};
    if (!entry.revision.empty()) {
        json.insert("revision", entry.revision);
    }
    if (!entry.detail.empty()) {
        json.insert("detail", entry.detail);
    }
    return json;
}

toml::array schema_objects_json(const SchemaSnapshot& snapshot) {
    toml::array objects;
    for (const SchemaObject& object : snapshot.objects) {
        toml::table attributes;
        for (const auto& [name, value] : object.attributes) {
            attributes.insert(name, value);
        }
        objects.push_back(toml::table{{"kind", kind_name(object.kind)},
                                      {"name", object.name},
                                      {"table", object.table},
                                      {"attributes", std::move(attributes)}});
    }
    return objects;
}

toml::table error_json(const std::exception& error, int exit_code) {
    toml::table json = json_document();
    json.insert("error", error.what());
    json.insert("code", error_code(error));
    json.insert("exit_code", exit_code);
    return json;
}

} // namespace rev::cli
