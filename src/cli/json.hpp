#pragma once

#include "cli.hpp"

#include <rev/graph.hpp>
#include <rev/schema.hpp>
#include <rev/version_table.hpp>

#include <toml++/toml.h>

// `--format json` documents (docs/json.md), built as toml++ tables and written by its JSON
// formatter, so that quoting and escaping are a library's. Every document is one object with
// "format_version" at its top level; a field that has no value is left out (JSON has null,
// TOML does not).
namespace rev::cli {

// Bumped when a field changes meaning or goes away; adding fields keeps it.
constexpr int k_json_format_version = 1;

// {"format_version": 1}, to add a command's fields to.
toml::table json_document();
// Writes `document` on standard output as one JSON object and a newline.
void print_json(Context& context, const toml::table& document);

// A revision as every command describes it: id, message, parents, depends_on, branch_labels,
// transactional, is_head, is_branch_point, is_merge_point, folder.
toml::table revision_json(const RevisionGraph& graph, RevisionGraph::Vertex vertex);
toml::array revisions_json(const RevisionGraph& graph, const RevisionGraph::Vertices& vertices);
// The revisions' full ids.
toml::array ids_json(const RevisionGraph& graph, std::span<const RevisionGraph::Vertex> vertices);
toml::table applied_row_json(const AppliedRevision& row);
toml::table log_entry_json(const LogEntry& entry);
// [{"kind": "table", "name": "users", "table": "", "attributes": {...}}, ...]
toml::array schema_objects_json(const SchemaSnapshot& snapshot);

// {"format_version": 1, "error": what(), "code": "target", "exit_code": 1}: how a command that
// was asked for JSON fails.
toml::table error_json(const std::exception& error, int exit_code);

} // namespace rev::cli
