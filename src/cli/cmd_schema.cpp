// Commands that read schemas: schema, verify, lint (docs/verify.md, docs/lint.md).
#include "cli.hpp"
#include "format.hpp"
#include "json.hpp"
#include "proof_run.hpp"
#include "terminal.hpp"

#include <rev/error.hpp>
#include <rev/lint.hpp>
#include <rev/schema.hpp>
#include <rev/target.hpp>
#include <rev/verify.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <iostream>

namespace rev::cli {

namespace {

// Exit 3 says rev could not look, as for `rev check`; the reason goes where errors go.
void report_could_not_run(const std::string& reason) {
    std::cerr << error_prefix() << reason << "\n";
}

std::string plural(std::size_t count, const char* noun) {
    return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

const char* step_name(ProofStep step) {
    switch (step) {
    case ProofStep::runs:
        return "runs";
    case ProofStep::down_restores:
        return "down_restores";
    case ProofStep::up_repeats:
        return "up_repeats";
    }
    return "";
}

toml::table problem_json(const ProofProblem& problem) {
    return toml::table{{"step", step_name(problem.step)},
                       {"file", display_path(problem.file)},
                       {"line", problem.line},
                       {"object", problem.object},
                       {"message", problem.to_string()}};
}

// What verify's and lint's documents share: the outcome, the engine, and why it could not run.
toml::table proof_run_json(const ProofRun& run, int exit_code) {
    toml::table json = json_document();
    json.insert("ok", exit_code == 0);
    json.insert("exit_code", exit_code);
    json.insert("engine", run.engine);
    if (!run.could_not_run.empty()) {
        json.insert("could_not_run", run.could_not_run);
    }
    return json;
}

void print_verify_json(Context& context, const RevisionGraph& graph, const ProofRun& run,
                       int exit_code) {
    toml::array revisions;
    for (const RevisionProof& proof : run.proofs) {
        toml::array problems;
        for (const ProofProblem& problem : proof.problems) {
            problems.push_back(problem_json(problem));
        }
        revisions.push_back(toml::table{{"revision", graph.revision(proof.revision).id},
                                        {"holds", proof.holds()},
                                        {"problems", std::move(problems)}});
    }
    toml::table json = proof_run_json(run, exit_code);
    json.insert("revisions", std::move(revisions));
    print_json(context, json);
}

int verify_exit_code(const ProofRun& run) {
    if (!run.could_not_run.empty()) {
        return k_exit_unchecked;
    }
    const bool all_hold = std::all_of(run.proofs.begin(), run.proofs.end(),
                                      [](const RevisionProof& proof) { return proof.holds(); });
    return all_hold ? 0 : k_exit_findings;
}

void print_proof(Context& context, const RevisionGraph& graph, const RevisionProof& proof) {
    context.progress() << (proof.holds() ? "  ok      " : "  FAILED  ")
                       << revision_line(graph, proof.revision) << "\n";
    for (const ProofProblem& problem : proof.problems) {
        context.out() << problem.to_string() << "\n";
    }
}

void print_lint_json(Context& context, const RevisionGraph& graph,
                     const std::vector<LintFinding>& findings, const ProofRun& run, int exit_code) {
    toml::array items;
    for (const LintFinding& finding : findings) {
        toml::table item{{"code", finding.code},
                         {"revision", graph.revision(finding.revision).id},
                         {"object", finding.object},
                         {"message", finding.message},
                         {"allowed", finding.allowed}};
        if (finding.other_revision) {
            item.insert("other_revision", graph.revision(*finding.other_revision).id);
        }
        items.push_back(std::move(item));
    }
    // A script that failed: without it, exit 1 with no finding would not say why.
    toml::array problems;
    for (const RevisionProof& proof : run.proofs) {
        for (const ProofProblem& problem : proof.problems) {
            problems.push_back(problem_json(problem));
        }
    }
    toml::table json = proof_run_json(run, exit_code);
    json.insert("findings", std::move(items));
    json.insert("problems", std::move(problems));
    print_json(context, json);
}

} // namespace

int cmd_schema(Context& context, const Args& args) {
    CommandLine line(command_named("schema"));
    line.add_format();
    if (!line.parse(context, args)) {
        return 0;
    }
    auto database = context.connect(IfMissing::fail);
    const SchemaSnapshot snapshot = database->snapshot();
    if (context.json()) {
        toml::table json = json_document();
        json.insert("database", database->name());
        json.insert("objects", schema_objects_json(snapshot));
        print_json(context, json);
    } else {
        context.out() << to_text(snapshot);
    }
    return 0;
}

int cmd_verify(Context& context, const Args& args) {
    CommandLine line(command_named("verify"));
    ProofRequest request;
    request.declare(line);
    if (!line.parse(context, args)) {
        return 0;
    }
    const bool json = context.json();
    const RevisionGraph& graph = context.graph();
    const ProofRun run = run_proofs(context, request, true, [&](const RevisionProof& proof) {
        if (!json) {
            print_proof(context, graph, proof);
        }
    });
    const int exit_code = verify_exit_code(run);
    if (json) {
        print_verify_json(context, graph, run, exit_code);
    } else if (!run.could_not_run.empty()) {
        report_could_not_run(run.could_not_run);
    } else {
        const auto failed = static_cast<std::size_t>(
            std::count_if(run.proofs.begin(), run.proofs.end(),
                          [](const RevisionProof& proof) { return !proof.holds(); }));
        context.progress() << plural(run.proofs.size(), "revision") << " verified on a scratch "
                           << run.engine << " database in " << run.took.count() << " ms: "
                           << (failed == 0 ? "every down.sql undoes its up.sql"
                                           : plural(failed, "revision") + " with problems")
                           << "\n";
    }
    return exit_code;
}

int cmd_lint(Context& context, const Args& args) {
    CommandLine line(command_named("lint"));
    ProofRequest request;
    request.declare(line);
    if (!line.parse(context, args)) {
        return 0;
    }
    const bool json = context.json();
    const RevisionGraph& graph = context.graph();
    const ProofRun run = run_proofs(context, request, false, {});
    std::vector<LintFinding> findings;
    for (const RevisionProof& proof : run.proofs) {
        for (LintFinding& finding : lint_revision(graph, proof)) {
            findings.push_back(std::move(finding));
        }
    }
    for (LintFinding& finding : lint_branch_conflicts(graph, run.proofs)) {
        findings.push_back(std::move(finding));
    }
    apply_allow_lists(graph, findings);
    const auto refused = static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(),
                      [](const LintFinding& finding) { return !finding.allowed; }));
    const bool script_failed =
        std::any_of(run.proofs.begin(), run.proofs.end(),
                    [](const RevisionProof& proof) { return proof.script_failed; });
    int exit_code = refused == 0 && !script_failed ? 0 : k_exit_findings;
    if (!run.could_not_run.empty()) {
        exit_code = k_exit_unchecked;
    }
    if (json) {
        print_lint_json(context, graph, findings, run, exit_code);
        return exit_code;
    }
    if (!run.could_not_run.empty()) {
        report_could_not_run(run.could_not_run);
        return exit_code;
    }
    for (const LintFinding& finding : findings) {
        if (!finding.allowed || !context.options().quiet) {
            context.out() << finding.to_string(graph) << "\n";
        }
    }
    for (const RevisionProof& proof : run.proofs) {
        for (const ProofProblem& problem : proof.problems) {
            context.out() << problem.to_string() << "\n";
        }
    }
    context.progress() << plural(findings.size(), "finding") << " (" << findings.size() - refused
                       << " allowed) in " << plural(run.proofs.size(), "revision") << "\n";
    return exit_code;
}

} // namespace rev::cli
