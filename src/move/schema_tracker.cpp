#include "move/schema_tracker.hpp"

namespace rev {

namespace {

void append_objects(const SchemaTracker::Part* part, std::vector<SchemaObject>& objects) {
    if (part != nullptr) {
        objects.insert(objects.end(), part->objects.begin(), part->objects.end());
    }
}

std::map<std::string, std::vector<SchemaObject>> objects_by_part(SchemaSnapshot snapshot) {
    std::map<std::string, std::vector<SchemaObject>> parts;
    for (SchemaObject& object : snapshot.objects) {
        parts[object.part()].push_back(std::move(object));
    }
    return parts;
}

} // namespace

const SchemaTracker::State& SchemaTracker::read() {
    SchemaFingerprintsRead fingerprints = m_database.schema_fingerprints();
    if (fingerprints.whole) {
        read_whole();
        return m_state;
    }
    if (fingerprints.complete) {
        for (const auto& [part, known] : m_state) {
            if (!fingerprints.parts.contains(part)) {
                fingerprints.parts[part] = "";
            }
        }
    }
    std::vector<std::string> stale;
    for (auto& [part, fingerprint] : fingerprints.parts) {
        const auto current = m_state.find(part);
        // A part read whole has no fingerprint: "" then says it is gone, not that it is the same.
        if (current != m_state.end() && !fingerprint.empty() &&
            current->second->fingerprint == fingerprint) {
            continue;
        }
        if (fingerprint.empty()) {
            m_state.erase(part);
        } else if (const auto seen = m_seen.find(part);
                   seen != m_seen.end() && seen->second->fingerprint == fingerprint) {
            // Back as it was (up.sql after down.sql): what was read then still holds.
            m_state[part] = seen->second;
        } else {
            stale.push_back(part);
        }
    }
    if (!stale.empty()) {
        read_parts(stale, fingerprints.parts);
    }
    return m_state;
}

// Every part anew: equal parts of two states then differ in their pointers only, and diff()
// compares them.
void SchemaTracker::read_whole() {
    m_has_read = true;
    m_state.clear();
    for (auto& [part, objects] : objects_by_part(m_database.snapshot())) {
        m_state[part] = std::make_shared<const Part>(Part{"", std::move(objects)});
    }
}

void SchemaTracker::read_parts(const std::vector<std::string>& parts,
                               const SchemaFingerprints& fingerprints) {
    auto fresh = objects_by_part(m_has_read ? m_database.snapshot(parts) : m_database.snapshot());
    m_has_read = true;
    for (const std::string& part : parts) {
        auto read =
            std::make_shared<const Part>(Part{fingerprints.at(part), std::move(fresh[part])});
        m_seen[part] = read;
        m_state[part] = std::move(read);
    }
}

std::vector<SchemaChange> diff(const SchemaTracker::State& before,
                               const SchemaTracker::State& after) {
    SchemaSnapshot old_parts;
    SchemaSnapshot new_parts;
    auto old_it = before.begin();
    auto new_it = after.begin();
    while (old_it != before.end() || new_it != after.end()) {
        if (new_it == after.end() || (old_it != before.end() && old_it->first < new_it->first)) {
            append_objects(old_it++->second.get(), old_parts.objects);
        } else if (old_it == before.end() || new_it->first < old_it->first) {
            append_objects(new_it++->second.get(), new_parts.objects);
        } else {
            if (old_it->second != new_it->second) {
                append_objects(old_it->second.get(), old_parts.objects);
                append_objects(new_it->second.get(), new_parts.objects);
            }
            ++old_it;
            ++new_it;
        }
    }
    old_parts.normalise();
    new_parts.normalise();
    return diff(old_parts, new_parts);
}

SchemaSnapshot snapshot_of(const SchemaTracker::State& state) {
    SchemaSnapshot snapshot;
    for (const auto& [name, part] : state) {
        append_objects(part.get(), snapshot.objects);
    }
    snapshot.normalise();
    return snapshot;
}

} // namespace rev
