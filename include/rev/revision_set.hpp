#pragma once

#include <rev/error.hpp>
#include <rev/revision.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rev {

// The container of every revision in a folder, like ninja's State: it owns the revisions and
// answers look-ups by id, id prefix and branch label. Revisions are kept sorted by id, so an
// index names the same revision whatever order the file system listed them in.
class RevisionSet {
public:
    using Index = std::size_t;

    RevisionSet() = default;
    // Takes `revisions`, reporting duplicate ids and branch labels into `diagnostics` and
    // keeping the first of each (in path order).
    RevisionSet(std::vector<Revision> revisions, Diagnostics& diagnostics);

    std::size_t size() const noexcept { return m_revisions.size(); }
    bool empty() const noexcept { return m_revisions.empty(); }
    const Revision& operator[](Index index) const { return m_revisions[index]; }
    auto begin() const { return m_revisions.begin(); }
    auto end() const { return m_revisions.end(); }

    std::optional<Index> find(std::string_view id) const;
    // Every revision whose id starts with `prefix`, in id order.
    std::vector<Index> find_prefix(std::string_view prefix) const;
    // The revision carrying `label` in its manifest.
    std::optional<Index> find_label(std::string_view label) const;
    // The id closest to `unknown` when one is close enough to be a likely typo.
    std::optional<std::string> suggest(std::string_view unknown) const;

private:
    std::vector<Revision> m_revisions; // in id order
    // The first eight bytes of each id, as ordered numbers, in the same order: find() searches
    // this compact array rather than 100,000 revisions scattered in memory (or a hash node per
    // id, which was a good part of loading a long history).
    std::vector<std::uint64_t> m_id_keys;
    std::unordered_map<std::string, Index> m_by_label;
};

// The candidate closest to `unknown` by edit distance, if within reach of a typo.
std::optional<std::string> closest_match(std::string_view unknown,
                                         const std::vector<std::string_view>& candidates);

// " (did you mean 'GUESS'?)", or nothing without a guess: the one way messages suggest.
std::string did_you_mean(const std::optional<std::string>& guess);

} // namespace rev
