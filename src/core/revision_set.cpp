#include <rev/revision_set.hpp>

#include <algorithm>
#include <filesystem>
#include <unordered_set>

namespace rev {

namespace {

// Keeps the first revision of each id, reporting the others. Takes `revisions` in path order,
// so that which one is kept, and the report, do not depend on the file system.
std::vector<Revision> keep_first_of_each_id(std::vector<Revision> revisions,
                                            Diagnostics& diagnostics) {
    std::unordered_map<std::string, std::filesystem::path> first_with_id;
    std::vector<Revision> kept;
    for (Revision& revision : revisions) {
        auto [it, inserted] = first_with_id.try_emplace(revision.id, revision.manifest_path());
        if (inserted) {
            kept.push_back(std::move(revision));
        } else {
            diagnostics.add(revision.manifest_path(), revision.lines.id,
                            "duplicate id '" + revision.id + "' (also in " +
                                display_path(it->second) + ")");
        }
    }
    return kept;
}

// Each label to the revision that carries it, reporting labels used twice or equal to an id.
// Takes `revisions` in path order, for the same reason.
std::unordered_map<std::string, const Revision*>
owners_of_labels(const std::vector<Revision>& revisions, Diagnostics& diagnostics) {
    std::unordered_set<std::string_view> ids;
    for (const Revision& revision : revisions) {
        ids.insert(revision.id);
    }
    std::unordered_map<std::string, const Revision*> owners;
    for (const Revision& revision : revisions) {
        for (const std::string& label : revision.branch_labels) {
            if (ids.count(label) != 0) {
                diagnostics.add(revision.manifest_path(), revision.lines.branch_labels,
                                "branch label '" + label + "' is also a revision id");
                continue;
            }
            auto [it, inserted] = owners.try_emplace(label, &revision);
            if (!inserted) {
                const Revision& owner = *it->second;
                diagnostics.add(revision.manifest_path(), revision.lines.branch_labels,
                                "branch label '" + label + "' is already used by revision '" +
                                    owner.id + "' (" + display_path(owner.manifest_path()) + ")");
            }
        }
    }
    return owners;
}

} // namespace

RevisionSet::RevisionSet(std::vector<Revision> revisions, Diagnostics& diagnostics) {
    std::sort(revisions.begin(), revisions.end(),
              [](const Revision& a, const Revision& b) { return a.directory < b.directory; });
    m_revisions = keep_first_of_each_id(std::move(revisions), diagnostics);
    std::unordered_map<std::string, std::string> label_owner;
    for (const auto& [label, owner] : owners_of_labels(m_revisions, diagnostics)) {
        label_owner.emplace(label, owner->id);
    }
    std::sort(m_revisions.begin(), m_revisions.end(),
              [](const Revision& a, const Revision& b) { return a.id < b.id; });
    for (Index i = 0; i < m_revisions.size(); ++i) {
        m_by_id.emplace(m_revisions[i].id, i);
    }
    for (const auto& [label, id] : label_owner) {
        m_by_label.emplace(label, m_by_id.at(id));
    }
}

std::optional<RevisionSet::Index> RevisionSet::find(std::string_view id) const {
    auto it = m_by_id.find(std::string(id));
    if (it == m_by_id.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<RevisionSet::Index> RevisionSet::find_prefix(std::string_view prefix) const {
    auto first = std::lower_bound(
        m_revisions.begin(), m_revisions.end(), prefix,
        [](const Revision& revision, std::string_view p) { return revision.id < p; });
    std::vector<Index> matches;
    for (auto it = first; it != m_revisions.end() && it->id.starts_with(prefix); ++it) {
        matches.push_back(static_cast<Index>(it - m_revisions.begin()));
    }
    return matches;
}

std::optional<RevisionSet::Index> RevisionSet::find_label(std::string_view label) const {
    auto it = m_by_label.find(std::string(label));
    if (it == m_by_label.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<std::string> RevisionSet::suggest(std::string_view unknown) const {
    // A unique id that extends what was written is the likeliest intent (a shortened id).
    if (std::vector<Index> extended = find_prefix(unknown); extended.size() == 1) {
        return m_revisions[extended.front()].id;
    }
    std::vector<std::string_view> ids;
    ids.reserve(m_revisions.size());
    for (const Revision& revision : m_revisions) {
        ids.emplace_back(revision.id);
    }
    return closest_match(unknown, ids);
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
        }
    }
    return row[b.size()];
}

} // namespace

std::optional<std::string> closest_match(std::string_view unknown,
                                         const std::vector<std::string_view>& candidates) {
    // Like ninja's SpellcheckNode: a few edits at most, and only a single best candidate. The
    // edits must also leave at least half of the name alone: "nope" is not a typo of "e".
    constexpr std::size_t k_max_distance = 3;
    std::size_t best = k_max_distance + 1;
    std::optional<std::string> match;
    bool tie = false;
    for (std::string_view candidate : candidates) {
        const std::size_t distance = edit_distance(unknown, candidate);
        if (2 * distance > std::max(unknown.size(), candidate.size())) {
            continue;
        }
        if (distance < best) {
            best = distance;
            match = std::string(candidate);
            tie = false;
        } else if (distance == best) {
            tie = true;
        }
    }
    if (tie) {
        return std::nullopt;
    }
    return match;
}

std::string did_you_mean(const std::optional<std::string>& guess) {
    return guess ? " (did you mean '" + *guess + "'?)" : "";
}

} // namespace rev
