#include <rev/applied_set.hpp>
#include <rev/check.hpp>
#include <rev/error.hpp>
#include <rev/integrity.hpp>

#include <algorithm>
#include <map>

namespace rev {

namespace {

// At most a few ids, so that one line stays readable however much is pending.
std::string some_ids(const RevisionGraph& graph, const RevisionGraph::Vertices& vertices) {
    constexpr std::size_t k_shown = 5;
    std::string text;
    for (std::size_t i = 0; i < vertices.size() && i < k_shown; ++i) {
        text += (i > 0 ? ", " : "") + graph.revision(vertices[i]).id;
    }
    if (vertices.size() > k_shown) {
        text += " and " + std::to_string(vertices.size() - k_shown) + " more";
    }
    return text;
}

Finding error(std::string code, std::string message, std::string revision = "") {
    return {Finding::Severity::error, std::move(message), std::move(code), std::move(revision)};
}

const char* change_code(ChangedFile::Kind kind) {
    switch (kind) {
    case ChangedFile::Kind::up:
        return "changed-script";
    case ChangedFile::Kind::down:
        return "changed-down-script";
    case ChangedFile::Kind::manifest:
        break;
    }
    return "changed-manifest";
}

void check_heads(const RevisionGraph& graph, const std::string& folder,
                 std::vector<Finding>& findings) {
    const RevisionGraph::Vertices& heads = graph.heads();
    if (heads.size() > 1) {
        findings.push_back(
            error("several-heads",
                  folder + ": " + std::to_string(heads.size()) + " heads: " + graph.id_list(heads) +
                      "; join them with 'rev merge heads -m \"merge\"', or allow this "
                      "with [check] allow_multiple_heads = true in migrate.toml"));
    }
}

void check_duplicate_merges(const RevisionGraph& graph, std::vector<Finding>& findings) {
    std::map<RevisionGraph::Vertices, RevisionGraph::Vertex> first_with_parents;
    for (RevisionGraph::Vertex merge : graph.merge_points()) {
        const RevisionGraph::Neighbours named = graph.parents(merge);
        RevisionGraph::Vertices parents(named.begin(), named.end());
        std::sort(parents.begin(), parents.end());
        const auto [earlier, inserted] = first_with_parents.emplace(parents, merge);
        if (!inserted) {
            const Revision& revision = graph.revision(merge);
            findings.push_back(
                error("duplicate-merge",
                      display_path(revision.manifest_path()) + ": merge " + revision.id +
                          " joins the same parents as merge " + graph.revision(earlier->second).id +
                          " (" + graph.id_list(graph.parents(merge)) +
                          "); keep one and delete the other where no database has applied it",
                      revision.id));
        }
    }
}

} // namespace

std::vector<Finding> check_graph(const RevisionGraph& graph, const std::filesystem::path& folder,
                                 const CheckOptions& options) {
    std::vector<Finding> findings;
    if (!options.allow_multiple_heads) {
        check_heads(graph, display_path(folder), findings);
    }
    check_duplicate_merges(graph, findings);
    return findings;
}

std::vector<Finding> check_database(Database& database, const RevisionGraph& graph,
                                    const CheckOptions& options) {
    const std::string name = database.name();
    const std::vector<AppliedRevision> rows = database.applied();
    std::vector<Finding> findings;
    bool all_known = true;
    for (const AppliedRevision& row : rows) {
        if (!graph.revisions().find(row.revision)) {
            all_known = false;
            findings.push_back(error("unknown-revision",
                                     name + ": revision " + row.revision +
                                         " is applied but the revisions folder does not have "
                                         "it; restore its folder, or rebuild the record with "
                                         "'rev stamp REV --purge' (docs/safety.md)",
                                     row.revision));
        } else if (row.state != AppliedRevision::State::applied) {
            findings.push_back(
                error("unfinished-step", describe_unfinished(row, name), row.revision));
        }
    }
    for (const ChangedFile& change : changed_files(graph, rows)) {
        findings.push_back(
            {change.blocks_moves() ? Finding::Severity::error : Finding::Severity::warning,
             change.describe(), change_code(change.kind), change.revision});
    }
    if (options.up_to_date && all_known) {
        const RevisionGraph::Vertices pending = to_applied_set(graph, rows, name).pending(graph);
        if (!pending.empty()) {
            findings.push_back(error(
                "pending", name + ": " + std::to_string(pending.size()) +
                               (pending.size() == 1 ? " revision is" : " revisions are") +
                               " not applied: " + some_ids(graph, pending) + "; run 'rev upgrade " +
                               (graph.heads().size() > 1 ? "heads" : "head") + "'"));
        }
    }
    return findings;
}

} // namespace rev
