#include "base/path_order.hpp"

#include <rev/revision_set.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>

namespace rev {

namespace {

constexpr std::size_t k_key_bytes = sizeof(std::uint64_t);

// The first eight bytes of `text`, big-endian and padded with zeros: ordering these orders texts
// as comparing them does, but for texts alike in their first eight bytes. Sorting and searching
// on these reads a compact array instead of a revision at every step: the 100,000 revisions of
// a long history are beyond the cache, and reading them in random order made sorting them and
// looking ids up grow far faster than N log N.
std::uint64_t key_of(std::string_view text) {
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < k_key_bytes; ++i) {
        key = (key << 8U) | (i < text.size() ? static_cast<unsigned char>(text[i]) : 0U);
    }
    return key;
}

// std::filesystem::path's order, on plain strings where both paths allow it (path_order.hpp).
bool folder_less(const Revision& a, const Revision& b) {
    const std::string& x = a.directory;
    const std::string& y = b.directory;
    const bool plain = detail::is_plain_path(x) && detail::is_plain_path(y) &&
                       x.starts_with('/') == y.starts_with('/');
    return plain ? detail::path_less(x, y) : a.folder() < b.folder();
}

// Sorts positions into folder order, in which duplicates are resolved and reported so that
// neither depends on the file system; equal folders keep their positions' order.
void sort_by_folder(const std::vector<Revision>& revisions, std::vector<std::size_t>& positions) {
    std::sort(positions.begin(), positions.end(), [&](std::size_t a, std::size_t b) {
        if (folder_less(revisions[a], revisions[b])) {
            return true;
        }
        return !folder_less(revisions[b], revisions[a]) && a < b;
    });
}

struct SortKey {
    std::uint64_t key = 0;
    std::size_t index = 0;
};

// `revisions` sorted by id, and among equal ids in folder order.
std::vector<SortKey> order_by_id(const std::vector<Revision>& revisions) {
    std::vector<SortKey> keys(revisions.size());
    for (std::size_t i = 0; i < revisions.size(); ++i) {
        keys[i] = {key_of(revisions[i].id), i};
    }
    std::sort(keys.begin(), keys.end(), [&](const SortKey& a, const SortKey& b) {
        if (a.key != b.key) {
            return a.key < b.key;
        }
        const Revision& x = revisions[a.index];
        const Revision& y = revisions[b.index];
        if (const int compared = x.id.compare(y.id); compared != 0) {
            return compared < 0;
        }
        if (folder_less(x, y)) {
            return true;
        }
        return !folder_less(y, x) && a.index < b.index;
    });
    return keys;
}

// Which revisions to keep: the first of each id in folder order. Reports the others, in folder
// order.
std::vector<bool> first_of_each_id(const std::vector<Revision>& revisions,
                                   const std::vector<SortKey>& by_id, Diagnostics& diagnostics) {
    std::vector<bool> keep(revisions.size(), false);
    std::vector<std::size_t> first(revisions.size());
    std::vector<std::size_t> repeats;
    for (std::size_t k = 0; k < by_id.size(); ++k) {
        const std::size_t i = by_id[k].index;
        // Different keys are different ids, without reading either revision.
        const bool repeated = k > 0 && by_id[k].key == by_id[k - 1].key &&
                              revisions[i].id == revisions[by_id[k - 1].index].id;
        first[i] = repeated ? first[by_id[k - 1].index] : i;
        keep[i] = !repeated;
        if (repeated) {
            repeats.push_back(i);
        }
    }
    sort_by_folder(revisions, repeats);
    for (const std::size_t i : repeats) {
        const Revision& revision = revisions[i];
        diagnostics.add(revision.manifest_path(), revision.lines.id,
                        "duplicate id '" + revision.id + "' (also in " +
                            display_path(revisions[first[i]].manifest_path()) + ")");
    }
    return keep;
}

// Each label to the id of the revision that carries it, reporting labels used twice or equal
// to an id. Takes the kept revisions in folder order, for the same reason.
std::unordered_map<std::string, std::string>
owners_of_labels(const std::vector<Revision>& revisions, const std::vector<SortKey>& by_id,
                 const std::vector<bool>& kept, Diagnostics& diagnostics) {
    const auto is_id = [&](const std::string& label) {
        const auto found = std::lower_bound(by_id.begin(), by_id.end(), label,
                                            [&](const SortKey& key, const std::string& text) {
                                                return revisions[key.index].id < text;
                                            });
        return found != by_id.end() && revisions[found->index].id == label;
    };
    std::vector<std::size_t> labelled;
    for (std::size_t i = 0; i < revisions.size(); ++i) {
        if (kept[i] && !revisions[i].branch_labels.empty()) {
            labelled.push_back(i);
        }
    }
    sort_by_folder(revisions, labelled);
    std::unordered_map<std::string, const Revision*> owners;
    for (const std::size_t i : labelled) {
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

// The kept revisions in id order, moved about within their own vector: a second vector of
// tens of thousands of revisions would be as many fresh pages to fault in.
std::vector<Revision> in_id_order(std::vector<Revision> revisions,
                                  const std::vector<SortKey>& by_id,
                                  const std::vector<bool>& kept) {
    // source[i]: the revision that goes to position i; the dropped ones go last.
    std::vector<std::size_t> source;
    source.reserve(revisions.size());
    for (const SortKey& key : by_id) {
        if (kept[key.index]) {
            source.push_back(key.index);
        }
    }
    const std::size_t kept_count = source.size();
    for (const SortKey& key : by_id) {
        if (!kept[key.index]) {
            source.push_back(key.index);
        }
    }
    std::vector<bool> placed(revisions.size());
    for (std::size_t start = 0; start < revisions.size(); ++start) {
        if (placed[start]) {
            continue;
        }
        // Follow the cycle through `start`, each revision moved once.
        Revision held = std::move(revisions[start]);
        std::size_t at = start;
        while (source[at] != start) {
            revisions[at] = std::move(revisions[source[at]]);
            placed[at] = true;
            at = source[at];
        }
        revisions[at] = std::move(held);
        placed[at] = true;
    }
    revisions.resize(kept_count);
    return revisions;
}

} // namespace

RevisionSet::RevisionSet(std::vector<Revision> revisions, Diagnostics& diagnostics) {
    // Revisions are sorted as positions, not moved about: each is a dozen strings and vectors.
    const std::vector<SortKey> by_id = order_by_id(revisions);
    const std::vector<bool> kept = first_of_each_id(revisions, by_id, diagnostics);
    const std::unordered_map<std::string, std::string> label_owner =
        owners_of_labels(revisions, by_id, kept, diagnostics);
    m_revisions = in_id_order(std::move(revisions), by_id, kept);
    m_id_keys.reserve(m_revisions.size());
    for (const Revision& revision : m_revisions) {
        m_id_keys.push_back(key_of(revision.id));
    }
    for (const auto& [label, id] : label_owner) {
        m_by_label.emplace(label, *find(id));
    }
}

std::optional<RevisionSet::Index> RevisionSet::find(std::string_view id) const {
    const auto [first, last] = std::equal_range(m_id_keys.begin(), m_id_keys.end(), key_of(id));
    // Ids are hashes, so ids alike in their first eight bytes are rare: compare those whole.
    const auto begin = m_revisions.begin() + (first - m_id_keys.begin());
    const auto end = m_revisions.begin() + (last - m_id_keys.begin());
    const auto found =
        std::lower_bound(begin, end, id, [](const Revision& revision, std::string_view x) {
            return revision.id < x;
        });
    if (found == end || found->id != id) {
        return std::nullopt;
    }
    return static_cast<Index>(found - m_revisions.begin());
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
