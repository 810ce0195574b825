#pragma once

#include <rev/database.hpp>
#include <rev/graph.hpp>
#include <rev/schema.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// `rev verify`: proof, on a scratch database of the real engine, that each revision's down.sql
// undoes its up.sql and that up.sql runs again after it (docs/verify.md). For each revision,
// in upgrade order: snapshot S0, up, S1, down, S2, up, S3; S2 must equal S0 and S3 equal S1.
// `rev lint` reads each revision's S0 -> S1 diff from the same run.
namespace rev {

// Which comparison a problem comes from.
enum class ProofStep {
    // A script failed.
    runs,
    // S0 -> S2: what down.sql left different from before up.sql.
    down_restores,
    // S1 -> S3: what the second up.sql made differently from the first.
    up_repeats,
};

// One object that a round trip did not bring back, or a script that failed.
struct ProofProblem {
    ProofStep step = ProofStep::runs;
    // The script to blame: down.sql for down_restores, up.sql for up_repeats, or the one that
    // failed, with the line its failing statement starts on (0: the engine did not say).
    std::filesystem::path file;
    int line = 0;
    // "index i_posts_user on posts"; empty when a script failed.
    std::string object;
    // "left behind", "dropped", "changed (type INTEGER -> TEXT)", or the script's error.
    std::string what;

    // "versions/a1/down.sql: down did not restore index i on posts: left behind".
    std::string to_string() const;
};

struct RevisionProof {
    RevisionGraph::Vertex revision = 0;
    // What up.sql changed (S0 -> S1), and the table locks it held when it finished (in its
    // transaction; none for a non-transactional revision): what `rev lint` judges.
    std::vector<SchemaChange> up_changes;
    std::vector<TableLock> up_locks;
    std::vector<ProofProblem> problems;
    // A script failed: the run stops there, since what follows depends on it.
    bool script_failed = false;

    bool holds() const { return problems.empty(); }
};

struct ProofOptions {
    // false: run each up.sql once and snapshot around it (S0, S1) only, as `rev lint` needs.
    bool round_trip = true;
    // Called after each revision of `revisions` is proven, for progress output.
    std::function<void(const RevisionProof&)> on_proof;
    // Called between scripts; throws to stop the run (Ctrl-C).
    std::function<void()> check_interrupted;
};

// Applies every revision of `revisions` (in topological order) and each ancestor they need on
// `scratch`, and proves those of `revisions`. Revisions that the scratch's records show as
// applied (a copy of a real database) are neither run nor proven. Stops after a script fails.
// Throws DatabaseError when the scratch database itself fails (not a script).
std::vector<RevisionProof> prove_revisions(Database& scratch, const RevisionGraph& graph,
                                           const RevisionGraph::Vertices& revisions,
                                           const ProofOptions& options);

} // namespace rev
