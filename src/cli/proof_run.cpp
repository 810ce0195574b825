#include "proof_run.hpp"

#include <rev/connect.hpp>
#include <rev/error.hpp>
#include <rev/interrupt.hpp>
#include <rev/target.hpp>

namespace rev::cli {

namespace {

// The engine to prove on: the configured database's, or SQLite's when none is configured.
DatabaseUrl engine_url(Context& context) {
    return context.has_database_url() ? context.database_url()
                                      : parse_database_url("sqlite://", context.config().root());
}

} // namespace

void ProofRequest::declare(CommandLine& line) {
    line.add_positional("RANGE", 1, po::value(&range)->value_name("RANGE"),
                        "only LOWER:UPPER, e.g. base:head, REV:heads, REV:, :REV (default: "
                        "every revision)");
    line.add_options() //
        ("scratch-url", po::value(&scratch_url)->value_name("URL"),
         "PostgreSQL: the server to create the scratch database on (default: the "
         "configured one)") //
        ("from-current", po::bool_switch(&from_current),
         "start from a copy of the configured database, not an empty one");
    line.add_format();
}

ProofRun run_proofs(Context& context, const ProofRequest& request, bool round_trip,
                    const std::function<void(const RevisionProof&)>& on_proof,
                    const std::optional<RevisionGraph::Vertices>& chosen) {
    const RevisionGraph& graph = context.graph();
    const RevisionGraph::Vertices revisions =
        chosen                  ? *chosen
        : request.range.empty() ? graph.topological_order()
                                : resolve_range(graph, parse_range(request.range));
    const DatabaseUrl configured = engine_url(context);
    ScratchOptions scratch_options;
    if (!request.scratch_url.empty()) {
        scratch_options.server = parse_database_url(request.scratch_url, context.config().root());
        // A SQLite scratch is a temporary file: there is no server to choose.
        if (configured.kind != DatabaseUrl::Kind::postgresql) {
            throw UsageError("--scratch-url names a PostgreSQL server for the scratch database, "
                             "but the configured database is SQLite");
        }
        if (scratch_options.server->kind != DatabaseUrl::Kind::postgresql) {
            throw UsageError("--scratch-url must name a PostgreSQL server, not " +
                             scratch_options.server->display);
        }
    }
    scratch_options.from_current = request.from_current;
    ProofRun run;
    run.engine = configured.kind == DatabaseUrl::Kind::sqlite ? "SQLite" : "PostgreSQL";
    const auto started = std::chrono::steady_clock::now();
    try {
        const CancelOnInterrupt interrupts;
        const std::unique_ptr<ScratchDatabase> scratch =
            create_scratch(configured, context.version_tables(), scratch_options);
        ProofOptions options;
        options.round_trip = round_trip;
        options.on_proof = on_proof;
        options.check_interrupted = throw_if_interrupted;
        run.proofs = prove_revisions(scratch->database(), graph, revisions, options);
    } catch (const DatabaseError& error) {
        run.could_not_run = error.what();
    }
    run.took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return run;
}

} // namespace rev::cli
