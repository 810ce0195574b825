#include <rev/metrics.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <string_view>
#include <vector>

namespace rev {

namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool requested() {
    const char* value = std::getenv("REV_STATS");
    return value != nullptr && *value != '\0' && std::string_view(value) != "0";
}

// Read once, before main, like the environment the process was started with.
const bool g_enabled = requested();
const std::int64_t g_started_ns = now_ns();
std::atomic<const Metric*> g_last{nullptr};

} // namespace

Metric::Metric(const char* name) : m_name(name) {
    // Function statics may be first reached from several threads at once.
    m_next = g_last.load();
    while (!g_last.compare_exchange_weak(m_next, this)) {
    }
}

bool Metric::enabled() noexcept {
    return g_enabled;
}

MetricTimer::MetricTimer(Metric& metric) noexcept : m_metric(g_enabled ? &metric : nullptr) {
    if (m_metric != nullptr) {
        m_start = now_ns();
    }
}

MetricTimer::~MetricTimer() {
    stop();
}

void MetricTimer::stop() noexcept {
    if (m_metric != nullptr) {
        m_metric->count();
        m_metric->add_time(now_ns() - m_start);
        m_metric = nullptr;
    }
}

void report_metrics(std::ostream& out) {
    if (!g_enabled) {
        return;
    }
    std::vector<const Metric*> metrics;
    for (const Metric* metric = g_last.load(); metric != nullptr; metric = metric->m_next) {
        metrics.push_back(metric);
    }
    char line[160];
    std::snprintf(line, sizeof(line), "%-32s %10s %12s %10s\n", "metric", "count", "total ms",
                  "avg us");
    out << line;
    for (auto it = metrics.rbegin(); it != metrics.rend(); ++it) {
        const Metric& metric = **it;
        if (metric.times() == 0) {
            continue;
        }
        const double total_ms = static_cast<double>(metric.nanoseconds()) / 1e6;
        const double average_us = total_ms * 1e3 / static_cast<double>(metric.times());
        if (metric.nanoseconds() == 0) {
            std::snprintf(line, sizeof(line), "%-32s %10llu %12s %10s\n", metric.name(),
                          static_cast<unsigned long long>(metric.times()), "-", "-");
        } else {
            std::snprintf(line, sizeof(line), "%-32s %10llu %12.2f %10.2f\n", metric.name(),
                          static_cast<unsigned long long>(metric.times()), total_ms, average_us);
        }
        out << line;
    }
    std::snprintf(line, sizeof(line), "%-32s %10s %12.2f\n", "since static initialisation", "",
                  static_cast<double>(now_ns() - g_started_ns) / 1e6);
    out << line;
}

} // namespace rev
