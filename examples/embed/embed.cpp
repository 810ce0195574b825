// Upgrades a database to head through rev's C++ API, as a service does at start-up before it
// takes requests (docs/library.md).
//
//   embed PROJECT_DIR DATABASE_URL
//
// PROJECT_DIR holds migrate.toml and the revisions folder it names; a relative SQLite path in
// DATABASE_URL is taken from PROJECT_DIR, as rev itself does.
#include <rev/config.hpp>
#include <rev/connect.hpp>
#include <rev/error.hpp>
#include <rev/loader.hpp>
#include <rev/migrate.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: embed PROJECT_DIR DATABASE_URL\n";
        return 2;
    }
    try {
        const rev::Config config =
            rev::load_config(std::filesystem::path(argv[1]) / "migrate.toml");
        const rev::RevisionGraph graph = rev::load_revision_graph(config.revisions_dir);
        const rev::DatabaseUrl url = rev::parse_database_url(argv[2], config.root());
        const auto database = rev::connect(url, {config.version_table, config.version_schema},
                                           rev::IfMissing::create);

        rev::MoveOptions options; // an upgrade
        options.apply.mode = config.transaction_mode;
        options.lock_timeout =
            std::chrono::milliseconds(static_cast<long long>(config.lock_timeout_seconds * 1000));
        options.on_warning = [](const std::string& message) {
            std::cerr << "migrate: warning: " << message << "\n";
        };
        // Called once each step has committed.
        options.apply.on_step = [&graph](const rev::StepOutcome& outcome) {
            const rev::Revision& revision = graph.revision(outcome.step.revision);
            std::cout << "migrate: applied " << revision.id << " " << revision.message << " ("
                      << outcome.duration_ms << " ms)\n";
        };

        std::cout << "migrate: upgrading " << url.display << " to head\n";
        const rev::MoveResult result =
            rev::move_database(*database, graph, rev::parse_target("head"), options);
        const auto heads = result.applied.heads(graph);
        std::cout << "migrate: " << result.steps << " applied; " << url.display << " is at "
                  << (heads.empty() ? "base" : graph.id_list(heads)) << "\n";
        return 0;
    } catch (const rev::Error& error) {
        std::cerr << "migrate: error: " << error.what() << "\n";
        return 1;
    }
}
