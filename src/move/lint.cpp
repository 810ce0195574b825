#include <rev/lint.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace rev {

namespace {

using Kind = SchemaObject::Kind;
using Change = SchemaChange::Kind;

// What identifies a column apart from its name and place: a column that vanished while one
// with the same definition appeared was renamed.
std::map<std::string, std::string> column_definition(const SchemaObject& column) {
    std::map<std::string, std::string> definition = column.attributes;
    definition.erase(std::string(schema_attribute::position));
    return definition;
}

// The columns of `table` that `changes` add (or remove), name to definition.
std::map<std::string, std::map<std::string, std::string>>
columns_of(const std::vector<SchemaChange>& changes, Change kind, const std::string& table) {
    std::map<std::string, std::map<std::string, std::string>> columns;
    for (const SchemaChange& change : changes) {
        const SchemaObject& object = change.object();
        if (change.kind == kind && object.kind == Kind::column && object.table == table) {
            columns[object.name] = column_definition(object);
        }
    }
    return columns;
}

// Reads one revision's changes: which tables came and went, then each rule in turn.
class RevisionLinter {
public:
    explicit RevisionLinter(const RevisionProof& proof)
        : m_proof(proof), m_changes(proof.up_changes) {
        for (const SchemaChange& change : m_changes) {
            if (change.object().kind == Kind::table && change.kind == Change::added) {
                m_added_tables.insert(change.object().name);
            } else if (change.object().kind == Kind::table && change.kind == Change::removed) {
                m_removed_tables.insert(change.object().name);
            }
        }
    }

    std::vector<LintFinding> run() {
        find_table_renames();
        for (const SchemaChange& change : m_changes) {
            judge(change);
        }
        judge_locks();
        return std::move(m_findings);
    }

private:
    void add(std::string code, std::string object, std::string message) {
        m_findings.push_back({std::move(code), m_proof.revision, std::move(object),
                              std::move(message), false, std::nullopt});
    }

    void find_table_renames() {
        for (const std::string& removed : m_removed_tables) {
            const auto old_columns = columns_of(m_changes, Change::removed, removed);
            for (const std::string& added : m_added_tables) {
                if (!m_renamed_to.contains(added) &&
                    columns_of(m_changes, Change::added, added) == old_columns) {
                    m_renamed_from[removed] = added;
                    m_renamed_to.insert(added);
                    add("rename",
                        std::string("table ").append(removed).append(" -> ").append(added),
                        "renamed: running code that uses the old name breaks; add the new "
                        "name beside the old one (a view), switch the code, then drop the old");
                    break;
                }
            }
        }
    }

    // Whether the change is part of a table that the revision drops, renames or creates: the
    // table's own finding covers it.
    bool covered_by_table(const SchemaObject& object) const {
        return object.is_table_part() &&
               (m_removed_tables.contains(object.table) || m_added_tables.contains(object.table));
    }

    void judge(const SchemaChange& change) {
        const SchemaObject& object = change.object();
        if (covered_by_table(object)) {
            return;
        }
        switch (change.kind) {
        case Change::removed:
            judge_removed(change);
            break;
        case Change::added:
            judge_added(object);
            break;
        case Change::changed:
            judge_changed(change);
            break;
        }
    }

    void judge_removed(const SchemaChange& change) {
        const SchemaObject& object = change.object();
        switch (object.kind) {
        case Kind::table:
            if (!m_renamed_from.contains(object.name)) {
                add("drop-table", object.describe(),
                    "dropped with its data; stop using it, and drop it in a later revision once "
                    "no running code reads it");
            }
            break;
        case Kind::column:
            if (!is_renamed_column(object)) {
                add("drop-column", object.describe(),
                    "dropped with its data; stop reading and writing it first, and drop it in a "
                    "later revision");
            }
            break;
        case Kind::index:
            add("drop-index", object.describe(),
                "dropped: queries that used it may become slow, and a unique index no longer "
                "guards its data");
            break;
        case Kind::constraint:
            add("drop-constraint", object.describe(),
                "dropped: the database no longer checks what it guarded");
            break;
        case Kind::view:
        case Kind::materialized_view:
            add("drop-view", object.describe(),
                "dropped: running code that reads it breaks; drop it once nothing does");
            break;
        default:
            break;
        }
    }

    void judge_added(const SchemaObject& object) {
        if (object.kind == Kind::column && object.attribute(schema_attribute::nullable) == "no" &&
            object.attribute(schema_attribute::default_value).empty() &&
            object.attribute("identity").empty() && !is_rename_target(object)) {
            add("add-not-null", object.describe(),
                "a NOT NULL column without a default on an existing table: fails on a table "
                "with rows, and breaks inserts that do not name it; add it with a default, or "
                "nullable, backfill, then set NOT NULL");
        }
    }

