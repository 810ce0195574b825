#pragma once

#include <rev/checksum.hpp>

#include <string>

namespace rev {

// What a step did, as the version table and the event log record it. A purge (stamp --purge)
// forgets every applied revision and names none.
//
// A revision with transactional = false runs outside a transaction, so it is recorded in three
// parts: `*_started` marks it unfinished before its script runs (a crash leaves the mark),
// then `upgrade_finished`/`downgrade` on success, or `*_failed` with the error in `detail`.
// While a mark stays, every move refuses until `rev resolve` clears it.
struct StepRecord {
    enum class Event {
        upgrade,
        downgrade,
        stamp_up,
        stamp_down,
        purge,
        upgrade_started,
        upgrade_finished,
        upgrade_failed,
        downgrade_started,
        downgrade_failed,
        resolved_applied,
        resolved_reverted,
        rehash,
        // A step's statement waited too long for a lock and the step runs again (docs/safety.md,
        // "DDL that gives way"); `detail` says which lock, who held it, and which retry.
        // Only the log keeps it.
        lock_retry,
    };

    Event event = Event::upgrade;
    std::string revision;
    Checksums checksums;
    std::string at; // UTC, ISO 8601 with milliseconds
    std::string by; // user@host
    long long duration_ms = 0;
    // Why a step failed (the *_failed events).
    std::string detail;
};

// The record of `event` for `revision`, stamped with now and this process's actor.
StepRecord make_record(StepRecord::Event event, std::string revision, Checksums checksums = {});

// As make_record(), by `actor`: a long move looks its actor up once.
StepRecord make_record_by(std::string actor, StepRecord::Event event, std::string revision,
                          Checksums checksums = {});

const char* event_name(StepRecord::Event event);

// user@host of this process, for the record.
std::string current_actor();

// The current UTC time as ISO 8601 with milliseconds.
std::string utc_now();

} // namespace rev
