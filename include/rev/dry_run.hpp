#pragma once

#include <rev/step_runner.hpp>

#include <iosfwd>

namespace rev {

// A runner that changes nothing and prints each step it is handed (`--dry-run`).
class DryRunRunner : public StepRunner {
public:
    explicit DryRunRunner(std::ostream& out) : m_out(out) {}

    void begin() override {}
    void commit() override {}
    void rollback() noexcept override {}
    void execute(const Script& script) override;
    void record(const StepRecord& record) override;

private:
    std::ostream& m_out;
};

} // namespace rev
