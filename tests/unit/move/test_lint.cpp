// rev lint's rules (src/move/lint.cpp) over schema diffs built in memory; the backend suite runs
// them on diffs the real engines produce.
#include "graph_builder.hpp"

#include <rev/lint.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using rev::LintFinding;
using rev::RevisionGraph;
using rev::RevisionProof;
using rev::SchemaObject;
using rev::SchemaSnapshot;
using rev::test::GraphBuilder;
using Kind = SchemaObject::Kind;
using Lines = std::vector<std::string>;

namespace {

SchemaObject table(const std::string& name) {
    return {Kind::table, name, "", {}};
}

SchemaObject column(const std::string& table_name, const std::string& name, const std::string& type,
                    const std::string& nullable = "yes", const std::string& default_value = "") {
    SchemaObject object{Kind::column, name, table_name, {{"type", type}, {"nullable", nullable}}};
    if (!default_value.empty()) {
        object.attributes["default"] = default_value;
    }
    return object;
}

SchemaSnapshot snapshot(std::vector<SchemaObject> objects) {
    SchemaSnapshot result{std::move(objects)};
    result.normalise();
    return result;
}

// users(id, email), an index on email, a view over it.
std::vector<SchemaObject> base_schema() {
    return {
        table("users"),
        column("users", "id", "INTEGER", "no"),
        column("users", "email", "TEXT"),
        SchemaObject{Kind::index, "i_users_email", "users", {{"columns", "email"}}},
        SchemaObject{Kind::constraint, "users_email_check", "users", {{"check", "email <> ''"}}},
        SchemaObject{Kind::view, "v_users", "", {{"definition", "SELECT id FROM users"}}}};
}

RevisionProof proof_of(RevisionGraph::Vertex revision, const std::vector<SchemaObject>& before,
                       const std::vector<SchemaObject>& after) {
    RevisionProof proof;
    proof.revision = revision;
    proof.up_changes = rev::diff(snapshot(before), snapshot(after));
    return proof;
}

Lines lines_of(const RevisionGraph& graph, const std::vector<LintFinding>& findings) {
    Lines lines;
    for (const LintFinding& finding : findings) {
        lines.push_back(finding.to_string(graph));
    }
    return lines;
}

// Everything but the objects `drop` names.
std::vector<SchemaObject> without(std::vector<SchemaObject> objects, const std::string& drop) {
    std::erase_if(objects, [&drop](const SchemaObject& object) {
        return object.name == drop || object.table == drop;
    });
    return objects;
}

} // namespace

TEST_CASE("lint_revision: one finding per destructive change, with its code", "[lint]") {
    const RevisionGraph graph = GraphBuilder().add("a1", {}).build();
    const auto lint = [&graph](const std::vector<SchemaObject>& after) {
        return lines_of(graph, rev::lint_revision(graph, proof_of(0, base_schema(), after)));
    };
    SECTION("creating things is fine") {
        std::vector<SchemaObject> after = base_schema();
        after.push_back(table("posts"));
        after.push_back(column("posts", "title", "TEXT", "no"));
        after.push_back(column("users", "bio", "TEXT"));
        after.push_back(column("users", "active", "INTEGER", "no", "1"));
        CHECK(lint(after).empty());
    }
    SECTION("drop-table covers its columns, indexes and constraints") {
        CHECK(lint(without(without(base_schema(), "users"), "v_users")) ==
              Lines{"versions/a1/up.sql: drop-table: table users: dropped with its data; stop "
                    "using it, and drop it in a later revision once no running code reads it",
                    "versions/a1/up.sql: drop-view: view v_users: dropped: running code that "
                    "reads it breaks; drop it once nothing does"});
    }
    SECTION("drop-column, drop-index, drop-constraint") {
        CHECK(lint(without(without(base_schema(), "email"), "i_users_email")) ==
              Lines{"versions/a1/up.sql: drop-column: column email on users: dropped with its "
                    "data; stop reading and writing it first, and drop it in a later revision",
                    "versions/a1/up.sql: drop-index: index i_users_email on users: dropped: "
                    "queries that used it may become slow, and a unique index no longer guards "
                    "its data"});
        CHECK(lint(without(base_schema(), "users_email_check")) ==
              Lines{"versions/a1/up.sql: drop-constraint: constraint users_email_check on users: "
                    "dropped: the database no longer checks what it guarded"});
    }
    SECTION("change-column-type and add-not-null on an existing column") {
        std::vector<SchemaObject> after = without(base_schema(), "email");
        after.push_back(column("users", "email", "VARCHAR(80)", "no"));
        CHECK(lint(after) ==
              Lines{"versions/a1/up.sql: change-column-type: column email on users: type TEXT -> "
                    "VARCHAR(80): rewrites the column and may fail or lose data; add a column of "
                    "the new type, backfill it, switch the code, then drop the old one",
                    "versions/a1/up.sql: add-not-null: column email on users: set NOT NULL on an "
                    "existing column: fails if any row holds NULL, and breaks code that writes "
                    "NULL; backfill first, and check no code writes NULL"});
    }
    SECTION("add-not-null: a new NOT NULL column without a default on an existing table") {
        std::vector<SchemaObject> after = base_schema();
        after.push_back(column("users", "name", "TEXT", "no"));
        CHECK(lint(after) ==
              Lines{"versions/a1/up.sql: add-not-null: column name on users: a NOT NULL column "
                    "without a default on an existing table: fails on a table with rows, and "
                    "breaks inserts that do not name it; add it with a default, or nullable, "
                    "backfill, then set NOT NULL"});
    }
    SECTION("rename: a column or table that vanished while its twin appeared") {
        std::vector<SchemaObject> after = without(base_schema(), "email");
        after.push_back(column("users", "mail", "TEXT"));
        CHECK(lint(after) ==
              Lines{"versions/a1/up.sql: rename: column email -> mail on users: renamed: running "
                    "code that uses the old name breaks; add the new column beside the old one, "
                    "write both, switch the readers, then drop the old"});
        std::vector<SchemaObject> moved = {table("people"), column("people", "id", "INTEGER", "no"),
                                           column("people", "email", "TEXT")};
        CHECK(lint(moved) ==
              Lines{"versions/a1/up.sql: rename: table users -> people: renamed: running code "
                    "that uses the old name breaks; add the new name beside the old one (a "
                    "view), switch the code, then drop the old",
                    "versions/a1/up.sql: drop-view: view v_users: dropped: running code that "
                    "reads it breaks; drop it once nothing does"});
    }
}

