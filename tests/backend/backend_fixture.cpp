#include "backend_fixture.hpp"

#include <rev/applier.hpp>
#include <rev/loader.hpp>
#include <rev/target.hpp>

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
    return rev::connect(m_url, VersionTables{}, CreateIfMissing::yes);
}

RevisionGraph BackendFixture::load() const {
    return load_revision_graph(m_dir.path() / "versions");
}

std::size_t BackendFixture::move(const std::string& how, const std::string& target,
                                 TransactionMode mode) const {
    const RevisionGraph graph = load();
    auto database = connect();
    database->lock(std::chrono::seconds(10));
    database->ensure_version_tables();
    AppliedSet applied;
    for (const AppliedRevision& row : database->applied()) {
        applied.in_order.push_back(*graph.revisions().find(row.revision));
    }
    const Target parsed = parse_target(target);
    Plan plan;
    if (how == "upgrade") {
        plan = plan_upgrade(graph, applied, parsed);
    } else if (how == "downgrade") {
        plan = plan_downgrade(graph, applied, parsed);
    } else {
        plan = plan_stamp(graph, applied, parsed);
    }
    ApplyOptions options;
    options.mode = mode;
    options.stamp = how == "stamp";
    return Applier(graph, database->runner(), options).apply(plan);
}

std::vector<std::string> BackendFixture::applied_ids() const {
    std::vector<std::string> ids;
    for (const AppliedRevision& row : connect()->applied()) {
        ids.push_back(row.revision);
    }
    return ids;
}

std::vector<std::string> BackendFixture::tables() const {
    return connect()->tables();
}

void BackendFixture::execute(const std::string& statements) const {
    connect()->runner().execute({statements, "fixture.sql"});
}

} // namespace rev::test
