#include "backend_fixture.hpp"

#include <rev/error.hpp>
#include <rev/loader.hpp>
#include <rev/migrate.hpp>
#include <rev/target.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
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

std::string what_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace rev::test
