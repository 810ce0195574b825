#include "path_order.hpp"

#include <rev/revision_set.hpp>

#include <algorithm>
#include <filesystem>
#include <numeric>

namespace rev {

namespace {

// A text to sort revisions by and the revision's position: sorting these, not positions that
// point at the text, keeps a sort of 100,000 revisions from missing the cache at every step.
struct SortKey {
    std::string_view text;
    std::size_t index = 0;
};

std::vector<std::size_t> indices_of(const std::vector<SortKey>& keys) {
    std::vector<std::size_t> indices(keys.size());
    std::transform(keys.begin(), keys.end(), indices.begin(),
                   [](const SortKey& key) { return key.index; });
    return indices;
}

// The positions of `revisions` in folder order (std::filesystem::path's), in which duplicates
// are resolved and reported so that neither depends on the file system. read_revisions gives
// them in that order already.
std::vector<std::size_t> order_by_folder(const std::vector<Revision>& revisions) {
    const bool plain =
        std::all_of(revisions.begin(), revisions.end(), [&](const Revision& revision) {
            return detail::is_plain_path(revision.directory.native()) &&
                   revision.directory.is_absolute() == revisions.front().directory.is_absolute();
        });
    std::vector<SortKey> keys(revisions.size());
    for (std::size_t i = 0; i < revisions.size(); ++i) {
        keys[i] = {revisions[i].directory.native(), i};
    }
    const auto by_folder = [plain, &revisions](const SortKey& a, const SortKey& b) {
        return plain ? detail::path_less(a.text, b.text)
                     : revisions[a.index].directory < revisions[b.index].directory;
    };
    if (!std::is_sorted(keys.begin(), keys.end(), by_folder)) {
        std::stable_sort(keys.begin(), keys.end(), by_folder);
    }
    return indices_of(keys);
}

// The positions of `revisions` sorted by id, and among equal ids in folder order (`rank`: each
// position's place in it).
std::vector<std::size_t> order_by_id(const std::vector<Revision>& revisions,
                                     const std::vector<std::size_t>& rank) {
    std::vector<SortKey> keys(revisions.size());
    for (std::size_t i = 0; i < revisions.size(); ++i) {
        keys[i] = {revisions[i].id, i};
    }
    std::sort(keys.begin(), keys.end(), [&](const SortKey& a, const SortKey& b) {
        const int compared = a.text.compare(b.text);
        return compared < 0 || (compared == 0 && rank[a.index] < rank[b.index]);
    });
    return indices_of(keys);
}

// Which revisions to keep: the first of each id in folder order. Reports the others, in folder
// order.
std::vector<bool> first_of_each_id(const std::vector<Revision>& revisions,
                                   const std::vector<std::size_t>& by_folder,
                                   const std::vector<std::size_t>& by_id,
                                   Diagnostics& diagnostics) {
    std::vector<std::size_t> first(revisions.size());
    for (std::size_t k = 0; k < by_id.size(); ++k) {
        const bool repeated = k > 0 && revisions[by_id[k]].id == revisions[by_id[k - 1]].id;
        first[by_id[k]] = repeated ? first[by_id[k - 1]] : by_id[k];
    }
    std::vector<bool> keep(revisions.size(), false);
    for (const std::size_t i : by_folder) {
        keep[i] = first[i] == i;
        if (!keep[i]) {
            const Revision& revision = revisions[i];
            diagnostics.add(revision.manifest_path(), revision.lines.id,
                            "duplicate id '" + revision.id + "' (also in " +
                                display_path(revisions[first[i]].manifest_path()) + ")");
        }
    }
    return keep;
}

// Each label to the id of the revision that carries it, reporting labels used twice or equal
// to an id. Takes the kept revisions in folder order, for the same reason.
std::unordered_map<std::string, std::string>
owners_of_labels(const std::vector<Revision>& revisions, const std::vector<std::size_t>& by_folder,
                 const std::vector<std::size_t>& by_id, const std::vector<bool>& kept,
                 Diagnostics& diagnostics) {
    const auto is_id = [&](const std::string& label) {
        const auto found = std::lower_bound(
            by_id.begin(), by_id.end(), label,
            [&](std::size_t i, const std::string& text) { return revisions[i].id < text; });
        return found != by_id.end() && revisions[*found].id == label;
    };
    std::unordered_map<std::string, const Revision*> owners;
    for (const std::size_t i : by_folder) {
        if (!kept[i]) {
            continue;
        }
        const Revision& revision = revisions[i];
        for (const std::string& label : revision.branch_labels) {
            if (is_id(label)) {
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
    std::unordered_map<std::string, std::string> owner_ids;
    for (const auto& [label, owner] : owners) {
        owner_ids.emplace(label, owner->id);
    }
    return owner_ids;
}

} // namespace

RevisionSet::RevisionSet(std::vector<Revision> revisions, Diagnostics& diagnostics) {
    // Revisions are sorted as positions, not moved about: each is a dozen strings and vectors.
    const std::vector<std::size_t> by_folder = order_by_folder(revisions);
    std::vector<std::size_t> folder_rank(revisions.size());
    for (std::size_t k = 0; k < by_folder.size(); ++k) {
        folder_rank[by_folder[k]] = k;
    }
    const std::vector<std::size_t> by_id = order_by_id(revisions, folder_rank);
    const std::vector<bool> kept = first_of_each_id(revisions, by_folder, by_id, diagnostics);
    const std::unordered_map<std::string, std::string> label_owner =
        owners_of_labels(revisions, by_folder, by_id, kept, diagnostics);
    m_revisions.reserve(revisions.size());
    for (std::size_t i : by_id) {
        if (kept[i]) {
            m_revisions.push_back(std::move(revisions[i]));
        }
    }
    m_by_id.reserve(m_revisions.size());
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
