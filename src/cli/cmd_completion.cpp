// rev completion: the shell completion scripts (completion_scripts.cpp) and the words they
// offer for revisions and targets.
#include "cli.hpp"
#include "completion_scripts.hpp"

#include <rev/config.hpp>
#include <rev/error.hpp>
#include <rev/revision_set.hpp>

#include <filesystem>
#include <set>

namespace rev::cli {

namespace {

// The words a TARGET or REV can start as (docs/targets.md), from the folder alone.
int print_targets(Context& context) {
    // Outside a project there is nothing to offer, and nothing to complain about while the user
    // presses TAB.
    if (context.options().config.empty() && !find_config(std::filesystem::current_path())) {
        return 0;
    }
    const RevisionGraph& graph = context.graph();
    std::set<std::string> labels;
    for (std::size_t i = 0; i < graph.size(); ++i) {
        const Revision& revision = graph.revision(i);
        context.out() << revision.id << "\n";
        labels.insert(revision.branch_labels.begin(), revision.branch_labels.end());
    }
    for (const std::string& label : labels) {
        context.out() << label << "@head\n" << label << "@base\n";
    }
    context.out() << "head\nheads\nbase\n+1\n-1\n";
    return 0;
}

const ShellScript& script_for(const std::string& shell) {
    const std::vector<ShellScript>& scripts = shell_scripts();
    std::string known;
    for (std::size_t i = 0; i < scripts.size(); ++i) {
        if (scripts[i].shell == shell) {
            return scripts[i];
        }
        known += (i == 0                    ? ""
                  : i + 1 == scripts.size() ? " or "
                                            : ", ") +
                 std::string(scripts[i].shell);
    }
    throw UsageError("unknown shell '" + shell + "': give " + known +
                     " (see 'rev completion --help')");
}

} // namespace

int cmd_completion(Context& context, const Args& args) {
    CommandLine line(command_named("completion"));
    std::string shell;
    bool list_targets = false;
    line.add_positional("SHELL", 1, po::value(&shell), "bash, zsh or fish");
    line.add_options()("list-targets", po::bool_switch(&list_targets),
                       "print the revision ids, LABEL@head, LABEL@base and target keywords of "
                       "this project, one a line (what the scripts offer for REV and TARGET)");
    if (!line.parse(context, args)) {
        return 0;
    }
    if (list_targets) {
        if (!shell.empty()) {
            throw UsageError("--list-targets takes no SHELL (see 'rev completion --help')");
        }
        return print_targets(context);
    }
    if (shell.empty()) {
        throw UsageError("missing SHELL (see 'rev completion --help')");
    }
    script_for(shell).write(context.out(), completion_model());
    return 0;
}

} // namespace rev::cli
