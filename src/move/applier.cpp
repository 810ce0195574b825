#include "move/transaction_guard.hpp"

#include <rev/applier.hpp>
#include <rev/checksum.hpp>
#include <rev/loader.hpp>
#include <rev/metrics.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <random>
#include <system_error>
#include <thread>

namespace rev {

namespace {

StepRecord::Event event_for(Direction direction, bool stamp) {
    if (stamp) {
        return direction == Direction::up ? StepRecord::Event::stamp_up
                                          : StepRecord::Event::stamp_down;
    }
    return direction == Direction::up ? StepRecord::Event::upgrade : StepRecord::Event::downgrade;
}

std::string steps_text(std::size_t count) {
    return std::to_string(count) + (count == 1 ? " earlier step stays" : " earlier steps stay");
}

} // namespace

Applier::Applier(const RevisionGraph& graph, StepRunner& runner, ApplyOptions options)
    : m_graph(graph), m_runner(runner), m_options(std::move(options)),
      // Once per move: without USER set, each lookup reads the password database.
      m_actor(current_actor()) {
    // A stamp only writes records, so it is all or nothing, whatever the caller asked.
    if (m_options.stamp) {
        m_options.mode = TransactionMode::all;
    }
}

StepRecord Applier::new_record(StepRecord::Event event, const std::string& revision,
                               Checksums checksums) const {
    return make_record_by(m_actor, event, revision, std::move(checksums));
}

std::size_t Applier::apply(const Plan& plan) {
    check_transaction_modes(plan);
    const std::vector<StepFiles> files = read_step_files(plan);
    if (m_options.purge_first) {
        detail::TransactionGuard transaction(m_runner);
        purge();
        if (m_options.mode == TransactionMode::all) {
            return run_all(plan, files, transaction);
        }
        transaction.commit();
    } else if (m_options.mode == TransactionMode::all) {
        detail::TransactionGuard transaction(m_runner);
        return run_all(plan, files, transaction);
    }
    std::size_t done = 0;
    for (const Step& step : plan.steps) {
        StepOutcome outcome;
        try {
            outcome = run_in_own_transaction(step, files[done]);
        } catch (Error& error) {
            explain_failure(step, error, done);
            throw;
        }
        ++done;
        report(outcome);
    }
    return done;
}

std::vector<Applier::StepFiles> Applier::read_step_files(const Plan& plan) const {
    // Every file is read and checked before the first statement, so that an unreadable or
    // malformed script stops the move before anything runs. Each is read once: what runs is
    // exactly what the checksum describes.
    static Metric reads("move: read and hash step files");
    const MetricTimer timer(reads);
    std::vector<StepFiles> files(plan.steps.size());
    std::vector<std::exception_ptr> errors(plan.steps.size());
    const auto read_range = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            try {
                files[i].files = read_revision_files(m_graph.revision(plan.steps[i].revision));
                files[i].checksums = checksums_of(files[i].files);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    // On a long move this costs about as much as the bookkeeping, so a second thread takes half.
    // Below a few dozen steps, starting it costs more than it saves.
    constexpr std::size_t k_threaded_from = 64;
    const std::size_t half = plan.steps.size() >= k_threaded_from ? plan.steps.size() / 2 : 0;
    std::optional<std::thread> helper;
    try {
        if (half > 0) {
            helper.emplace(read_range, half, plan.steps.size());
        }
    } catch (const std::system_error&) {
        helper.reset();
    }
    read_range(0, helper ? half : plan.steps.size());
    if (helper) {
        helper->join();
    }
    // The first failing file in plan order, as a sequential read would report it.
    for (const std::exception_ptr& error : errors) {
        if (error) {
            std::rethrow_exception(error);
        }
    }
    return files;
}

std::size_t Applier::run_all(const Plan& plan, const std::vector<StepFiles>& files,
                             detail::TransactionGuard& transaction) {
    // Steps are reported only once the transaction that holds them has committed.
    std::vector<StepOutcome> outcomes;
    for (const Step& step : plan.steps) {
        if (m_options.on_start) {
            m_options.on_start(step);
        }
        try {
            outcomes.push_back(run_step(step, files[outcomes.size()]));
        } catch (Error& error) {
            explain_failure(step, error, outcomes.size());
            throw;
        }
    }
    transaction.commit();
    for (const StepOutcome& outcome : outcomes) {
        report(outcome);
    }
    return outcomes.size();
}

void Applier::check_transaction_modes(const Plan& plan) const {
    if (m_options.mode != TransactionMode::all || m_options.stamp) {
        return;
    }
    for (const Step& step : plan.steps) {
        const Revision& revision = m_graph.revision(step.revision);
        if (!revision.transactional) {
            throw RefusedError(display_path(revision.manifest_path()) + ": revision " +
                               revision.id +
                               " has transactional = false and cannot run inside "
                               "--transaction all; run it in per-revision mode");
        }
    }
}

template <class Attempt>
auto Applier::retrying(const Step& step, bool outside_transaction, Attempt attempt) {
    for (int retries = 0;; ++retries) {
        try {
            return attempt();
        } catch (DatabaseError& error) {
            if (!may_retry(error, retries, outside_transaction)) {
                if (retries > 0) {
                    error.add_note("gave up after " + std::to_string(retries) +
                                   (retries == 1 ? " retry" : " retries"));
                }
                throw;
            }
            before_retry(step, error, retries + 1);
        }
    }
}

StepOutcome Applier::run_in_own_transaction(const Step& step, const StepFiles& files) {
    if (m_options.on_start) {
        m_options.on_start(step);
    }
    if (!m_graph.revision(step.revision).transactional && !m_options.stamp) {
        return run_outside_transaction(step, files);
    }
    return retrying(step, false, [&] {
        detail::TransactionGuard transaction(m_runner);
        StepOutcome outcome = run_step(step, files);
        transaction.commit();
        return outcome;
    });
}

bool Applier::may_retry(const DatabaseError& error, int retries_done,
                        bool outside_transaction) const {
    if (error.cause() != DatabaseError::Cause::lock_not_available ||
        retries_done >= m_options.lock_retries) {
        return false;
    }
    const auto* script_error = dynamic_cast<const ScriptError*>(&error);
    return !outside_transaction || (script_error != nullptr && script_error->statement() == 1);
}

void Applier::before_retry(const Step& step, const DatabaseError& error, int retry) {
    // Doubling from the base, times 0.5 to 1.5: movers that timed out together do not all
    // come back at the same moment.
    thread_local std::mt19937 random(std::random_device{}());
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    const auto pause = std::chrono::milliseconds(
        static_cast<long long>(static_cast<double>(m_options.retry_pause.count()) *
                               (1 << std::min(retry - 1, 10)) * jitter(random)));
    const std::optional<std::string> location = script_location(step, error);
    const std::string what = location ? *location + ": " + error.message() : error.message();
    StepRecord record =
        new_record(StepRecord::Event::lock_retry, m_graph.revision(step.revision).id);
    record.detail = "retry " + std::to_string(retry) + " of " +
                    std::to_string(m_options.lock_retries) + ": " + what;
    record_alone(record);
    if (m_options.on_retry) {
        m_options.on_retry({step, what, retry, m_options.lock_retries, pause});
    }
    std::this_thread::sleep_for(pause);
}

StepOutcome Applier::run_outside_transaction(const Step& step, const StepFiles& files) {
    const Revision& revision = m_graph.revision(step.revision);
    const bool up = step.direction == Direction::up;
    // Marked before the script runs, so that a failure or a crash half-way leaves the mark.
    const Checksums& checksums = files.checksums;
    record_alone(
        new_record(up ? StepRecord::Event::upgrade_started : StepRecord::Event::downgrade_started,
                   revision.id, checksums));
    StepRecord record =
        new_record(up ? StepRecord::Event::upgrade_finished : StepRecord::Event::downgrade,
                   revision.id, checksums);
    try {
        record.duration_ms = retrying(step, true, [&] { return run_script(step, files); });
    } catch (DatabaseError& error) {
        if (error.cause() == DatabaseError::Cause::connection_lost) {
            // Nothing can be recorded now: the mark from before the script says it did not
            // finish.
            throw;
        }
        record_failure(revision, record.checksums, step, error);
        throw;
    } catch (Error& error) {
        record_failure(revision, record.checksums, step, error);
        throw;
    }
    record_alone(record);
    return {step, record.duration_ms};
}

void Applier::record_failure(const Revision& revision, const Checksums& checksums, const Step& step,
                             Error& error) {
    const bool up = step.direction == Direction::up;
    StepRecord failed =
        new_record(up ? StepRecord::Event::upgrade_failed : StepRecord::Event::downgrade_failed,
                   revision.id, checksums);
    const std::optional<std::string> location = script_location(step, error);
    failed.detail = location ? *location + ": " + error.what() : error.what();
    try {
        record_alone(failed);
    } catch (const Error& bookkeeping) {
        // The mark from before the script stays, so the step still shows as unfinished;
        // the script's error is the one to report, with this one beside it.
        error.add_note(std::string("recording the failure failed too: ") + bookkeeping.what());
    }
}

void Applier::record_alone(const StepRecord& record) {
    detail::TransactionGuard transaction(m_runner);
    m_runner.record(record);
    transaction.commit();
}

StepOutcome Applier::run_step(const Step& step, const StepFiles& files) {
    const Revision& revision = m_graph.revision(step.revision);
    const long long duration_ms = m_options.stamp ? 0 : run_script(step, files);
    StepRecord record =
        new_record(event_for(step.direction, m_options.stamp), revision.id, files.checksums);
    record.duration_ms = duration_ms;
    static Metric records("move: record a step");
    const MetricTimer timer(records);
    m_runner.record(record);
    return {step, duration_ms};
}

long long Applier::run_script(const Step& step, const StepFiles& files) {
    const Revision& revision = m_graph.revision(step.revision);
    const bool up = step.direction == Direction::up;
    static Metric scripts("move: run a script");
    const MetricTimer timer(scripts);
    const auto started = std::chrono::steady_clock::now();
    m_runner.execute(
        {up ? files.files.up : files.files.down, up ? revision.up_path() : revision.down_path()});
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started)
        .count();
}

void Applier::purge() {
    m_runner.record(new_record(StepRecord::Event::purge, ""));
}

void Applier::report(const StepOutcome& outcome) const {
    if (m_options.on_step) {
        m_options.on_step(outcome);
    }
}

std::optional<std::string> Applier::script_location(const Step& step, const Error& error) const {
    const auto* script_error = dynamic_cast<const ScriptError*>(&error);
    if (script_error == nullptr) {
        return std::nullopt;
    }
    const Revision& revision = m_graph.revision(step.revision);
    const std::filesystem::path path =
        step.direction == Direction::up ? revision.up_path() : revision.down_path();
    std::string location = display_path(path);
    if (script_error->line() > 0) {
        location += ':';
        location += std::to_string(script_error->line());
    }
    return location;
}

std::string Applier::what_stays(const Step& step, const Error& error, std::size_t done) const {
    const auto* script_error = dynamic_cast<const ScriptError*>(&error);
    if (script_error != nullptr && script_error->ended_transaction()) {
        return "what this step ran before that is not rolled back; " + steps_text(done) +
               " applied";
    }
    if (m_options.mode == TransactionMode::all) {
        return "the whole move was rolled back";
    }
    const auto* database_error = dynamic_cast<const DatabaseError*>(&error);
    const bool lost = database_error != nullptr &&
                      database_error->cause() == DatabaseError::Cause::connection_lost;
    if (!m_graph.revision(step.revision).transactional && !m_options.stamp && lost) {
        return "this step ran outside a transaction and may be partly applied, so it stays "
               "recorded as unfinished; see 'rev resolve --help'; " +
               steps_text(done) + " applied";
    }
    if (!m_graph.revision(step.revision).transactional && !m_options.stamp) {
        return "this step ran outside a transaction and may be partly applied, so it is "
               "recorded as failed; see 'rev resolve --help'; " +
               steps_text(done) + " applied";
    }
    return "this step was rolled back; " + steps_text(done) + " applied";
}

void Applier::explain_failure(const Step& step, Error& error, std::size_t done) const {
    const char* verb = step.direction == Direction::up ? "upgrade" : "downgrade";
    error.add_context(std::string(verb) + " " + m_graph.revision(step.revision).id + " failed");
    if (const std::optional<std::string> location = script_location(step, error)) {
        error.add_context(*location);
    }
    error.add_note(what_stays(step, error, done));
}

} // namespace rev