    void judge_changed(const SchemaChange& change) {
        const SchemaObject& object = change.object();
        if (object.kind != Kind::column) {
            return;
        }
        const std::string type(schema_attribute::type);
        const std::string nullable(schema_attribute::nullable);
        if (std::find(change.changed_attributes.begin(), change.changed_attributes.end(), type) !=
            change.changed_attributes.end()) {
            add("change-column-type", object.describe(),
                "type " + change.before->attribute(type) + " -> " + change.after->attribute(type) +
                    ": rewrites the column and may fail or lose data; add a column of the new "
                    "type, backfill it, switch the code, then drop the old one");
        }
        if (change.before->attribute(nullable) == "yes" &&
            change.after->attribute(nullable) == "no") {
            add("add-not-null", object.describe(),
                "set NOT NULL on an existing column: fails if any row holds NULL, and breaks "
                "code that writes NULL; backfill first, and check no code writes NULL");
        }
    }

    // `locking`: what the engine itself says the script locked, on tables that running code was
    // already using. Only the two locks the safer ways avoid are reported: the SHARE lock of a
    // CREATE INDEX without CONCURRENTLY, and the ACCESS EXCLUSIVE lock under which SET NOT NULL
    // scans the table (PostgreSQL's names; SQLite reports no table locks).
    void judge_locks() {
        for (const TableLock& lock : m_proof.up_locks) {
            if (m_added_tables.contains(lock.table) || m_removed_tables.contains(lock.table)) {
                continue;
            }
            // ALTER TABLE takes SHARE locks too, to rebuild indexes: only a new index is a build.
            if (lock.mode == "ShareLock" && adds_index(lock.table)) {
                add("locking", "table " + lock.table,
                    "CREATE INDEX without CONCURRENTLY holds a SHARE lock that blocks every "
                    "write to the table while the index builds; use CREATE INDEX CONCURRENTLY "
                    "in a revision with transactional = false");
            } else if (lock.mode == "AccessExclusiveLock" && sets_not_null(lock.table)) {
                add("locking", "table " + lock.table,
                    "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock that "
                    "blocks reads and writes; add CHECK (column IS NOT NULL) NOT VALID, "
                    "VALIDATE it in a later revision, then SET NOT NULL");
            }
        }
    }

    bool adds_index(const std::string& table) const {
        return std::any_of(m_changes.begin(), m_changes.end(), [&](const SchemaChange& change) {
            return change.kind == Change::added && change.object().kind == Kind::index &&
                   change.object().table == table;
        });
    }

    bool sets_not_null(const std::string& table) const {
        const std::string nullable(schema_attribute::nullable);
        return std::any_of(m_changes.begin(), m_changes.end(), [&](const SchemaChange& change) {
            return change.kind == Change::changed && change.object().kind == Kind::column &&
                   change.object().table == table && change.before->attribute(nullable) == "yes" &&
                   change.after->attribute(nullable) == "no";
        });
    }

    // A removed column with an added twin on the same table: a rename, reported once.
    bool is_renamed_column(const SchemaObject& removed) {
        const auto added = columns_of(m_changes, Change::added, removed.table);
        const auto definition = column_definition(removed);
        for (const auto& [name, added_definition] : added) {
            if (added_definition == definition &&
                !m_renamed_columns.contains(removed.table + "." + name)) {
                m_renamed_columns.insert(removed.table + "." + name);
                add("rename", "column " + removed.name + " -> " + name + " on " + removed.table,
                    "renamed: running code that uses the old name breaks; add the new column "
                    "beside the old one, write both, switch the readers, then drop the old");
                return true;
            }
        }
        return false;
    }

    bool is_rename_target(const SchemaObject& added) const {
        return m_renamed_columns.contains(added.table + "." + added.name);
    }

    const RevisionProof& m_proof;
    const std::vector<SchemaChange>& m_changes;
    std::set<std::string> m_added_tables;
    std::set<std::string> m_removed_tables;
    std::map<std::string, std::string> m_renamed_from;
    std::set<std::string> m_renamed_to;
    std::set<std::string> m_renamed_columns;
    std::vector<LintFinding> m_findings;
};

// The objects a revision changes, as branch-conflict compares them: a table for the table and
// everything on it, else the object itself.
std::set<std::string> touched_objects(const RevisionProof& proof) {
    std::set<std::string> touched;
    for (const SchemaChange& change : proof.up_changes) {
        const SchemaObject& object = change.object();
        touched.insert(object.is_table_part() ? "table " + object.table : object.describe());
    }
    return touched;
}

RevisionGraph::Vertices only_in(const RevisionGraph& graph, RevisionGraph::Vertex side,
                                RevisionGraph::Vertex other) {
    const auto mine = graph.ancestors({side}, Follow::parents, Inclusive::yes);
    const auto theirs = graph.ancestors({other}, Follow::parents, Inclusive::yes);
    RevisionGraph::Vertices result;
    std::set_difference(mine.begin(), mine.end(), theirs.begin(), theirs.end(),
                        std::back_inserter(result),
                        [&graph](auto a, auto b) { return graph.rank(a) < graph.rank(b); });
    return result;
}

// Collects branch-conflict findings, each pair of revisions and object once.
class BranchConflicts {
public:
    using Touched = std::map<RevisionGraph::Vertex, std::set<std::string>>;
    BranchConflicts(const RevisionGraph& graph, Touched& touched)
        : m_graph(graph), m_touched(touched) {}

