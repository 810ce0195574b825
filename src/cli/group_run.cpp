// `rev -g GROUP COMMAND`: the command run on every database of a group at once, through the
// library's fleet runner (rev/fleet.hpp), one line per database as it finishes, then a table
// or one JSON document.
#include "cli.hpp"
#include "json.hpp"

#include <rev/database_targets.hpp>
#include <rev/error.hpp>
#include <rev/fleet.hpp>

#include <algorithm>
#include <atomic>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <sstream>

namespace rev::cli {

namespace {

constexpr std::string_view k_group_commands[] = {"upgrade", "downgrade", "stamp", "current",
                                                 "status",  "check",     "verify"};

// A command that ended with a status other than 0 but no error: `rev check`'s findings.
class ExitStatusError : public Error {
public:
    explicit ExitStatusError(int status) : Error("exit status " + std::to_string(status)) {}
};

// One database of the run, and what the command made of it.
struct Slot {
    DatabaseTarget target;
    std::string display; // the URL, password masked
    std::ostringstream out;
    std::ostringstream err;
    TargetSummary summary;
    std::optional<toml::table> document;
};

std::vector<std::string> query_urls(const Config& source, const std::string& sql) {
    const DatabaseUrl url = parse_database_url(
        expand_variables(source.database_url, source.database_url_source, process_environment()),
        source.root());
    auto database = connect(url, {source.version_table, source.version_schema}, IfMissing::fail);
    return database->first_column(sql);
}

// Every database of the group, each URL expanded and parsed: what is wrong with any of them
// is said before anything runs.
std::vector<std::unique_ptr<Slot>> slots_of(const Config& config, const std::string& group) {
    std::vector<std::unique_ptr<Slot>> slots;
    for (DatabaseTarget& target : resolve_group(config, group, query_urls)) {
        auto slot = std::make_unique<Slot>();
        const Config chosen = config_for(config, target);
        try {
            slot->display =
                parse_database_url(expand_variables(chosen.database_url, chosen.database_url_source,
                                                    process_environment()),
                                   chosen.root())
                    .display;
        } catch (Error& error) {
            error.add_context(target.origin);
            throw;
        }
        slot->target = std::move(target);
        slots.push_back(std::move(slot));
    }
    return slots;
}

void run_slot(Context& parent, const Command& command, const Args& args, Slot& slot) {
    Context context(parent, config_for(parent.config(), slot.target), slot.out, slot.err);
    const int status = command.run(context, args);
    slot.summary = context.summary();
    if (!context.kept_json().empty()) {
        slot.document = context.kept_json();
    }
    if (status != 0) {
        throw ExitStatusError(status);
    }
}

std::string one_line(const std::string& text) {
    std::string line = text;
    std::replace(line.begin(), line.end(), '\n', ' ');
    return line;
}

std::string at_text(const RevisionGraph& graph, const TargetSummary& summary) {
    if (!summary.at) {
        return "";
    }
    return summary.at->empty() ? "base" : graph.id_list(*summary.at);
}

const char* outcome_name(FleetOutcome::Status status) {
    static constexpr const char* names[] = {"ok", "failed", "not run"};
    return names[static_cast<int>(status)];
}

// "ok tenant-0042 at 5e6f70 (12 upgraded, 80 ms)", or "failed NAME (80 ms): ERROR".
std::string outcome_line(const RevisionGraph& graph, const Slot& slot,
                         const FleetOutcome& outcome) {
    std::string line = std::string(outcome_name(outcome.status)) + " " + slot.target.name;
    const std::string ms = std::to_string(outcome.duration.count()) + " ms";
    if (outcome.status == FleetOutcome::Status::failed) {
        return line + " (" + ms + "): " + one_line(outcome.error);
    }
    if (const std::string at = at_text(graph, slot.summary); !at.empty()) {
        line += " at " + at;
    }
    if (slot.summary.steps) {
        return line + " (" + std::to_string(*slot.summary.steps) + " " + slot.summary.verb + ", " +
               ms + ")";
    }
    return line + " (" + ms + ")";
}

// What the command printed for one database, each line after `prefix`: indented below the
// database's line, or after its name when -q leaves that line out.
void print_below(std::ostream& out, const std::string& text, const std::string& prefix) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        out << prefix << line << "\n";
    }
}

void print_table(Context& context, const RevisionGraph& graph,
                 const std::vector<std::unique_ptr<Slot>>& slots, const FleetResult& result) {
    std::size_t width = std::string_view("target").size();
    for (const auto& slot : slots) {
        width = std::max(width, slot->target.name.size());
    }
    std::ostream& out = context.out();
    out << std::left << std::setw(static_cast<int>(width + 2)) << "target" << std::setw(9)
        << "outcome"
        << "time      at\n";
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const FleetOutcome& outcome = result.outcomes[i];
        const std::string ms = std::to_string(outcome.duration.count()) + " ms";
        out << std::setw(static_cast<int>(width + 2)) << slots[i]->target.name << std::setw(9)
            << outcome_name(outcome.status) << std::setw(10)
            << (outcome.status == FleetOutcome::Status::not_run ? "-" : ms)
            << at_text(graph, slots[i]->summary) << "\n";
    }
    out << slots.size() << " databases: " << result.count(FleetOutcome::Status::ok) << " ok, "
        << result.count(FleetOutcome::Status::failed) << " failed, "
        << result.count(FleetOutcome::Status::not_run) << " not run\n";
}

