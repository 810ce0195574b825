#pragma once

#include <rev/database.hpp>
#include <rev/schema.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rev {

// One database's schema followed as scripts change it. Each read asks the engine for the
// parts' fingerprints (cheap) and reads again only the parts whose fingerprint changed: `rev
// verify` reads the schema three times per revision, and whole snapshots made that quadratic in
// the number of tables (docs/benchmarks.md). An engine that cannot tell what changed (PostgreSQL
// after a schema is created or renamed, or rows dropped from several parts at once) says so,
// and the schema is read whole.
class SchemaTracker {
public:
    struct Part {
        std::string fingerprint;
        std::vector<SchemaObject> objects;
    };
    // The schema at one moment. Parts are shared between states, so keeping one costs a map of
    // pointers, and two states differ where their pointers do.
    using State = std::map<std::string, std::shared_ptr<const Part>>;

    explicit SchemaTracker(Database& database) : m_database(database) {}

    // The schema as it is now; the first read is a whole snapshot.
    const State& read();
    // The schema as the last read found it.
    const State& state() const { return m_state; }

private:
    void read_whole();
    void read_parts(const std::vector<std::string>& parts, const SchemaFingerprints& fingerprints);

    Database& m_database;
    State m_state;
    // The last read of each part, also of one that is gone since: a part whose fingerprint comes
    // back to what it was is not read again.
    std::map<std::string, std::shared_ptr<const Part>> m_seen;
    bool m_has_read = false;
};

// What changed from `before` to `after`: what diff() of their snapshots says, computed from the
// parts that differ only.
std::vector<SchemaChange> diff(const SchemaTracker::State& before,
                               const SchemaTracker::State& after);

// The whole snapshot of `state`, normalised.
SchemaSnapshot snapshot_of(const SchemaTracker::State& state);

} // namespace rev
