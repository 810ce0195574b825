// SchemaSnapshot normalisation, diff and printing (src/schema/schema.cpp), over snapshots built
// in memory: the catalog readers are tested against the real engines in tests/backend/.
#include <rev/schema.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using rev::SchemaChange;
using rev::SchemaObject;
using rev::SchemaSnapshot;
using Kind = SchemaObject::Kind;

namespace {

SchemaObject table(const std::string& name) {
    return {Kind::table, name, "", {}};
}

SchemaObject column(const std::string& table_name, const std::string& name, const std::string& type,
                    const std::string& nullable = "yes") {
    return {Kind::column, name, table_name, {{"type", type}, {"nullable", nullable}}};
}

SchemaObject index(const std::string& table_name, const std::string& name,
                   const std::string& columns) {
    return {Kind::index, name, table_name, {{"columns", columns}, {"unique", "no"}}};
}

SchemaSnapshot snapshot(std::vector<SchemaObject> objects) {
    SchemaSnapshot result{std::move(objects)};
    result.normalise();
    return result;
}

// users(id, email) with an index, and posts(user_id).
SchemaSnapshot users_and_posts() {
    return snapshot({column("users", "id", "INTEGER", "no"), table("posts"),
                     index("posts", "i_posts_user", "user_id"), table("users"),
                     column("users", "email", "TEXT"), column("posts", "user_id", "INTEGER")});
}

std::vector<std::string> described(const std::vector<SchemaChange>& changes) {
    std::vector<std::string> lines;
    for (const SchemaChange& change : changes) {
        const char* kind = change.kind == SchemaChange::Kind::added     ? "added"
                           : change.kind == SchemaChange::Kind::removed ? "removed"
                                                                        : "changed";
        std::string line = std::string(kind) + " " + change.object().describe();
        if (change.kind == SchemaChange::Kind::changed) {
            line += ": " + rev::describe_attribute_changes(change);
        }
        lines.push_back(line);
    }
    return lines;
}

} // namespace

TEST_CASE("SchemaSnapshot: normalised snapshots of one schema compare equal", "[schema]") {
    const SchemaSnapshot forwards = users_and_posts();
    SchemaSnapshot backwards{
        std::vector<SchemaObject>(forwards.objects.rbegin(), forwards.objects.rend())};
    CHECK_FALSE(backwards == forwards);
    backwards.normalise();
    CHECK(backwards == forwards);
}

TEST_CASE("SchemaSnapshot: objects sort by kind, then table, then name", "[schema]") {
    CHECK(rev::to_text(users_and_posts()) == "table posts\n"
                                             "table users\n"
                                             "  column user_id on posts: nullable yes, type "
                                             "INTEGER\n"
                                             "  column email on users: nullable yes, type TEXT\n"
                                             "  column id on users: nullable no, type INTEGER\n"
                                             "  index i_posts_user on posts: columns user_id, "
                                             "unique no\n");
}

TEST_CASE("SchemaSnapshot: find and names_of", "[schema]") {
    const SchemaSnapshot schema = users_and_posts();
    REQUIRE(schema.find(Kind::column, "users", "email") != nullptr);
    CHECK(schema.find(Kind::column, "users", "email")->attribute("type") == "TEXT");
    CHECK(schema.find(Kind::column, "users", "email")->attribute("default").empty());
    CHECK(schema.find(Kind::column, "posts", "email") == nullptr);
    CHECK(schema.find(Kind::table, "", "nope") == nullptr);
    CHECK(schema.names_of(Kind::table) == std::vector<std::string>{"posts", "users"});
}

TEST_CASE("diff: names each object added, removed or changed, in snapshot order", "[schema]") {
    const SchemaSnapshot before = users_and_posts();
    SECTION("equal snapshots have no diff") {
        CHECK(rev::diff(before, users_and_posts()).empty());
    }
    SECTION("a leftover index, a dropped table, a changed column") {
        SchemaSnapshot after = before;
        after.objects.push_back(index("users", "i_users_email", "email"));
        std::erase_if(after.objects, [](const SchemaObject& object) {
            return object.name == "posts" || object.table == "posts";
        });
        for (SchemaObject& object : after.objects) {
            if (object.name == "email") {
                object.attributes["type"] = "VARCHAR(80)";
                object.attributes["nullable"] = "no";
                object.attributes["default"] = "''";
            }
        }
        after.normalise();
        const std::string email_changed = "changed column email on users: default (none) -> '', "
                                          "nullable yes -> no, type TEXT -> VARCHAR(80)";
        CHECK(described(rev::diff(before, after)) == std::vector<std::string>{
                                                         "removed table posts",
                                                         "removed column user_id on posts",
                                                         email_changed,
                                                         "removed index i_posts_user on posts",
                                                         "added index i_users_email on users",
                                                     });
    }
}

TEST_CASE("normalise_whitespace: runs become one space, ends are trimmed", "[schema]") {
    CHECK(rev::normalise_whitespace("  SELECT\n\t a,\r\n  b   FROM t \n") == "SELECT a, b FROM t");
    CHECK(rev::normalise_whitespace("").empty());
    CHECK(rev::normalise_whitespace(" \n ").empty());
}
