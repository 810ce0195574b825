// Commands that read the graph without a database: heads, branches, history, show, graph.
#include "cli.hpp"
#include "format.hpp"
#include "json.hpp"

#include <rev/applied_set.hpp>
#include <rev/connect.hpp>
#include <rev/dot.hpp>
#include <rev/error.hpp>
#include <rev/target.hpp>

#include <iostream>
#include <optional>
#include <vector>

namespace rev::cli {

namespace {

void add_verbose(CommandLine& line, bool& verbose) {
    line.add_options()("verbose,v", po::bool_switch(&verbose), "show each revision in full");
}

void print_revision(Context& context, RevisionGraph::Vertex vertex, bool verbose) {
    const RevisionGraph& graph = context.graph();
    if (verbose) {
        context.out() << revision_block(graph, vertex) << "\n";
    } else {
        context.out() << revision_line(graph, vertex) << "\n";
    }
}

// The configured database's rows, when there is one to ask. History is useful without a
// database, so one that cannot be read only means no marks; the user is told why.
std::optional<std::vector<AppliedRevision>> applied_rows_if_reachable(Context& context) {
    try {
        if (auto database = context.connect(IfMissing::skip)) {
            return database->applied();
        }
    } catch (const Error& error) {
        context.warn(std::string(error.what()) + " (history shown without applied marks)");
    }
    return std::nullopt;
}

// Which revisions `rows` name; none, with a warning, when they name one the folder lacks.
std::vector<bool> applied_mask(Context& context,
                               const std::optional<std::vector<AppliedRevision>>& rows) {
    if (!rows) {
        return {};
    }
    const RevisionGraph& graph = context.graph();
    try {
        return to_applied_set(graph, *rows, context.database_url().display).mask(graph.size());
    } catch (const RefusedError& error) {
        context.warn(std::string(error.what()) + " (history shown without applied marks)");
        return {};
    }
}

// Newest first, as the text; "applied" only when a database was read.
void print_history_json(Context& context, const RevisionGraph::Vertices& shown,
                        const std::vector<bool>& applied) {
    const RevisionGraph& graph = context.graph();
    toml::array revisions;
    for (auto it = shown.rbegin(); it != shown.rend(); ++it) {
        toml::table json = revision_json(graph, *it);
        if (!applied.empty()) {
            json.insert("applied", static_cast<bool>(applied[*it]));
        }
        revisions.push_back(std::move(json));
    }
    toml::table json = json_document();
    json.insert("revisions", std::move(revisions));
    print_json(context, json);
}

} // namespace

int cmd_heads(Context& context, const Args& args) {
    CommandLine line(command_named("heads"));
    bool verbose = false;
    add_verbose(line, verbose);
    line.add_format();
    if (!line.parse(context, args)) {
        return 0;
    }
    if (context.json()) {
        toml::table json = json_document();
        json.insert("heads", revisions_json(context.graph(), context.graph().heads()));
        print_json(context, json);
        return 0;
    }
    for (auto head : context.graph().heads()) {
        print_revision(context, head, verbose);
    }
    return 0;
}

int cmd_branches(Context& context, const Args& args) {
    CommandLine line(command_named("branches"));
    bool verbose = false;
    add_verbose(line, verbose);
    line.add_format();
    if (!line.parse(context, args)) {
        return 0;
    }
    const RevisionGraph& graph = context.graph();
    if (context.json()) {
        toml::array points;
        for (auto point : graph.branch_points()) {
            toml::table json = revision_json(graph, point);
            json.insert("children", ids_json(graph, graph.children(point)));
            points.push_back(std::move(json));
        }
        toml::table json = json_document();
        json.insert("branch_points", std::move(points));
        print_json(context, json);
        return 0;
    }
    for (auto point : graph.branch_points()) {
        print_revision(context, point, verbose);
        for (auto child : graph.children(point)) {
            context.out() << "    -> " << revision_line(graph, child) << "\n";
        }
    }
    return 0;
}

int cmd_history(Context& context, const Args& args) {
    CommandLine line(command_named("history"));
    bool verbose = false;
    std::string range_text;
    add_verbose(line, verbose);
    line.add_options()("rev-range,r", po::value(&range_text)->value_name("RANGE"),
                       "only LOWER:UPPER, e.g. base:head, REV:heads, REV:, :REV");
    line.add_format();
    if (!line.parse(context, args)) {
        return 0;
    }
    std::optional<std::vector<AppliedRevision>> rows;
    if (context.has_database_url()) {
        context.load_graph_in_background();
        rows = applied_rows_if_reachable(context);
    }
    const RevisionGraph& graph = context.graph();
    RevisionGraph::Vertices shown = range_text.empty()
                                        ? graph.topological_order()
                                        : resolve_range(graph, parse_range(range_text));
    const std::vector<bool> applied = applied_mask(context, rows);
    if (context.json()) {
        print_history_json(context, shown, applied);
        return 0;
    }
    for (auto it = shown.rbegin(); it != shown.rend(); ++it) {
        if (verbose) {
            context.out() << revision_block(graph, *it) << "\n";
        } else {
            const bool is_applied = !applied.empty() && applied[*it];
            context.out() << history_line(graph, *it, is_applied ? " (applied)" : "") << "\n";
        }
    }
    return 0;
}

int cmd_show(Context& context, const Args& args) {
    CommandLine line(command_named("show"));
    std::string target_text;
    line.add_positional("REV", 1, po::value(&target_text)->required(),
                        "a revision: id, prefix or target such as head");
    line.add_format();
    if (!line.parse(context, args)) {
        return 0;
    }
    const RevisionGraph& graph = context.graph();
    const RevisionGraph::Vertices vertices = resolve_target(graph, parse_target(target_text));
    if (context.json()) {
        toml::table json = json_document();
        json.insert("revisions", revisions_json(graph, vertices));
        print_json(context, json);
        return 0;
    }
    if (vertices.empty()) {
        context.out() << "<base>: nothing applied\n";
    }
    for (std::size_t i = 0; i < vertices.size(); ++i) {
        context.out() << (i > 0 ? "\n" : "") << revision_block(graph, vertices[i]);
    }
    return 0;
}

int cmd_graph(Context& context, const Args& args) {
    CommandLine line(command_named("graph"));
    if (!line.parse(context, args)) {
        return 0;
    }
    context.out() << to_dot(context.graph());
    return 0;
}

} // namespace rev::cli
