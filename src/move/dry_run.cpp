#include <rev/dry_run.hpp>
#include <rev/error.hpp>

#include <ostream>

namespace rev {

void DryRunRunner::execute(const Script& script) {
    m_out << "  would run " << display_path(script.path) << "\n";
}

void DryRunRunner::record(const StepRecord& record) {
    m_out << "  would record " << event_name(record.event)
          << (record.revision.empty() ? "" : " " + record.revision) << "\n";
}

} // namespace rev