toml::table slot_json(const RevisionGraph& graph, const Slot& slot, const FleetOutcome& outcome) {
    static constexpr const char* names[] = {"ok", "failed", "not_run"};
    toml::table json{{"name", slot.target.name},
                     {"url", slot.display},
                     {"outcome", names[static_cast<int>(outcome.status)]},
                     {"duration_ms", static_cast<std::int64_t>(outcome.duration.count())}};
    if (slot.summary.steps) {
        json.insert("revisions_moved", static_cast<std::int64_t>(*slot.summary.steps));
    }
    if (slot.summary.at) {
        json.insert("at", ids_json(graph, *slot.summary.at));
    }
    if (!outcome.error.empty()) {
        json.insert("error", outcome.error);
    }
    if (slot.document) {
        toml::table result = *slot.document;
        result.erase("format_version");
        json.insert("result", std::move(result));
    }
    return json;
}

void print_group_json(Context& context, const std::string& command, const RevisionGraph& graph,
                      const std::vector<std::unique_ptr<Slot>>& slots, const FleetResult& result) {
    toml::array databases;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        databases.push_back(slot_json(graph, *slots[i], result.outcomes[i]));
    }
    toml::table json = json_document();
    json.insert("group", context.options().group);
    json.insert("command", command);
    json.insert("databases", std::move(databases));
    json.insert("ok", static_cast<std::int64_t>(result.count(FleetOutcome::Status::ok)));
    json.insert("failed", static_cast<std::int64_t>(result.count(FleetOutcome::Status::failed)));
    json.insert("not_run", static_cast<std::int64_t>(result.count(FleetOutcome::Status::not_run)));
    json.insert("interrupted", result.interrupted);
    print_json(context, json);
}

void check_group_command(const Command& command) {
    if (std::find(std::begin(k_group_commands), std::end(k_group_commands), command.name) ==
        std::end(k_group_commands)) {
        throw UsageError("--group runs upgrade, downgrade, stamp, current, status, check and "
                         "verify, not '" +
                         std::string(command.name) + "'");
    }
}

// The first usage error a database's command met: every other database would meet it too.
struct UsageStop {
    std::atomic<bool> met{false};
    std::mutex mutex;
    std::exception_ptr error;
};

FleetResult run_slots(Context& context, const Command& command, const Args& args,
                      std::vector<std::unique_ptr<Slot>>& slots, UsageStop& usage) {
    const RevisionGraph& graph = context.graph();
    FleetOptions options;
    options.jobs = context.options().jobs;
    options.fail_fast = context.options().fail_fast;
    options.stop = [&usage] { return usage.met.load(); };
    options.on_done = [&](std::size_t index, const FleetOutcome& outcome) {
        if (usage.met) {
            return; // said once, as the run's error
        }
        const Slot& slot = *slots[index];
        context.progress() << outcome_line(graph, slot, outcome) << "\n";
        const std::string prefix = context.options().quiet ? slot.target.name + ": " : "    ";
        print_below(std::cerr, slot.err.str(), prefix);
        if (!context.json()) {
            print_below(context.out(), slot.out.str(), prefix);
        }
    };
    return run_fleet(
        slots.size(),
        [&](std::size_t index) {
            try {
                run_slot(context, command, args, *slots[index]);
            } catch (const UsageError&) {
                const std::lock_guard lock(usage.mutex);
                if (!usage.met.exchange(true)) {
                    usage.error = std::current_exception();
                }
                throw;
            }
        },
        options);
}

} // namespace

int run_on_group(Context& context, const Command& command, const Args& args) {
    check_group_command(command);
    if (std::find_if(args.begin(), args.end(), [](const std::string& arg) {
            return arg == "-h" || arg == "--help";
        }) != args.end()) {
        return command.run(context, args);
    }
    context.use_json(asks_for_json(args));
    std::vector<std::unique_ptr<Slot>> slots = slots_of(context.config(), context.options().group);
    const RevisionGraph& graph = context.graph(); // loaded once, shared by every job
    UsageStop usage;
    const FleetResult result = run_slots(context, command, args, slots, usage);
    if (usage.error) {
        std::rethrow_exception(usage.error);
    }
    if (context.json()) {
        print_group_json(context, std::string(command.name), graph, slots, result);
    } else {
        print_table(context, graph, slots, result);
    }
    if (result.interrupted) {
        context.warn("interrupted: " + std::to_string(result.count(FleetOutcome::Status::not_run)) +
                     " of " + std::to_string(slots.size()) + " databases were not started");
        return k_exit_interrupted;
    }
    return result.count(FleetOutcome::Status::ok) == slots.size() ? 0 : k_exit_error;
}

} // namespace rev::cli
