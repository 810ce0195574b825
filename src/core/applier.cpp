#include <rev/applier.hpp>

#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <ostream>

namespace rev {

namespace {

class TransactionGuard {
public:
    explicit TransactionGuard(StepRunner& runner) : m_runner(runner) { m_runner.begin(); }
    ~TransactionGuard() {
        if (!m_done) {
            m_runner.rollback();
        }
    }
    TransactionGuard(const TransactionGuard&) = delete;
    TransactionGuard& operator=(const TransactionGuard&) = delete;

    void commit() {
        m_runner.commit();
        m_done = true;
    }

private:
    StepRunner& m_runner;
    bool m_done = false;
};

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

const char* event_name(StepRecord::Event event) {
    switch (event) {
    case StepRecord::Event::upgrade:
        return "upgrade";
    case StepRecord::Event::downgrade:
        return "downgrade";
    case StepRecord::Event::stamp_up:
        return "stamp-up";
    case StepRecord::Event::stamp_down:
        return "stamp-down";
    }
    return "unknown";
}

Checksums checksums_of(const Revision& revision) {
    return {sha256_hex(normalize_for_checksum(read_text_file(revision.up_path()))),
            sha256_hex(normalize_for_checksum(read_text_file(revision.down_path()))),
            sha256_hex(normalize_for_checksum(read_text_file(revision.manifest_path())))};
}

std::string current_actor() {
    std::string user;
    for (const char* name : {"REV_USER", "USER", "LOGNAME"}) {
        if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
            user = value;
            break;
        }
    }
    if (user.empty()) {
        const passwd* entry = getpwuid(geteuid());
        user = entry != nullptr ? entry->pw_name : std::to_string(geteuid());
    }
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) != 0) {
        return user;
    }
    return user + "@" + host;
}

std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[64];
    std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis));
    return text;
}

Applier::Applier(const RevisionGraph& graph, StepRunner& runner, ApplyOptions options)
    : m_graph(graph), m_runner(runner), m_options(std::move(options)) {}

std::size_t Applier::apply(const Plan& plan) {
    check_transaction_modes(plan);
    std::size_t done = 0;
    if (m_options.mode == TransactionMode::all) {
        TransactionGuard transaction(m_runner);
        for (const Step& step : plan.steps) {
            try {
                run_step(step);
            } catch (const Error& error) {
                fail(step, error, done);
            }
            ++done;
        }
        transaction.commit();
        return done;
    }
    for (const Step& step : plan.steps) {
        try {
            run_in_own_transaction(step);
        } catch (const Error& error) {
            fail(step, error, done);
        }
        ++done;
    }
    return done;
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

void Applier::run_in_own_transaction(const Step& step) {
    if (!m_graph.revision(step.revision).transactional && !m_options.stamp) {
        run_step(step);
        return;
    }
    TransactionGuard transaction(m_runner);
    run_step(step);
    transaction.commit();
}

void Applier::run_step(const Step& step) {
    const Revision& revision = m_graph.revision(step.revision);
    const auto started = std::chrono::steady_clock::now();
    StepRecord record;
    record.event = event_for(step.direction, m_options.stamp);
    record.revision = revision.id;
    record.checksums = checksums_of(revision);
    if (!m_options.stamp) {
        const std::filesystem::path path =
            step.direction == Direction::up ? revision.up_path() : revision.down_path();
        m_runner.execute({read_text_file(path), path});
    }
    record.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
    record.at = utc_now();
    record.by = current_actor();
    m_runner.record(record);
    if (m_options.on_step) {
        m_options.on_step({step, record.duration_ms});
    }
}

void Applier::fail(const Step& step, const Error& error, std::size_t done) const {
    const Revision& revision = m_graph.revision(step.revision);
    const char* verb = step.direction == Direction::up ? "upgrade" : "downgrade";
    std::string where;
    if (const auto* script_error = dynamic_cast<const ScriptError*>(&error)) {
        const std::filesystem::path path =
            step.direction == Direction::up ? revision.up_path() : revision.down_path();
        where = display_path(path) +
                (script_error->line() > 0 ? ":" + std::to_string(script_error->line()) : "") + ": ";
    }
    std::string outcome;
    if (m_options.mode == TransactionMode::all) {
        outcome = "the whole move was rolled back";
    } else if (!revision.transactional && !m_options.stamp) {
        outcome = "this step ran outside a transaction and may be partly applied; " +
                  steps_text(done) + " applied";
    } else {
        outcome = "this step was rolled back; " + steps_text(done) + " applied";
    }
    throw DatabaseError(where + verb + " " + revision.id + " failed: " + error.message() + " (" +
                        outcome + ")");
}

void DryRunRunner::execute(const Script& script) {
    m_out << "  would run " << display_path(script.path) << "\n";
}

void DryRunRunner::record(const StepRecord& record) {
    m_out << "  would record " << event_name(record.event) << " " << record.revision << "\n";
}

} // namespace rev
