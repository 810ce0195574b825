#include "move/schema_tracker.hpp"

#include <rev/applied_set.hpp>
#include <rev/loader.hpp>
#include <rev/verify.hpp>

#include <algorithm>
#include <set>
#include <string>

namespace rev {

namespace {

std::string down_restores_what(const SchemaChange& change) {
    switch (change.kind) {
    case SchemaChange::Kind::added:
        return "left behind";
    case SchemaChange::Kind::removed:
        return "dropped";
    case SchemaChange::Kind::changed:
        break;
    }
    return "changed (" + describe_attribute_changes(change) + ")";
}

std::string up_repeats_what(const SchemaChange& change) {
    switch (change.kind) {
    case SchemaChange::Kind::added:
        return "not made by the first up, made by the second";
    case SchemaChange::Kind::removed:
        return "made by the first up, not by the second";
    case SchemaChange::Kind::changed:
        break;
    }
    return "made differently the second time (" + describe_attribute_changes(change) + ")";
}

// The changes worth a problem each: a table that is left behind or dropped is one problem, not
// one more for each of its columns, indexes, constraints and triggers.
std::vector<SchemaChange> problem_changes(std::vector<SchemaChange> changes) {
    std::set<std::string> whole_tables;
    for (const SchemaChange& change : changes) {
        if (change.object().kind == SchemaObject::Kind::table &&
            change.kind != SchemaChange::Kind::changed) {
            whole_tables.insert(change.object().name);
        }
    }
    std::erase_if(changes, [&whole_tables](const SchemaChange& change) {
        const SchemaObject& object = change.object();
        return object.is_table_part() && whole_tables.contains(object.table);
    });
    return changes;
}

// Runs scripts and takes snapshots for one revision at a time.
class Prover {
public:
    Prover(Database& scratch, const RevisionGraph& graph, const ProofOptions& options)
        : m_scratch(scratch), m_graph(graph), m_options(options), m_schema(scratch) {}

    // Runs up.sql, for a revision that is only a way to reach the ones being proven.
    bool apply(RevisionGraph::Vertex vertex, RevisionProof& failure) {
        const Revision& revision = m_graph.revision(vertex);
        return run(revision, revision.up_path(), read_revision_files(revision).up, failure);
    }

    RevisionProof prove(RevisionGraph::Vertex vertex) {
        const Revision& revision = m_graph.revision(vertex);
        const RevisionFiles files = read_revision_files(revision);
        RevisionProof proof;
        proof.revision = vertex;
        const SchemaTracker::State s0 = current_schema();
        if (!run(revision, revision.up_path(), files.up, proof, &proof.up_locks)) {
            return proof;
        }
        const SchemaTracker::State s1 = current_schema();
        proof.up_changes = diff(s0, s1);
        if (!m_options.round_trip) {
            return proof;
        }
        if (!run(revision, revision.down_path(), files.down, proof)) {
            return proof;
        }
        for (const SchemaChange& change : problem_changes(diff(s0, current_schema()))) {
            proof.problems.push_back({ProofStep::down_restores, revision.down_path(), 0,
                                      change.object().describe(), down_restores_what(change)});
        }
        if (!run(revision, revision.up_path(), files.up, proof)) {
            return proof;
        }
        for (const SchemaChange& change : problem_changes(diff(s1, current_schema()))) {
            proof.problems.push_back({ProofStep::up_repeats, revision.up_path(), 0,
                                      change.object().describe(), up_repeats_what(change)});
        }
        return proof;
    }

private:
    // The schema as it is now, read again only if a script ran since the last read (the next
    // revision's S0 is the last one's S3).
    const SchemaTracker::State& current_schema() {
        if (m_scripts_ran || !m_has_read) {
            m_scripts_ran = false;
            m_has_read = true;
            return m_schema.read();
        }
        return m_schema.state();
    }

    // Runs one script as upgrade would: in its own transaction unless the revision says not.
    // A failing script becomes the proof's problem; false then.
    bool run(const Revision& revision, const std::filesystem::path& path, const std::string& text,
             RevisionProof& proof, std::vector<TableLock>* locks = nullptr) {
        m_scripts_ran = true;
        if (m_options.check_interrupted) {
            m_options.check_interrupted();
        }
        StepRunner& runner = m_scratch.runner();
        try {
            if (revision.transactional) {
                runner.begin();
            }
            runner.execute({text, path});
            if (revision.transactional) {
                if (locks != nullptr) {
                    *locks = m_scratch.held_table_locks();
                }
                runner.commit();
            }
            return true;
        } catch (const ScriptError& error) {
            if (revision.transactional) {
                runner.rollback();
            }
            proof.problems.push_back({ProofStep::runs, path, error.line(), "", error.what()});
            proof.script_failed = true;
            return false;
        }
    }

    Database& m_scratch;
    const RevisionGraph& m_graph;
    const ProofOptions& m_options;
    SchemaTracker m_schema;
    bool m_scripts_ran = false;
    bool m_has_read = false;
};

} // namespace

std::string ProofProblem::to_string() const {
    std::string where = display_path(file);
    if (line > 0) {
        where += ':';
        where += std::to_string(line);
    }
    switch (step) {
    case ProofStep::runs:
        break;
    case ProofStep::down_restores:
        return where + ": down did not restore " + object + ": " + what;
    case ProofStep::up_repeats:
        return where + ": up is not repeatable after down: " + object + ": " + what;
    }
    return where + ": " + what;
}

std::vector<RevisionProof> prove_revisions(Database& scratch, const RevisionGraph& graph,
                                           const RevisionGraph::Vertices& revisions,
                                           const ProofOptions& options) {
    std::vector<bool> proving(graph.size(), false);
    for (const RevisionGraph::Vertex vertex : revisions) {
        proving[vertex] = true;
    }
    const std::vector<bool> applied =
        to_applied_set(graph, scratch.applied(), scratch.name()).mask(graph.size());
    Prover prover(scratch, graph, options);
    std::vector<RevisionProof> proofs;
    for (const RevisionGraph::Vertex vertex :
         graph.ancestors(revisions, Follow::parents_and_dependencies, Inclusive::yes)) {
        if (applied[vertex]) {
            continue;
        }
        RevisionProof proof;
        if (!proving[vertex]) {
            if (prover.apply(vertex, proof)) {
                continue;
            }
            proof.revision = vertex;
        } else {
            proof = prover.prove(vertex);
        }
        proofs.push_back(std::move(proof));
        if (options.on_proof) {
            options.on_proof(proofs.back());
        }
        if (proofs.back().script_failed) {
            break;
        }
    }
    return proofs;
}

} // namespace rev
