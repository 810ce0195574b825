#include <rev/target.hpp>

#include <charconv>

namespace rev {

namespace {

using Vertex = RevisionGraph::Vertex;
using Vertices = RevisionGraph::Vertices;

constexpr std::size_t k_min_prefix = 4;

[[noreturn]] void invalid(std::string_view text, const std::string& why) {
    throw TargetError("invalid target '" + std::string(text) + "': " + why);
}

int parse_offset(std::string_view text, std::string_view number, char sign) {
    int value = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || error != std::errc() || end != number.data() + number.size() ||
        value <= 0) {
        invalid(text, std::string("expected a positive number after '") + sign + "'");
    }
    return sign == '+' ? value : -value;
}

Target::Anchor parse_anchor(std::string_view text, std::string_view anchor, Target& target) {
    if (anchor == "head") {
        return Target::Anchor::head;
    }
    if (anchor == "heads") {
        return Target::Anchor::heads;
    }
    if (anchor == "base") {
        return Target::Anchor::base;
    }
    if (anchor == "current") {
        invalid(text, "'current' is not a target; use -N or +N to move relative to it");
    }
    if (!is_valid_name(anchor)) {
        invalid(text, "'" + std::string(anchor) +
                          "' is not a revision id (letters, digits and '_'), head, heads or base");
    }
    target.revision = std::string(anchor);
    return Target::Anchor::revision;
}

// The walk of `steps` from `start` (nullopt: base) along parent links, restricted to `allowed`
// revisions when a label confines it.
class Walker {
public:
    Walker(const RevisionGraph& graph, const Target& target, const std::vector<bool>* allowed)
        : m_graph(graph), m_target(target), m_allowed(allowed) {}

    std::optional<Vertex> walk(std::optional<Vertex> position, int steps) const {
        for (; steps > 0; --steps) {
            position = step_up(position);
        }
        for (; steps < 0; ++steps) {
            position = step_down(position);
        }
        return position;
    }

private:
    Vertices allowed(RevisionGraph::Neighbours candidates) const {
        Vertices result;
        for (Vertex v : candidates) {
            if (m_allowed == nullptr || (*m_allowed)[v]) {
                result.push_back(v);
            }
        }
        return result;
    }

    Vertex only(RevisionGraph::Neighbours choices, const std::string& from,
                const char* relation) const {
        if (choices.size() > 1) {
            throw TargetError("target '" + m_target.text + "' is ambiguous: " + from + " has " +
                              std::to_string(choices.size()) + " " + relation + " (" +
                              m_graph.id_list(choices) + ")");
        }
        return choices.front();
    }

    std::optional<Vertex> step_up(std::optional<Vertex> position) const {
        const Vertices choices = allowed(position ? m_graph.children(*position)
                                                  : RevisionGraph::Neighbours(m_graph.bases()));
        if (choices.empty()) {
            throw TargetError("target '" + m_target.text + "' goes past the head" +
                              (position ? " '" + m_graph.revision(*position).id + "'" : ""));
        }
        return only(choices, position ? "'" + m_graph.revision(*position).id + "'" : "base",
                    position ? "children" : "bases");
    }

    std::optional<Vertex> step_down(std::optional<Vertex> position) const {
        if (!position) {
            throw TargetError("target '" + m_target.text + "' goes below base");
        }
        const RevisionGraph::Neighbours parents = m_graph.parents(*position);
        if (parents.empty()) {
            return std::nullopt;
        }
        // At a merge the label picks the parent on its branch; below the branch's first
        // revision the walk goes on along the graph, as Alembic's does.
        const Vertices on_branch = allowed(parents);
        return only(on_branch.empty() ? parents : RevisionGraph::Neighbours(on_branch),
                    "'" + m_graph.revision(*position).id + "'", "parents");
    }

    const RevisionGraph& m_graph;
    const Target& m_target;
    const std::vector<bool>* m_allowed;
};

// The heads on a label's branch, in topological order. Filtering the graph's few heads costs
// less than asking every revision of a long branch whether it is one.
Vertices label_heads(const RevisionGraph& graph, const std::vector<bool>& in_branch) {
    Vertices heads;
    for (Vertex v : graph.heads()) {
        if (in_branch[v]) {
            heads.push_back(v);
        }
    }
    return heads;
}

Vertex single_head(const RevisionGraph& graph, const Target& target, const Vertices& heads) {
    if (heads.size() > 1) {
        const std::string what = target.label ? "'" + *target.label + "@head'" : "'head'";
        throw TargetError(what + " is ambiguous: " + std::to_string(heads.size()) + " heads (" +
                          graph.id_list(heads) + "); use 'heads', 'LABEL@head' or a revision id");
    }
    return heads.front();
}

// The lowest revision of a label's branch, where its walk down stopped: a branch is sorted
// topologically, and everything else in it descends from that revision.
Vertex branch_root(const Vertices& branch) {
    return branch.front();
}

} // namespace