TEST_CASE("apply_allow_lists: a revision acknowledges a code in its manifest", "[lint]") {
    GraphBuilder builder;
    builder.add("a1", {});
    rev::Revision allowing = builder.revisions().front();
    allowing.lint_allow = {"drop-column"};
    std::vector<rev::Revision> revisions{allowing};
    rev::Diagnostics diagnostics;
    const RevisionGraph graph(rev::RevisionSet(revisions, diagnostics), diagnostics);
    std::vector<LintFinding> findings = rev::lint_revision(
        graph, proof_of(0, base_schema(), without(without(base_schema(), "email"), "v_users")));
    rev::apply_allow_lists(graph, findings);
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].code == "drop-column");
    CHECK(findings[0].allowed);
    CHECK(findings[1].code == "drop-view");
    CHECK_FALSE(findings[1].allowed);
    CHECK(findings[0].to_string(graph).ends_with("(allowed)"));
}

TEST_CASE("lint_branch_conflicts: two sides of a merge change one table", "[lint]") {
    // a1 - b2 ------ m4
    //   `- c3 -----'
    const RevisionGraph graph = GraphBuilder()
                                    .add("a1", {})
                                    .add("b2", {"a1"})
                                    .add("c3", {"a1"})
                                    .add("m4", {"b2", "c3"})
                                    .build();
    const auto vertex = [&graph](const std::string& id) { return *graph.revisions().find(id); };
    std::vector<SchemaObject> with_bio = base_schema();
    with_bio.push_back(column("users", "bio", "TEXT"));
    std::vector<SchemaObject> with_posts = base_schema();
    with_posts.push_back(table("posts"));
    SECTION("both alter users") {
        const std::vector<RevisionProof> proofs{
            proof_of(vertex("b2"), base_schema(), with_bio),
            proof_of(vertex("c3"), base_schema(), without(base_schema(), "i_users_email"))};
        CHECK(lines_of(graph, rev::lint_branch_conflicts(graph, proofs)) ==
              Lines{"versions/b2/up.sql: branch-conflict: table users: changed on two branches "
                    "written apart (b2 and c3); check that together they do what both meant"});
    }
    SECTION("different tables do not conflict") {
        const std::vector<RevisionProof> proofs{proof_of(vertex("b2"), base_schema(), with_bio),
                                                proof_of(vertex("c3"), base_schema(), with_posts)};
        CHECK(rev::lint_branch_conflicts(graph, proofs).empty());
    }
}

TEST_CASE("lint_revision: locking, from the table locks the engine reports", "[lint]") {
    const RevisionGraph graph = GraphBuilder().add("a1", {}).build();
    std::vector<SchemaObject> indexed = base_schema();
    indexed.push_back(SchemaObject{Kind::index, "i_users_id", "users", {{"columns", "id"}}});
    RevisionProof proof = proof_of(0, base_schema(), indexed);
    SECTION("CREATE INDEX without CONCURRENTLY on an existing table") {
        proof.up_locks = {{"users", "ShareLock"}};
        CHECK(lines_of(graph, rev::lint_revision(graph, proof)) ==
              Lines{"versions/a1/up.sql: locking: table users: CREATE INDEX without CONCURRENTLY "
                    "holds a SHARE lock that blocks every write to the table while the index "
                    "builds; use CREATE INDEX CONCURRENTLY in a revision with transactional = "
                    "false"});
    }
    SECTION("a table the revision creates is nobody's yet") {
        std::vector<SchemaObject> with_posts = indexed;
        with_posts.push_back(table("posts"));
        proof = proof_of(0, base_schema(), with_posts);
        proof.up_locks = {{"posts", "ShareLock"}, {"posts", "AccessExclusiveLock"}};
        CHECK(rev::lint_revision(graph, proof).empty());
    }
    SECTION("SET NOT NULL, and not an ACCESS EXCLUSIVE lock alone") {
        proof.up_locks = {{"users", "AccessExclusiveLock"}};
        CHECK(rev::lint_revision(graph, proof).empty());
        std::vector<SchemaObject> not_null = without(base_schema(), "email");
        not_null.push_back(column("users", "email", "TEXT", "no"));
        proof = proof_of(0, base_schema(), not_null);
        proof.up_locks = {{"users", "AccessExclusiveLock"}};
        CHECK(lines_of(graph, rev::lint_revision(graph, proof)) ==
              Lines{"versions/a1/up.sql: add-not-null: column email on users: set NOT NULL on an "
                    "existing column: fails if any row holds NULL, and breaks code that writes "
                    "NULL; backfill first, and check no code writes NULL",
                    "versions/a1/up.sql: locking: table users: SET NOT NULL scans the whole table "
                    "under an ACCESS EXCLUSIVE lock that blocks reads and writes; add CHECK "
                    "(column IS NOT NULL) NOT VALID, VALIDATE it in a later revision, then SET "
                    "NOT NULL"});
    }
}
