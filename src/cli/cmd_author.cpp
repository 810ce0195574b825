// Commands that write revisions and projects: init, new, merge.
#include "cli.hpp"
#include "proof_run.hpp"

#include <rev/error.hpp>
#include <rev/lint.hpp>
#include <rev/scaffold.hpp>

#include <iostream>

namespace rev::cli {

namespace {

void add_new_options(CommandLine& line, NewRevisionRequest& request) {
    line.add_options() //
        ("message,m", po::value(&request.message)->required()->value_name("MESSAGE"),
         "what the revision does") //
        ("id", po::value(&request.id)->value_name("ID"),
         "the revision's id (default: 12 random hex characters)");
}

// What `rev lint` would say of the branches a merge joins: two sides changing one object.
// Warnings only: the merge revision is where the authors settle it.
void warn_branch_conflicts(Context& context, const NewRevision& merge) {
    const RevisionGraph& graph = context.graph();
    RevisionGraph::Vertices sides;
    for (const std::string& parent : merge.parents) {
        sides.push_back(*graph.revisions().find(parent));
    }
    const ProofRun run =
        run_proofs(context, ProofRequest{}, false, {}, join_revisions(graph, sides));
    if (!run.could_not_run.empty()) {
        context.warn("could not check the merged branches for conflicts: " + run.could_not_run);
        return;
    }
    for (const RevisionProof& proof : run.proofs) {
        for (const ProofProblem& problem : proof.problems) {
            context.warn(problem.to_string());
        }
    }
    std::vector<LintFinding> findings = lint_join(graph, run.proofs, sides);
    apply_allow_lists(graph, findings);
    for (const LintFinding& finding : findings) {
        if (!finding.allowed) {
            context.warn(finding.to_string(graph));
        }
    }
}

int write_and_print(Context& context, const NewRevisionRequest& request,
                    bool check_conflicts = false) {
    const NewRevision revision = plan_new_revision(context.graph(), request);
    if (check_conflicts) {
        warn_branch_conflicts(context, revision);
    }
    const std::filesystem::path folder = write_revision(context.config().revisions_dir, revision);
    context.out() << display_path(folder) << "\n";
    return 0;
}

} // namespace

int cmd_init(Context& context, const Args& args) {
    CommandLine line(command_named("init"));
    std::string dir = ".";
    line.add_positional("DIR", 1, po::value(&dir), "folder to set up (default: this one)");
    if (!line.parse(context, args)) {
        return 0;
    }
    const std::filesystem::path config = init_project(dir);
    context.out() << "created " << display_path(config) << " and "
                  << display_path(config.parent_path() / "versions") << "/\n";
    return 0;
}

int cmd_new(Context& context, const Args& args) {
    CommandLine line(command_named("new"));
    NewRevisionRequest request;
    add_new_options(line, request);
    line.add_options() //
        ("parent", po::value(&request.parents)->value_name("REV"),
         "a parent; repeat for several (default: the single head)") //
        ("branch-label", po::value(&request.branch_labels)->value_name("LABEL"),
         "a branch label for the new revision") //
        ("depends-on", po::value(&request.depends_on)->value_name("REV"),
         "a revision that must be applied first without being a parent");
    if (!line.parse(context, args)) {
        return 0;
    }
    return write_and_print(context, request);
}

int cmd_merge(Context& context, const Args& args) {
    CommandLine line(command_named("merge"));
    NewRevisionRequest request;
    request.merge = true;
    add_new_options(line, request);
    bool no_check = false;
    line.add_options()("no-check", po::bool_switch(&no_check),
                       "do not look for objects both branches change (rev lint's "
                       "branch-conflict)");
    line.add_positional("REV", -1, po::value(&request.parents),
                        "revisions or targets to merge (default: heads)");
    if (!line.parse(context, args)) {
        return 0;
    }
    return write_and_print(context, request, !no_check);
}

} // namespace rev::cli
