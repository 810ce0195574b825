#pragma once

#include "cli.hpp"

#include <rev/verify.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// What verify, lint and merge share: proving revisions on a scratch database of the configured
// engine (SQLite when none is configured).
namespace rev::cli {

// The options verify and lint take.
struct ProofRequest {
    std::string range;
    std::string scratch_url;
    bool from_current = false;

    void declare(CommandLine& line);
};

// How a proof run ended: its proofs, or why it could not run (exit 3).
struct ProofRun {
    std::vector<RevisionProof> proofs;
    std::string could_not_run;
    std::string engine;
    std::chrono::milliseconds took{0};
};

// Proves `chosen`, else the revisions of the request's range, else every revision. A scratch
// database that cannot be made or read fills `could_not_run` instead of throwing; a --scratch-url
// that cannot serve is a UsageError.
ProofRun run_proofs(Context& context, const ProofRequest& request, bool round_trip,
                    const std::function<void(const RevisionProof&)>& on_proof,
                    const std::optional<RevisionGraph::Vertices>& chosen = std::nullopt);

} // namespace rev::cli
