// Commands that read a database's records: current, status, log.
#include "cli.hpp"
#include "format.hpp"
#include "json.hpp"
#include "option_value.hpp"

#include <rev/integrity.hpp>
#include <rev/migrate.hpp>

#include <iostream>

namespace rev::cli {

namespace {

const char* state_note(AppliedRevision::State state) {
    switch (state) {
    case AppliedRevision::State::applied:
        break;
    case AppliedRevision::State::upgrading:
        return "  (upgrade unfinished)";
    case AppliedRevision::State::downgrading:
        return "  (downgrade unfinished)";
    }
    return "";
}

// The database's applied set. An unfinished step blocks every move, so the commands that read
// say so first.
AppliedSet read_applied(Context& context, Database& database) {
    const std::vector<AppliedRevision> rows = database.applied();
    for (const AppliedRevision& row : rows) {
        if (row.state != AppliedRevision::State::applied) {
            context.warn(describe_unfinished(row, database.name()));
        }
    }
    return to_applied_set(context.graph(), rows, database.name());
}

toml::array rows_json(const std::vector<AppliedRevision>& rows) {
    toml::array json;
    for (const AppliedRevision& row : rows) {
        json.push_back(applied_row_json(row));
    }
    return json;
}

// Where the database is, and every row behind it: -v's detail costs nothing extra here.
void print_current_json(Context& context, Database& database) {
    const std::vector<AppliedRevision> rows = database.applied();
    const RevisionGraph& graph = context.graph();
    const AppliedSet applied = to_applied_set(graph, rows, database.name());
    context.summary().at = applied.heads(graph);
    toml::table json = json_document();
    json.insert("database", database.name());
    json.insert("at", revisions_json(graph, applied.heads(graph)));
    json.insert("applied", rows_json(rows));
    print_json(context, json);
}

} // namespace

int cmd_current(Context& context, const Args& args) {
    CommandLine line(command_named("current"));
    bool verbose = false;
    line.add_options()("verbose,v", po::bool_switch(&verbose),
                       "list every applied revision with when, by whom and how long");
    line.add_format();
    if (!line.parse(context, args)) {
        return 0;
    }
    context.load_graph_in_background();
    auto database = context.connect(IfMissing::fail);
    if (context.json()) {
        print_current_json(context, *database);
        return 0;
    }
    if (verbose) {
        context.graph(); // a broken folder fails every command that reads it
        for (const AppliedRevision& row : database->applied()) {
            context.out() << row.seq << "  " << row.revision << "  " << row.applied_at << "  "
                          << row.applied_by << "  " << row.duration_ms << " ms  rev "
                          << row.rev_version << state_note(row.state) << "\n";
        }
        return 0;
    }
    const AppliedSet applied = read_applied(context, *database);
    const RevisionGraph& graph = context.graph();
    context.summary().at = applied.heads(graph);
    for (auto head : applied.heads(graph)) {
        context.out() << revision_line(graph, head) << "\n";
    }
    return 0;
}

int cmd_status(Context& context, const Args& args) {
    CommandLine line(command_named("status"));
    line.add_format();
    if (!line.parse(context, args)) {
        return 0;
    }
    context.load_graph_in_background();
    auto database = context.connect(IfMissing::fail);
    const AppliedSet applied = read_applied(context, *database);
    const RevisionGraph& graph = context.graph();
    const RevisionGraph::Vertices pending = applied.pending(graph);
    context.summary().at = applied.heads(graph);
    if (context.json()) {
        toml::table json = json_document();
        json.insert("database", database->name());
        json.insert("revisions", static_cast<std::int64_t>(graph.size()));
        json.insert("applied", ids_json(graph, applied.in_order));
        json.insert("at", ids_json(graph, applied.heads(graph)));
        json.insert("pending", revisions_json(graph, pending));
        json.insert("up_to_date", pending.empty());
        print_json(context, json);
        return 0;
    }
    context.out() << "database: " << database->name() << "\n"
                  << "applied:  " << applied.in_order.size() << " of " << graph.size()
                  << " revisions\n"
                  << "at:       ";
    const RevisionGraph::Vertices heads = applied.heads(graph);
    for (std::size_t i = 0; i < heads.size(); ++i) {
        context.out() << (i > 0 ? ", " : "") << graph.revision(heads[i]).id;
    }
    context.out() << (heads.empty() ? "base\n" : "\n") << "pending:  " << pending.size()
                  << (pending.empty() ? " (up to date)\n" : "\n");
    for (auto v : pending) {
        context.out() << "  " << revision_line(graph, v) << "\n";
    }
    return 0;
}

int cmd_log(Context& context, const Args& args) {
    CommandLine line(command_named("log"));
    std::size_t limit = 50;
    line.add_options()("number,n", count_value("-n", limit),
                       "show the newest N events (default 50)");
    line.add_format();
    if (!line.parse(context, args)) {
        return 0;
    }
    auto database = context.connect(IfMissing::fail);
    if (context.json()) {
        toml::array events;
        for (const LogEntry& entry : database->log(limit)) {
            events.push_back(log_entry_json(entry));
        }
        toml::table json = json_document();
        json.insert("database", database->name());
        json.insert("events", std::move(events));
        print_json(context, json);
        return 0;
    }
    for (const LogEntry& entry : database->log(limit)) {
        context.out() << entry.at << "  " << entry.event
                      << std::string(entry.event.size() < 10 ? 10 - entry.event.size() : 1, ' ')
                      << (entry.revision.empty() ? "-" : entry.revision) << "  " << entry.by << "  "
                      << entry.duration_ms << " ms"
                      << (entry.detail.empty() ? "" : "  " + entry.detail) << "\n";
    }
    return 0;
}

} // namespace rev::cli
