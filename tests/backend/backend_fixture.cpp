#include "backend_fixture.hpp"

#include <rev/connect.hpp>
#include <rev/error.hpp>
#include <rev/loader.hpp>
#include <rev/migrate.hpp>
#include <rev/target.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace rev::test {

namespace {

std::string configured_database() {
    const char* value = std::getenv("REV_TEST_DATABASE");
    return value != nullptr ? value : "sqlite";
}

} // namespace

BackendFixture::BackendFixture() {
    const std::string database = configured_database();
    if (database == "sqlite") {
        m_url = parse_database_url("sqlite:///test.db", m_dir.path());
        return;
    }
    m_url = parse_database_url(database, m_dir.path());
    execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
}

BackendFixture::~BackendFixture() = default;

std::string BackendFixture::url_text() const {
    return is_postgresql() ? configured_database() : "sqlite:///" + m_url.sqlite_path.string();
}

std::unique_ptr<Database> BackendFixture::connect() const {
    return rev::connect(m_url, VersionTables{}, IfMissing::create);
}

RevisionGraph BackendFixture::load() const {
    return load_revision_graph(m_dir.path() / "versions");
}

std::size_t BackendFixture::move(MoveKind kind, const std::string& target, TransactionMode mode,
                                 bool purge) const {
    auto database = connect();
    MoveOptions options;
    options.kind = kind;
    options.apply.mode = mode;
    options.lock_timeout = std::chrono::seconds(10);
    options.purge = purge;
    const RevisionGraph graph = load();
    const MoveResult result = move_database(*database, graph, parse_target(target), options);
    // move_database works out where the database ends up without reading it again: every move
    // of the suite checks that against the record.
    std::vector<std::string> said;
    for (const RevisionGraph::Vertex v : result.applied.in_order) {
        said.push_back(graph.revision(v).id);
    }
    CHECK(said == applied_ids());
    return result.steps;
}

std::vector<std::string> BackendFixture::applied_ids() const {
    std::vector<std::string> ids;
    for (const AppliedRevision& row : connect()->applied()) {
        ids.push_back(row.revision);
    }
    return ids;
}

std::vector<std::string> BackendFixture::tables() const {
    return connect()->snapshot().names_of(SchemaObject::Kind::table);
}

void BackendFixture::execute(const std::string& statements) const {
    connect()->runner().execute({statements, "fixture.sql"});
}

std::vector<RevisionProof> BackendFixture::prove(const RevisionGraph& graph,
                                                 const std::vector<std::string>& ids,
                                                 bool round_trip, bool from_current) const {
    RevisionGraph::Vertices revisions;
    for (const std::string& id : ids) {
        revisions.push_back(graph.revisions().find(id).value());
    }
    if (ids.empty()) {
        revisions = graph.topological_order();
    }
    ScratchOptions scratch_options;
    scratch_options.from_current = from_current;
    const auto scratch = create_scratch(m_url, VersionTables{}, scratch_options);
    ProofOptions options;
    options.round_trip = round_trip;
    return prove_revisions(scratch->database(), graph, revisions, options);
}

std::string BackendFixture::records() const {
    const auto database = connect();
    std::ostringstream text;
    for (const AppliedRevision& row : database->applied()) {
        text << row.revision << " " << static_cast<int>(row.state) << " " << row.error << " "
             << row.seq << " " << row.checksums.up << " " << row.checksums.down << " "
             << row.checksums.manifest << " " << row.applied_at << " " << row.applied_by << " "
             << row.duration_ms << " " << row.rev_version << "\n";
    }
    for (const LogEntry& entry : database->log(1000)) {
        text << entry.id << " " << entry.event << " " << entry.revision << " " << entry.at << " "
             << entry.by << " " << entry.duration_ms << " " << entry.rev_version << " "
             << entry.detail << "\n";
    }
    return text.str();
}

void write_scripted_revision(const TempDir& dir, const std::string& id,
                             const std::vector<std::string>& parents, const std::string& up,
                             const std::string& down, const std::string& extra) {
    write_revision(dir, id, parents, extra);
    dir.write(std::filesystem::path("versions") / id / "up.sql", up);
    dir.write(std::filesystem::path("versions") / id / "down.sql", down);
}

std::string what_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace rev::test