    // The revisions only `left` has against those only `right` has.
    void compare(RevisionGraph::Vertex left, RevisionGraph::Vertex right) {
        const RevisionGraph::Vertices right_side = only_in(m_graph, right, left);
        for (const RevisionGraph::Vertex a : only_in(m_graph, left, right)) {
            for (const RevisionGraph::Vertex b : right_side) {
                compare_revisions(a, b);
            }
        }
    }

    std::vector<LintFinding> take() { return std::move(m_findings); }

private:
    void compare_revisions(RevisionGraph::Vertex a, RevisionGraph::Vertex b) {
        for (const std::string& object : m_touched[a]) {
            if (m_touched[b].contains(object) && m_seen.insert({a, b, object}).second) {
                m_findings.push_back(
                    {"branch-conflict", a, object,
                     "changed on two branches written apart (" + m_graph.revision(a).id + " and " +
                         m_graph.revision(b).id + "); check that together they do what both meant",
                     false, b});
            }
        }
    }

    const RevisionGraph& m_graph;
    Touched& m_touched;
    std::set<std::tuple<RevisionGraph::Vertex, RevisionGraph::Vertex, std::string>> m_seen;
    std::vector<LintFinding> m_findings;
};

} // namespace

std::string LintFinding::to_string(const RevisionGraph& graph) const {
    std::string text = display_path(graph.revision(revision).up_path()) + ": " + code + ": " +
                       object + ": " + message;
    return text + (allowed ? " (allowed)" : "");
}

std::vector<LintFinding> lint_revision(const RevisionGraph&, const RevisionProof& proof) {
    return RevisionLinter(proof).run();
}

namespace {

BranchConflicts::Touched touched_by(const std::vector<RevisionProof>& proofs) {
    BranchConflicts::Touched touched;
    for (const RevisionProof& proof : proofs) {
        touched[proof.revision] = touched_objects(proof);
    }
    return touched;
}

void compare_sides(BranchConflicts& conflicts, const RevisionGraph::Vertices& sides) {
    for (std::size_t i = 0; i < sides.size(); ++i) {
        for (std::size_t j = i + 1; j < sides.size(); ++j) {
            conflicts.compare(sides[i], sides[j]);
        }
    }
}

} // namespace

std::vector<LintFinding> lint_join(const RevisionGraph& graph,
                                   const std::vector<RevisionProof>& proofs,
                                   const RevisionGraph::Vertices& sides) {
    BranchConflicts::Touched touched = touched_by(proofs);
    BranchConflicts conflicts(graph, touched);
    compare_sides(conflicts, sides);
    return conflicts.take();
}

RevisionGraph::Vertices join_revisions(const RevisionGraph& graph,
                                       const RevisionGraph::Vertices& sides) {
    std::set<RevisionGraph::Vertex> members;
    for (std::size_t i = 0; i < sides.size(); ++i) {
        for (std::size_t j = 0; j < sides.size(); ++j) {
            if (i != j) {
                for (const RevisionGraph::Vertex vertex : only_in(graph, sides[i], sides[j])) {
                    members.insert(vertex);
                }
            }
        }
    }
    RevisionGraph::Vertices result(members.begin(), members.end());
    graph.sort_topologically(result);
    return result;
}

std::vector<LintFinding> lint_branch_conflicts(const RevisionGraph& graph,
                                               const std::vector<RevisionProof>& proofs) {
    BranchConflicts::Touched touched = touched_by(proofs);
    // Each merge joins its parents; several heads are joined by no revision yet.
    std::vector<RevisionGraph::Vertices> joins;
    for (const RevisionGraph::Vertex merge : graph.merge_points()) {
        const RevisionGraph::Neighbours parents = graph.parents(merge);
        joins.emplace_back(parents.begin(), parents.end());
    }
    if (graph.heads().size() > 1) {
        joins.push_back(graph.heads());
    }
    BranchConflicts conflicts(graph, touched);
    for (const RevisionGraph::Vertices& sides : joins) {
        compare_sides(conflicts, sides);
    }
    return conflicts.take();
}

void apply_allow_lists(const RevisionGraph& graph, std::vector<LintFinding>& findings) {
    const auto allows = [&graph](RevisionGraph::Vertex vertex, const std::string& code) {
        const auto& allowed = graph.revision(vertex).lint_allow;
        return std::find(allowed.begin(), allowed.end(), code) != allowed.end();
    };
    for (LintFinding& finding : findings) {
        finding.allowed = allows(finding.revision, finding.code) ||
                          (finding.other_revision && allows(*finding.other_revision, finding.code));
    }
}

} // namespace rev
