// Commands that move a database: upgrade, downgrade, stamp.
#include "cli.hpp"
#include "format.hpp"

#include <rev/applier.hpp>
#include <rev/error.hpp>
#include <rev/target.hpp>

#include <chrono>
#include <iostream>

namespace rev::cli {

namespace {

enum class Move { upgrade, downgrade, stamp };

struct MoveOptions {
    std::string target;
    bool sql = false;
    bool dry_run = false;
    bool purge = false;
    std::string transaction;
    double lock_timeout = -1;
};

Plan plan_move(Move move, const RevisionGraph& graph, const AppliedSet& applied,
               const Target& target) {
    switch (move) {
    case Move::upgrade:
        return plan_upgrade(graph, applied, target);
    case Move::downgrade:
        return plan_downgrade(graph, applied, target);
    case Move::stamp:
        break;
    }
    return plan_stamp(graph, applied, target);
}

void add_move_options(CommandLine& line, MoveOptions& options, Move move) {
    line.add_positional("TARGET", 1, po::value(&options.target)->required(),
                        "head, heads, base, REV, LABEL@head, +N, -N, REV+N, ... "
                        "(with --sql: FROM:TO)");
    line.add_options() //
        ("sql", po::bool_switch(&options.sql),
         "print the SQL of the move instead of running it; needs no connection")          //
        ("dry-run", po::bool_switch(&options.dry_run), "print the steps; change nothing") //
        ("lock-timeout", po::value(&options.lock_timeout)->value_name("SECONDS"),
         "how long to wait for another rev moving the same database (default 60)");
    if (move == Move::stamp) {
        line.add_options()("purge", po::bool_switch(&options.purge),
                           "forget every applied revision first");
    } else {
        line.add_options()("transaction", po::value(&options.transaction)->value_name("MODE"),
                           "'revision' (one per revision, the default) or 'all' (one for the "
                           "whole move)");
    }
}

TransactionMode transaction_mode(Context& context, const MoveOptions& options) {
    if (options.transaction.empty()) {
        return context.config().transaction_mode;
    }
    if (options.transaction == "revision") {
        return TransactionMode::per_revision;
    }
    if (options.transaction == "all") {
        return TransactionMode::all;
    }
    throw UsageError("--transaction must be 'revision' or 'all', not '" + options.transaction +
                     "'");
}

ApplyOptions apply_options(Context& context, const MoveOptions& options, Move move) {
    ApplyOptions apply;
    apply.mode = move == Move::stamp ? TransactionMode::all : transaction_mode(context, options);
    apply.stamp = move == Move::stamp;
    if (!options.dry_run && !options.sql) {
        apply.on_step = [&context](const StepOutcome& outcome) {
            const Revision& revision = context.graph().revision(outcome.step.revision);
            context.progress() << (outcome.step.direction == Direction::up ? "  up    "
                                                                           : "  down  ")
                               << revision.id << "  " << revision.message << "  ("
                               << outcome.duration_ms << " ms)\n";
        };
    }
    return apply;
}

// --sql: the start is given as FROM:TO, so no connection is needed.
int print_sql(Context& context, const MoveOptions& options, Move move) {
    if (options.purge) {
        throw UsageError("--purge cannot be combined with --sql");
    }
    const RevisionGraph& graph = context.graph();
    std::string from = "base";
    std::string to = options.target;
    if (const std::size_t colon = to.find(':'); colon != std::string::npos) {
        from = to.substr(0, colon);
        to = to.substr(colon + 1);
    } else if (move == Move::downgrade) {
        throw UsageError("downgrade --sql needs FROM:TO, e.g. head:base");
    }
    AppliedSet start;
    start.in_order = graph.ancestors(resolve_target(graph, parse_target(from)),
                                     Follow::parents_and_dependencies, Inclusive::yes);
    const Plan plan = plan_move(move, graph, start, parse_target(to));
    auto printer =
        make_sql_printer(context.database_url(), context.version_tables(), context.out());
    Applier(graph, *printer, apply_options(context, options, move)).apply(plan);
    return 0;
}

int dry_run(Context& context, const MoveOptions& options, Move move) {
    const DatabaseUrl url = context.database_url();
    AppliedSet applied;
    std::error_code ec;
    if (url.kind != DatabaseUrl::Kind::sqlite || url.is_memory() ||
        std::filesystem::exists(url.sqlite_path, ec)) {
        applied = context.applied_set(*context.connect(CreateIfMissing::no));
    }
    const Plan plan = plan_move(move, context.graph(), applied, parse_target(options.target));
    context.out() << "dry run on " << url.display << ": " << plan.steps.size()
                  << (plan.steps.size() == 1 ? " step" : " steps") << ", nothing is changed\n";
    DryRunRunner runner(context.out());
    Applier(context.graph(), runner, apply_options(context, options, move)).apply(plan);
    return 0;
}

int run_move(Context& context, const MoveOptions& options, Move move) {
    if (options.sql) {
        return print_sql(context, options, move);
    }
    if (options.dry_run) {
        return dry_run(context, options, move);
    }
    const RevisionGraph& graph = context.graph();
    const Target target = parse_target(options.target);
    auto database =
        context.connect(move == Move::downgrade ? CreateIfMissing::no : CreateIfMissing::yes);
    const double timeout =
        options.lock_timeout >= 0 ? options.lock_timeout : context.config().lock_timeout_seconds;
    database->lock(std::chrono::milliseconds(static_cast<long long>(timeout * 1000)));
    database->ensure_version_tables();
    if (options.purge) {
        database->purge();
    }
    const Plan plan = plan_move(move, graph, context.applied_set(*database), target);
    const auto started = std::chrono::steady_clock::now();
    const std::size_t done =
        Applier(graph, database->runner(), apply_options(context, options, move)).apply(plan);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    const AppliedSet now = context.applied_set(*database);
    std::string at;
    for (auto head : now.heads(graph)) {
        at += (at.empty() ? "" : ", ") + graph.revision(head).id;
    }
    static constexpr const char* verbs[] = {"upgraded", "downgraded", "stamped"};
    context.progress() << (done == 0 ? "nothing to do"
                                     : std::to_string(done) + " " + verbs[static_cast<int>(move)] +
                                           " in " + std::to_string(elapsed.count()) + " ms")
                       << "; " << database->url().display << " is at " << (at.empty() ? "base" : at)
                       << "\n";
    return 0;
}

int move_command(Context& context, const Args& args, Move move, std::string_view name) {
    CommandLine line(command_named(name));
    MoveOptions options;
    add_move_options(line, options, move);
    if (!line.parse(context, args)) {
        return 0;
    }
    if (options.sql && options.dry_run) {
        throw UsageError("--sql and --dry-run cannot be combined");
    }
    return run_move(context, options, move);
}

} // namespace

int cmd_upgrade(Context& context, const Args& args) {
    return move_command(context, args, Move::upgrade, "upgrade");
}

int cmd_downgrade(Context& context, const Args& args) {
    return move_command(context, args, Move::downgrade, "downgrade");
}

int cmd_stamp(Context& context, const Args& args) {
    return move_command(context, args, Move::stamp, "stamp");
}

} // namespace rev::cli
