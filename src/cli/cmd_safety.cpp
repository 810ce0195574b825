// Commands that guard and mend the agreement between a database and the revisions folder:
// check, rehash, resolve (docs/safety.md).
#include "cli.hpp"
#include "json.hpp"

#include <rev/check.hpp>
#include <rev/error.hpp>
#include <rev/repair.hpp>
#include <rev/target.hpp>

#include <toml++/toml.h>

#include <iostream>

namespace rev::cli {

namespace {

// What `rev check` found, or why it could not check.
struct CheckReport {
    std::string folder;
    std::string database;
    std::vector<Finding> findings;
    std::string unchecked;

    std::size_t error_count() const {
        return static_cast<std::size_t>(
            std::count_if(findings.begin(), findings.end(), [](const Finding& finding) {
                return finding.severity == Finding::Severity::error;
            }));
    }
    int exit_code() const {
        return !unchecked.empty() ? k_exit_unchecked : error_count() > 0 ? k_exit_findings : 0;
    }
};

const char* severity_name(Finding::Severity severity) {
    return severity == Finding::Severity::error ? "error" : "warning";
}

// Loads the folder; a defect of the folder is a finding, not a failure to check.
const RevisionGraph* check_folder(Context& context, const CheckOptions& options,
                                  CheckReport& report) {
    report.folder = display_path(context.config().revisions_dir);
    try {
        const RevisionGraph& graph = context.graph();
        for (Finding& finding : check_graph(graph, context.config().revisions_dir, options)) {
            report.findings.push_back(std::move(finding));
        }
        return &graph;
    } catch (const LoadError& error) {
        for (const Diagnostic& defect : error.defects()) {
            report.findings.push_back(
                {Finding::Severity::error, defect.to_string(), "load-error", ""});
        }
        return nullptr;
    }
}

void check_database_of(Context& context, const RevisionGraph& graph, const CheckOptions& options,
                       CheckReport& report) {
    report.database = context.database_url().display;
    auto database = context.connect(IfMissing::skip);
    if (!database) {
        if (options.up_to_date && graph.size() > 0) {
            report.findings.push_back(
                {Finding::Severity::error,
                 report.database + ": the database does not exist yet, so nothing is applied; "
                                   "run 'rev upgrade head'",
                 "pending", ""});
        }
        return;
    }
    for (Finding& finding : check_database(*database, graph, options)) {
        report.findings.push_back(std::move(finding));
    }
}

CheckReport run_check(Context& context, const CheckOptions& requested) {
    CheckReport report;
    try {
        CheckOptions options = requested;
        options.allow_multiple_heads = context.config().allow_multiple_heads;
        const RevisionGraph* graph = check_folder(context, options, report);
        if (graph == nullptr) {
            return report;
        }
        if (context.has_database_url()) {
            check_database_of(context, *graph, options, report);
        } else if (options.up_to_date) {
            report.unchecked = "--up-to-date needs a database: set [database] url in "
                               "migrate.toml, REV_DATABASE_URL, or --url";
        }
    } catch (const Error& error) {
        report.unchecked = error.what();
    }
    return report;
}

void print_text(Context& context, const CheckReport& report) {
    for (const Finding& finding : report.findings) {
        context.out() << severity_name(finding.severity) << ": " << finding.message << "\n";
    }
    if (!report.unchecked.empty()) {
        std::cerr << "rev: could not check: " << report.unchecked << "\n";
        return;
    }
    const std::size_t errors = report.error_count();
    const std::string checked =
        report.folder + (report.database.empty() ? "" : " and " + report.database);
    if (errors == 0) {
        context.progress() << "ok: " << checked << " pass every check\n";
    } else {
        context.out() << errors << (errors == 1 ? " finding" : " findings") << " in " << checked
                      << "\n";
    }
}

void print_json(Context& context, const CheckReport& report) {
    toml::array findings;
    for (const Finding& finding : report.findings) {
        toml::table item{{"severity", severity_name(finding.severity)},
                         {"code", finding.code},
                         {"message", finding.message}};
        if (!finding.revision.empty()) {
            item.insert("revision", finding.revision);
        }
        findings.push_back(std::move(item));
    }
    toml::table json = json_document();
    json.insert("ok", report.exit_code() == 0);
    json.insert("exit_code", report.exit_code());
    json.insert("folder", report.folder);
    json.insert("database", report.database);
    json.insert("findings", std::move(findings));
    if (!report.unchecked.empty()) {
        json.insert("could_not_check", report.unchecked);
    }
    print_json(context, json);
}

} // namespace

int cmd_check(Context& context, const Args& args) {
    CommandLine line(command_named("check"));
    CheckOptions options;
    line.add_options()("up-to-date", po::bool_switch(&options.up_to_date),
                       "a revision not applied yet is a finding (for application start-up)");
    line.add_format();
    if (!line.parse(context, args)) {
        return 0;
    }
    const CheckReport report = run_check(context, options);
    if (context.json()) {
        print_json(context, report);
    } else {
        print_text(context, report);
    }
    return report.exit_code();
}

int cmd_rehash(Context& context, const Args& args) {
    CommandLine line(command_named("rehash"));
    std::vector<std::string> revisions;
    line.add_positional("REV", -1, po::value(&revisions)->required(),
                        "applied revisions (ids or unique prefixes) whose files to accept");
    if (!line.parse(context, args)) {
        return 0;
    }
    const RevisionGraph& graph = context.graph();
    std::vector<std::string> ids;
    ids.reserve(revisions.size());
    for (const std::string& revision : revisions) {
        ids.push_back(graph.revision(resolve_revision(graph, revision)).id);
    }
    auto database = context.connect(IfMissing::fail);
    const RehashResult result = rehash(*database, graph, ids, context.lock_timeout());
    for (const std::string& id : result.rehashed) {
        context.progress() << "  rehashed   " << id << "\n";
    }
    for (const std::string& id : result.unchanged) {
        context.progress() << "  unchanged  " << id << "\n";
    }
    return 0;
}

int cmd_resolve(Context& context, const Args& args) {
    CommandLine line(command_named("resolve"));
    std::string revision;
    bool applied = false;
    bool reverted = false;
    line.add_positional("REV", 1, po::value(&revision)->required(),
                        "the revision whose step failed outside a transaction");
    line.add_options() //
        ("applied", po::bool_switch(&applied),
         "its changes are complete now (you finished them by hand)") //
        ("reverted", po::bool_switch(&reverted),
         "its changes are undone now (you reverted them by hand)");
    if (!line.parse(context, args)) {
        return 0;
    }
    if (applied == reverted) {
        throw UsageError("say how the step ended: --applied or --reverted (see 'rev resolve "
                         "--help')");
    }
    const RevisionGraph& graph = context.graph();
    const std::string id = graph.revision(resolve_revision(graph, revision)).id;
    auto database = context.connect(IfMissing::fail);
    resolve(*database, id, applied ? Resolution::applied : Resolution::reverted,
            context.lock_timeout());
    context.progress() << "resolved " << id << " as " << (applied ? "applied" : "reverted")
                       << " in " << database->name() << "\n";
    return 0;
}

} // namespace rev::cli
