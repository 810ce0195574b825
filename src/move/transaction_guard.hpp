#pragma once

#include <rev/metrics.hpp>
#include <rev/step_runner.hpp>

namespace rev {

namespace detail {

// Like soci::transaction, one level up: begin now, roll back unless committed.
class TransactionGuard {
public:
    explicit TransactionGuard(StepRunner& runner) : m_runner(runner) {
        static Metric begins("move: begin");
        const MetricTimer timer(begins);
        m_runner.begin();
    }
    ~TransactionGuard() {
        if (!m_done) {
            m_runner.rollback();
        }
    }
    TransactionGuard(const TransactionGuard&) = delete;
    TransactionGuard& operator=(const TransactionGuard&) = delete;

    void commit() {
        static Metric commits("move: commit");
        const MetricTimer timer(commits);
        m_runner.commit();
        m_done = true;
    }

private:
    StepRunner& m_runner;
    bool m_done = false;
};

} // namespace detail

} // namespace rev