Target parse_target(std::string_view text) {
    Target target;
    target.text = std::string(text);
    if (text.empty()) {
        invalid(text, "empty");
    }
    std::string_view body = text;
    if (const std::size_t at = text.find('@'); at != std::string_view::npos) {
        const std::string_view label = text.substr(0, at);
        body = text.substr(at + 1);
        if (label.empty()) {
            invalid(text, "missing the branch label before '@'");
        }
        if (body.find('@') != std::string_view::npos) {
            invalid(text, "more than one '@'");
        }
        // "head@head" holds only letters; say what is really wrong with it.
        if (is_reserved_name(label)) {
            invalid(text, "'" + std::string(label) + "' is a reserved word, not a branch label");
        }
        if (!is_valid_name(label)) {
            invalid(text, "branch label '" + std::string(label) +
                              "' may hold only letters, digits and '_'");
        }
        if (body.empty()) {
            invalid(text, "missing a revision after '@'");
        }
        target.label = std::string(label);
    }
    std::string_view anchor = body;
    if (const std::size_t sign = body.find_first_of("+-"); sign != std::string_view::npos) {
        target.offset = parse_offset(text, body.substr(sign + 1), body[sign]);
        anchor = body.substr(0, sign);
    }
    if (anchor.empty()) {
        target.anchor = Target::Anchor::applied;
        return target;
    }
    target.anchor = parse_anchor(text, anchor, target);
    if (target.anchor == Target::Anchor::heads && target.offset != 0) {
        invalid(text, "'heads' takes no offset; use 'head' or a revision id");
    }
    if (target.anchor == Target::Anchor::heads && target.label) {
        invalid(text, "use 'LABEL@head' for the head of a branch");
    }
    if (target.anchor == Target::Anchor::base && target.offset < 0) {
        invalid(text, "nothing lies below base");
    }
    return target;
}

Vertex resolve_revision(const RevisionGraph& graph, std::string_view id_or_prefix) {
    const RevisionSet& revisions = graph.revisions();
    if (auto exact = revisions.find(id_or_prefix)) {
        return *exact;
    }
    const std::vector<RevisionSet::Index> matches = revisions.find_prefix(id_or_prefix);
    const std::string quoted = std::string("'").append(id_or_prefix).append("'");
    if (matches.empty()) {
        throw TargetError("unknown revision " + quoted +
                          did_you_mean(revisions.suggest(id_or_prefix)));
    }
    if (id_or_prefix.size() < k_min_prefix) {
        throw TargetError("revision prefix " + quoted + " is too short: give at least " +
                          std::to_string(k_min_prefix) + " characters");
    }
    if (matches.size() > 1) {
        throw TargetError("revision prefix " + quoted + " is ambiguous: " + graph.id_list(matches));
    }
    return matches.front();
}

Vertex resolve_label(const RevisionGraph& graph, std::string_view label) {
    if (auto found = graph.revisions().find_label(label)) {
        return *found;
    }
    std::vector<std::string_view> labels;
    for (const Revision& revision : graph.revisions()) {
        labels.insert(labels.end(), revision.branch_labels.begin(), revision.branch_labels.end());
    }
    throw TargetError("unknown branch label '" + std::string(label) + "'" +
                      did_you_mean(closest_match(label, labels)));
}

Vertices resolve_target(const RevisionGraph& graph, const Target& target) {
    if (target.is_relative()) {
        throw TargetError("target '" + target.text +
                          "' is relative to what a database has applied; use it with upgrade "
                          "or downgrade");
    }
    Vertices branch;
    std::vector<bool> in_branch;
    if (target.label) {
        branch = graph.branch_of_label(resolve_label(graph, *target.label));
        in_branch.assign(graph.size(), false);
        for (Vertex v : branch) {
            in_branch[v] = true;
        }
    }
    const Walker walker(graph, target, target.label ? &in_branch : nullptr);

    std::optional<Vertex> anchor;
    switch (target.anchor) {
    case Target::Anchor::heads:
        return graph.heads();
    case Target::Anchor::head: {
        const Vertices heads = target.label ? label_heads(graph, in_branch) : graph.heads();
        if (heads.empty()) {
            return {};
        }
        anchor = single_head(graph, target, heads);
        break;
    }
    case Target::Anchor::base:
        if (target.label && target.offset == 0) {
            const RevisionGraph::Neighbours parents = graph.parents(branch_root(branch));
            return {parents.begin(), parents.end()};
        }
        break;
    case Target::Anchor::revision:
        anchor = resolve_revision(graph, target.revision);
        if (target.label && !in_branch[*anchor]) {
            throw TargetError("revision '" + graph.revision(*anchor).id + "' is not on branch '" +
                              *target.label + "'");
        }
        break;
    case Target::Anchor::applied:
        break;
    }
    if (target.anchor == Target::Anchor::base && target.label) {
        // LABEL@base+N starts from the state just before the branch.
        const Vertex root = branch_root(branch);
        const std::optional<Vertex> result = walker.walk(root, target.offset - 1);
        return result ? Vertices{*result} : Vertices{};
    }
    const std::optional<Vertex> result = walker.walk(anchor, target.offset);
    return result ? Vertices{*result} : Vertices{};
}

Range parse_range(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
        throw TargetError("invalid range '" + std::string(text) +
                          "': expected LOWER:UPPER, e.g. base:head or REV:heads");
    }
    Range range;
    if (colon > 0) {
        range.lower = parse_target(text.substr(0, colon));
    }
    if (colon + 1 < text.size()) {
        range.upper = parse_target(text.substr(colon + 1));
    }
    return range;
}

Vertices resolve_range(const RevisionGraph& graph, const Range& range) {
    const Vertices upper = range.upper ? resolve_target(graph, *range.upper) : graph.heads();
    Vertices result = graph.ancestors(upper, Follow::parents, Inclusive::yes);
    if (!range.lower) {
        return result;
    }
    const Vertices lower = resolve_target(graph, *range.lower);
    if (lower.empty()) {
        return result;
    }
    const Vertices above = graph.descendants(lower, Follow::parents, Inclusive::yes);
    std::vector<bool> keep(graph.size(), false);
    for (Vertex v : above) {
        keep[v] = true;
    }
    std::erase_if(result, [&](Vertex v) { return !keep[v]; });
    return result;
}

} // namespace rev
