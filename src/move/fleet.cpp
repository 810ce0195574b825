#include <rev/error.hpp>
#include <rev/fleet.hpp>
#include <rev/interrupt.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace rev {

namespace {

// Runs one database's work and says how it ended; never throws.
FleetOutcome run_guarded(const std::function<void(std::size_t)>& run_one, std::size_t index,
                         std::atomic<bool>& interrupted) {
    FleetOutcome outcome;
    const auto started = std::chrono::steady_clock::now();
    try {
        run_one(index);
        outcome.status = FleetOutcome::Status::ok;
    } catch (const InterruptedError& error) {
        // Work that watches for Ctrl-C itself (rev verify) took the signal: it is ours too.
        interrupted = true;
        outcome.status = FleetOutcome::Status::failed;
        outcome.error = error.what();
    } catch (const Error& error) {
        outcome.status = FleetOutcome::Status::failed;
        outcome.error = error.what();
    } catch (const std::exception& error) {
        outcome.status = FleetOutcome::Status::failed;
        outcome.error = std::string("internal error: ") + error.what();
    }
    outcome.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return outcome;
}

} // namespace

std::size_t FleetResult::count(FleetOutcome::Status status) const {
    return static_cast<std::size_t>(
        std::count_if(outcomes.begin(), outcomes.end(),
                      [status](const FleetOutcome& outcome) { return outcome.status == status; }));
}

std::size_t default_jobs() {
    return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
}

FleetResult run_fleet(std::size_t count, const std::function<void(std::size_t)>& run_one,
                      const FleetOptions& options) {
    const CancelOnInterrupt interrupts;
    FleetResult result;
    result.outcomes.resize(count);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stopping{false};
    std::atomic<bool> interrupted{false};
    std::mutex reporting;
    auto should_stop = [&] {
        if (interrupt_requested()) {
            interrupted = true;
        }
        return stopping || interrupted || (options.stop && options.stop());
    };
    auto work = [&] {
        while (!should_stop()) {
            const std::size_t index = next++;
            if (index >= count) {
                return;
            }
            FleetOutcome outcome = run_guarded(run_one, index, interrupted);
            if (outcome.status == FleetOutcome::Status::failed && options.fail_fast) {
                stopping = true;
            }
            const std::lock_guard lock(reporting);
            result.outcomes[index] = std::move(outcome);
            if (options.on_done) {
                options.on_done(index, result.outcomes[index]);
            }
        }
    };
    const std::size_t jobs = std::min(options.jobs == 0 ? default_jobs() : options.jobs, count);
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < jobs; ++i) {
            threads.emplace_back(work);
        }
    }
    result.interrupted = interrupted || interrupt_requested();
    return result;
}

} // namespace rev
