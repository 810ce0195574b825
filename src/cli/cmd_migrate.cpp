// Commands that move a database: upgrade, downgrade, stamp. The move itself is the library's
// (rev/migrate.hpp); these parse, choose the runner and print.
#include "cli.hpp"
#include "json.hpp"
#include "option_value.hpp"
#include "progress.hpp"
#include "terminal.hpp"

#include <rev/dry_run.hpp>
#include <rev/error.hpp>
#include <rev/integrity.hpp>
#include <rev/migrate.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>

namespace rev::cli {

namespace {

struct MoveArguments {
    std::string target;
    bool sql = false;
    bool dry_run = false;
    bool purge = false;
    std::string transaction;
    std::optional<double> lock_timeout;
    std::optional<double> pg_lock_timeout;
    std::optional<std::size_t> pg_lock_retries;
};

void add_move_options(CommandLine& line, MoveArguments& arguments, MoveKind kind) {
    line.add_positional("TARGET", 1, po::value(&arguments.target)->required(),
                        "head, heads, base, REV, LABEL@head, +N, -N, REV+N, ... "
                        "(with --sql: FROM:TO)");
    line.add_options() //
        ("sql", po::bool_switch(&arguments.sql),
         "print the SQL of the move instead of running it; needs no connection")            //
        ("dry-run", po::bool_switch(&arguments.dry_run), "print the steps; change nothing") //
        ("lock-timeout", seconds_value("--lock-timeout", arguments.lock_timeout),
         "how long to wait for another rev moving the same database (default 60)") //
        ("pg-lock-timeout", seconds_value("--pg-lock-timeout", arguments.pg_lock_timeout),
         "PostgreSQL: how long each statement may wait for a lock; 0: forever (default 5)") //
        ("pg-lock-retries", count_value("--pg-lock-retries", arguments.pg_lock_retries, 0),
         "PostgreSQL: how often a step that waited too long for a lock runs again (default 3)");
    if (kind == MoveKind::stamp) {
        line.add_options()("purge", po::bool_switch(&arguments.purge),
                           "forget every recorded revision first, in the same transaction");
    } else {
        line.add_options()("transaction",
                           choice_value("--transaction", arguments.transaction, {"revision", "all"})
                               ->value_name("MODE"),
                           "'revision' (one per revision, the default) or 'all' (one for the "
                           "whole move)");
    }
}

TransactionMode transaction_mode(Context& context, const MoveArguments& arguments) {
    if (arguments.transaction.empty()) {
        return context.config().transaction_mode;
    }
    // choice_value let only these two through.
    return arguments.transaction == "all" ? TransactionMode::all : TransactionMode::per_revision;
}

const char* kind_name(MoveKind kind) {
    static constexpr const char* names[] = {"upgrade", "downgrade", "stamp"};
    return names[static_cast<int>(kind)];
}

toml::table step_json(const RevisionGraph& graph, const Step& step) {
    const Revision& revision = graph.revision(step.revision);
    return toml::table{{"direction", step.direction == Direction::up ? "up" : "down"},
                       {"revision", revision.id},
                       {"message", revision.message}};
}

// The steps a move made (or, dry, would make), as --format json reports them.
toml::table move_json(MoveKind kind, const std::string& database, bool dry, toml::array steps) {
    toml::table json = json_document();
    json.insert("database", database);
    json.insert("kind", kind_name(kind));
    json.insert("dry_run", dry);
    json.insert("steps", std::move(steps));
    return json;
}

// Where the steps' progress goes: context.progress(), in place and in colour when that is a
// terminal (standard error for --format json, standard output else); nothing with -q.
std::unique_ptr<StepProgress> step_progress(Context& context) {
    const int fd = context.options().quiet ? -1 : context.json() ? STDERR_FILENO : STDOUT_FILENO;
    auto progress = std::make_unique<StepProgress>(
        context.progress(), StepProgress::Style{is_terminal(fd), colour_for(fd)});
    progress->start_ticker();
    return progress;
}

// "upgrading a1  add users", what a terminal shows while the step runs.
std::string running_label(const Revision& revision, const Step& step, MoveKind kind) {
    const char* verb = kind == MoveKind::stamp           ? "stamping"
                       : step.direction == Direction::up ? "upgrading"
                                                         : "downgrading";
    return std::string(verb) + " " + revision.id + "  " + revision.message;
}

ApplyOptions apply_options(Context& context, const MoveArguments& arguments, MoveKind kind,
                           StepProgress* progress = nullptr, toml::array* done = nullptr) {
    ApplyOptions apply;
    apply.mode = transaction_mode(context, arguments);
    apply.stamp = kind == MoveKind::stamp;
    apply.purge_first = arguments.purge;
    if (progress == nullptr) {
        return apply;
    }
    apply.on_start = [&context, progress, kind](const Step& step) {
        progress->started(running_label(context.graph().revision(step.revision), step, kind));
    };
    apply.on_step = [&context, progress, done](const StepOutcome& outcome) {
        if (done != nullptr) {
            toml::table step = step_json(context.graph(), outcome.step);
            step.insert("duration_ms", static_cast<std::int64_t>(outcome.duration_ms));
            done->push_back(std::move(step));
        }
        const Revision& revision = context.graph().revision(outcome.step.revision);
        progress->finished(outcome.step.direction == Direction::up ? "up" : "down",
                           revision.id + "  " + revision.message + "  (" +
                               std::to_string(outcome.duration_ms) + " ms)");
    };
    return apply;
}

std::chrono::milliseconds milliseconds_of(double seconds) {
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// "0.25 s"
std::string pause_text(std::chrono::milliseconds pause) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.2f s", static_cast<double>(pause.count()) / 1000.0);
    return text;
}

// [postgresql] and its options: how a step's statements wait for locks, and how often a step
// that waited too long runs again, each retry said as a warning.
void give_way(Context& context, const MoveArguments& arguments, MoveOptions& options) {
    const PostgresSettings& settings = context.config().postgresql;
    const double lock_wait = arguments.pg_lock_timeout.value_or(settings.lock_timeout_seconds);
    options.limits = {milliseconds_of(lock_wait),
                      milliseconds_of(settings.statement_timeout_seconds)};
    options.apply.lock_retries = arguments.pg_lock_retries
                                     ? static_cast<int>(*arguments.pg_lock_retries)
                                     : settings.lock_retries;
    // The first pause is as long as the wait it follows; a script's own NOWAIT gets a short one.
    options.apply.retry_pause =
        std::max(milliseconds_of(lock_wait), std::chrono::milliseconds(100));
    options.apply.on_retry = [&context](const LockRetry& retry) {
        const Revision& revision = context.graph().revision(retry.step.revision);
        context.warn(
            std::string(retry.step.direction == Direction::up ? "upgrade " : "downgrade ") +
            revision.id + ": " + retry.error + "; retry " + std::to_string(retry.retry) + " of " +
            std::to_string(retry.retries) + " in " + pause_text(retry.pause));
    };
}

// Runs `plan` through a runner that only prints (--sql, --dry-run).
void print_plan(Context& context, StepRunner& runner, const Plan& plan,
                const MoveArguments& arguments, MoveKind kind) {
    Applier(context.graph(), runner, apply_options(context, arguments, kind)).apply(plan);
}

// --sql: the start is given as FROM:TO, so no connection is needed.
int print_sql(Context& context, const MoveArguments& arguments, MoveKind kind) {
    const RevisionGraph& graph = context.graph();
    std::string from = "base";
    std::string to = arguments.target;
    if (const std::size_t colon = to.find(':'); colon != std::string::npos) {
        from = to.substr(0, colon);
        to = to.substr(colon + 1);
    } else if (kind == MoveKind::downgrade) {
        throw UsageError("downgrade --sql needs FROM:TO, e.g. head:base");
    }
    const AppliedSet start = arguments.purge ? AppliedSet{} : applied_at(graph, parse_target(from));
    const Plan plan = plan_move(kind, graph, start, parse_target(to));
    auto printer =
        make_sql_printer(context.database_url(), context.version_tables(), context.out());
    print_plan(context, *printer, plan, arguments, kind);
    return 0;
}

int dry_run(Context& context, const MoveArguments& arguments, MoveKind kind) {
    const DatabaseUrl url = context.database_url();
    AppliedSet applied;
    if (!arguments.purge) {
        // A database that does not exist yet has applied nothing; a dry run must not create it.
        if (auto database = context.connect(IfMissing::skip)) {
            // The real move would refuse: so does its rehearsal.
            applied = guard_move(context.graph(), database->applied(), url.display,
                                 [&context](const std::string& message) { context.warn(message); });
        }
    }
    const Plan plan = plan_move(kind, context.graph(), applied, parse_target(arguments.target));
    if (context.json()) {
        toml::array steps;
        for (const Step& step : plan.steps) {
            steps.push_back(step_json(context.graph(), step));
        }
        print_json(context, move_json(kind, url.display, true, std::move(steps)));
        return 0;
    }
    context.out() << "dry run on " << url.display << ": " << plan.steps.size()
                  << (plan.steps.size() == 1 ? " step" : " steps") << ", nothing is changed\n";
    DryRunRunner runner(context.out());
    print_plan(context, runner, plan, arguments, kind);
    return 0;
}

// Opens the database, and has it read its schema, while the revisions load in another thread:
// SQLite parses the whole schema at the first statement, which at 10,000 tables takes as long
// as the load. Only what has no side effect happens before the revisions are known to be
// good: a database the move would create is created afterwards, and an error here (an
// unreachable server) is reported only if the revisions loaded, as it would have been.
std::unique_ptr<Database> open_while_loading(Context& context, MoveKind kind) {
    context.load_graph_in_background();
    std::unique_ptr<Database> database;
    std::exception_ptr error;
    try {
        database = context.connect(IfMissing::skip);
        if (database) {
            database->has_version_tables();
        }
    } catch (const Error&) {
        error = std::current_exception();
    }
    context.graph();
    if (error) {
        std::rethrow_exception(error);
    }
    return database
               ? std::move(database)
               : context.connect(kind == MoveKind::downgrade ? IfMissing::fail : IfMissing::create);
}

int run_move(Context& context, const MoveArguments& arguments, MoveKind kind) {
    if (arguments.sql) {
        return print_sql(context, arguments, kind);
    }
    if (arguments.dry_run) {
        return dry_run(context, arguments, kind);
    }
    auto database = open_while_loading(context, kind);
    const RevisionGraph& graph = context.graph();
    const Target target = parse_target(arguments.target);
    MoveOptions options;
    options.kind = kind;
    toml::array done;
    const std::unique_ptr<StepProgress> progress = step_progress(context);
    // The steps' JSON is built only for a JSON document: a text run of 10,000 steps needs none.
    options.apply =
        apply_options(context, arguments, kind, progress.get(), context.json() ? &done : nullptr);
    options.purge = arguments.purge;
    options.on_warning = [&context](const std::string& message) { context.warn(message); };
    options.lock_timeout = context.lock_timeout(arguments.lock_timeout);
    give_way(context, arguments, options);

    const auto started = std::chrono::steady_clock::now();
    const MoveResult result = move_database(*database, graph, target, options);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    const RevisionGraph::Vertices heads = result.applied.heads(graph);
    static constexpr const char* verbs[] = {"upgraded", "downgraded", "stamped"};
    context.summary() = {result.steps, verbs[static_cast<int>(kind)], heads};
    progress->line(
        (result.steps == 0 ? std::string("nothing to do")
                           : std::to_string(result.steps) + " " + verbs[static_cast<int>(kind)] +
                                 " in " + std::to_string(elapsed.count()) + " ms") +
        "; " + database->name() + " is at " + (heads.empty() ? "base" : graph.id_list(heads)));
    if (context.json()) {
        toml::table json = move_json(kind, database->name(), false, std::move(done));
        json.insert("at", ids_json(graph, heads));
        json.insert("duration_ms", static_cast<std::int64_t>(elapsed.count()));
        print_json(context, json);
    }
    return 0;
}

int move_command(Context& context, const Args& args, MoveKind kind, std::string_view name) {
    CommandLine line(command_named(name));
    MoveArguments arguments;
    add_move_options(line, arguments, kind);
    line.add_format();
    if (!line.parse(context, args)) {
        return 0;
    }
    if (arguments.sql && arguments.dry_run) {
        throw UsageError("--sql and --dry-run cannot be combined");
    }
    if (arguments.sql && context.json()) {
        throw UsageError("--sql prints SQL; it cannot be combined with --format json");
    }
    return run_move(context, arguments, kind);
}

} // namespace

int cmd_upgrade(Context& context, const Args& args) {
    return move_command(context, args, MoveKind::upgrade, "upgrade");
}

int cmd_downgrade(Context& context, const Args& args) {
    return move_command(context, args, MoveKind::downgrade, "downgrade");
}

int cmd_stamp(Context& context, const Args& args) {
    return move_command(context, args, MoveKind::stamp, "stamp");
}

} // namespace rev::cli
