#include <rev/step_record.hpp>

#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace rev {

const char* event_name(StepRecord::Event event) {
    using Event = StepRecord::Event;
    switch (event) {
    case Event::upgrade:
    case Event::upgrade_finished:
        return "upgrade";
    case Event::downgrade:
        return "downgrade";
    case Event::stamp_up:
        return "stamp-up";
    case Event::stamp_down:
        return "stamp-down";
    case Event::purge:
        return "purge";
    case Event::upgrade_started:
        return "upgrade-started";
    case Event::upgrade_failed:
        return "upgrade-failed";
    case Event::downgrade_started:
        return "downgrade-started";
    case Event::downgrade_failed:
        return "downgrade-failed";
    case Event::resolved_applied:
        return "resolve-applied";
    case Event::resolved_reverted:
        return "resolve-reverted";
    case Event::rehash:
        return "rehash";
    case Event::lock_retry:
        return "lock-retry";
    }
    return "unknown";
}

StepRecord make_record_by(std::string actor, StepRecord::Event event, std::string revision,
                          Checksums checksums) {
    StepRecord record;
    record.event = event;
    record.revision = std::move(revision);
    record.checksums = std::move(checksums);
    record.at = utc_now();
    record.by = std::move(actor);
    return record;
}

StepRecord make_record(StepRecord::Event event, std::string revision, Checksums checksums) {
    return make_record_by(current_actor(), event, std::move(revision), std::move(checksums));
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

} // namespace rev
