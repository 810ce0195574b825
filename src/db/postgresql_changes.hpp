#pragma once

#include "db/dialect.hpp"
#include "db/schema_reader.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

// PostgreSQL's schema fingerprints as "what changed since the last call" (postgresql_changes.cpp).
namespace rev::db {

// One per connection. Remembers the transaction horizon of its last read, the relations and
// types snapshots list (oid, part name) and how many catalog rows each owns (its own, its
// indexes', constraints' and triggers'); a read then looks for catalog rows written since the
// horizon (xmin), by this session or any other, and for rows that went (counts).
class PostgresChangeReader {
public:
    // Runs a statement that returns no rows (PREPARE).
    using Execute = std::function<void(const std::string&)>;

    SchemaFingerprintsRead read(const CatalogQuery& query, const Execute& execute,
                                const Dialect& dialect);

private:
    struct Owner {
        std::string part;
        std::int64_t rows = 0;
    };

    // Every part anew: the first read, and whenever a change cannot be told apart cheaply.
    SchemaFingerprintsRead read_all(const CatalogQuery& query, const Dialect& dialect,
                                    const std::string& schemas);
    // Reads (owner, part, rows) rows of `statement` into m_owners, and the parts into
    // `changed` with a new token.
    void list(const CatalogQuery& query, const std::string& statement, SchemaFingerprints* changed);
    struct Sums;
    // The owner of the rows dropped since the last read from parts nothing wrote since (`now`:
    // their count, sum and sum of squares of owners now): 0 for none, nullopt when more than
    // one part lost rows.
    std::optional<std::uint32_t> dropped_from(const std::set<std::uint32_t>& touched,
                                              Sums now) const;
    // The parts of `touched` owners: "" for those gone or renamed, a new token for the others.
    SchemaFingerprintsRead changed(const CatalogQuery& query,
                                   const std::set<std::uint32_t>& touched);
    std::string token() const;

    bool m_started = false;
    std::uint64_t m_horizon = 0;
    std::uint64_t m_reads = 0;
    std::string m_context;
    // The schemas the prepared statements look at.
    std::string m_prepared;
    std::map<std::uint32_t, Owner> m_owners;
};

} // namespace rev::db
