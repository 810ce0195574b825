#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>

// Where a command's time goes, as ninja's `-d stats` shows it: with REV_STATS=1 in the
// environment, rev prints on exit, to standard error, how often each measured piece of work ran
// and how long it took in all. Without it a metric costs one load of a flag. docs/benchmarks.md
// ("Where the time goes") reads these numbers.
namespace rev {

// One measured piece of work: a name, how often it ran and, when timed, for how long. Metrics
// live as long as the process (define them as function statics), and may be added to from
// several threads at once.
class Metric {
public:
    // `name` must outlive the process, as a string literal does.
    explicit Metric(const char* name);
    Metric(const Metric&) = delete;
    Metric& operator=(const Metric&) = delete;

    // Whether REV_STATS asked for metrics.
    static bool enabled() noexcept;

    void count(std::uint64_t times = 1) noexcept {
        if (enabled()) {
            m_count.fetch_add(times, std::memory_order_relaxed);
        }
    }
    void add_time(std::int64_t nanoseconds) noexcept {
        m_nanoseconds.fetch_add(nanoseconds, std::memory_order_relaxed);
    }

    const char* name() const noexcept { return m_name; }
    std::uint64_t times() const noexcept { return m_count.load(std::memory_order_relaxed); }
    std::int64_t nanoseconds() const noexcept {
        return m_nanoseconds.load(std::memory_order_relaxed);
    }

private:
    const char* m_name;
    std::atomic<std::uint64_t> m_count{0};
    std::atomic<std::int64_t> m_nanoseconds{0};
    const Metric* m_next = nullptr; // the one registered before
    friend void report_metrics(std::ostream& out);
};

// Counts one run of `metric` and times it from construction to destruction.
class MetricTimer {
public:
    explicit MetricTimer(Metric& metric) noexcept;
    ~MetricTimer();
    MetricTimer(const MetricTimer&) = delete;
    MetricTimer& operator=(const MetricTimer&) = delete;

    // Ends the timing before the scope does; later calls do nothing.
    void stop() noexcept;

private:
    Metric* m_metric; // nullptr when metrics are off
    std::int64_t m_start = 0;
};

// Prints every metric that ran, in the order they were first defined, with the time since the
// process started, when REV_STATS asked for metrics.
void report_metrics(std::ostream& out);

} // namespace rev
