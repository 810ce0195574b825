#include "graph_builder.hpp"

#include <rev/revision_set.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using rev::test::GraphBuilder;
using rev::test::lines_of;
using Lines = std::vector<std::string>;

namespace {

rev::RevisionSet make_set(const GraphBuilder& builder) {
    rev::Diagnostics diagnostics;
    rev::RevisionSet set(builder.revisions(), diagnostics);
    REQUIRE(diagnostics.empty());
    return set;
}

std::vector<std::string> ids_at(const rev::RevisionSet& set,
                                const std::vector<rev::RevisionSet::Index>& indexes) {
    std::vector<std::string> ids;
    ids.reserve(indexes.size());
    for (rev::RevisionSet::Index index : indexes) {
        ids.push_back(set[index].id);
    }
    return ids;
}

} // namespace

TEST_CASE("RevisionSet: keeps revisions sorted by id", "[revision_set]") {
    // Given in an order unlike the ids' and unlike the paths'.
    const rev::RevisionSet set =
        make_set(GraphBuilder().add("c3", {"b2"}).add("a1", {}).add("b2", {"a1"}));
    REQUIRE(set.size() == 3);
    CHECK_FALSE(set.empty());
    CHECK(set[0].id == "a1");
    CHECK(set[1].id == "b2");
    CHECK(set[2].id == "c3");
    CHECK(rev::RevisionSet().empty());
}

TEST_CASE("RevisionSet: find", "[revision_set]") {
    const rev::RevisionSet set =
        make_set(GraphBuilder().add("abc123", {}).add("abc124", {"abc123"}));
    CHECK(set.find("abc123") == std::optional<rev::RevisionSet::Index>(0));
    CHECK(set.find("abc124") == std::optional<rev::RevisionSet::Index>(1));
    SECTION("takes only whole ids") {
        CHECK_FALSE(set.find("abc"));
        CHECK_FALSE(set.find("abc1234"));
        CHECK_FALSE(set.find(""));
    }
    SECTION("is case sensitive") {
        CHECK_FALSE(set.find("ABC123"));
    }
}

TEST_CASE("RevisionSet: find among many ids alike in their first bytes", "[revision_set]") {
    GraphBuilder builder;
    for (int i = 299; i >= 0; --i) {
        const std::string digits = std::to_string(1000 + i).substr(1);
        builder.add("migration_" + digits, {});
    }
    const rev::RevisionSet set = make_set(builder);
    for (rev::RevisionSet::Index i = 0; i < set.size(); ++i) {
        CHECK(set.find(set[i].id) == std::optional<rev::RevisionSet::Index>(i));
    }
    CHECK(set[0].id == "migration_000");
    CHECK_FALSE(set.find("migration_300"));
    CHECK_FALSE(set.find("migration_00"));
    CHECK_FALSE(rev::RevisionSet().find("migration_000"));
}

TEST_CASE("RevisionSet: find_prefix", "[revision_set]") {
    const rev::RevisionSet set = make_set(GraphBuilder()
                                              .add("ab12", {})
                                              .add("ab34", {"ab12"})
                                              .add("ab3", {"ab34"})
                                              .add("b000", {"ab3"}));
    SECTION("every id that starts with the prefix, in id order") {
        CHECK(ids_at(set, set.find_prefix("ab")) == Lines{"ab12", "ab3", "ab34"});
        CHECK(ids_at(set, set.find_prefix("ab3")) == Lines{"ab3", "ab34"});
        CHECK(ids_at(set, set.find_prefix("b")) == Lines{"b000"});
    }
    SECTION("a whole id is its own prefix") {
        CHECK(ids_at(set, set.find_prefix("ab34")) == Lines{"ab34"});
    }
    SECTION("nothing") {
        CHECK(set.find_prefix("c").empty());
        CHECK(set.find_prefix("ab345").empty());
        CHECK(set.find_prefix("a_").empty());
    }
    SECTION("the empty prefix matches every id") {
        CHECK(set.find_prefix("").size() == 4);
    }
}

TEST_CASE("RevisionSet: find_label", "[revision_set]") {
    const rev::RevisionSet set = make_set(
        GraphBuilder().add("a", {}, {}, {"core"}).add("b", {"a"}, {}, {"feature", "feature_v2"}));
    CHECK(set.find_label("core") == std::optional<rev::RevisionSet::Index>(0));
    CHECK(set.find_label("feature") == std::optional<rev::RevisionSet::Index>(1));
    CHECK(set.find_label("feature_v2") == std::optional<rev::RevisionSet::Index>(1));
    SECTION("ids are not labels") {
        CHECK_FALSE(set.find_label("a"));
    }
    SECTION("labels are not prefixes") {
        CHECK_FALSE(set.find_label("feat"));
    }
}

TEST_CASE("RevisionSet: suggest", "[revision_set]") {
    const rev::RevisionSet set = make_set(GraphBuilder()
                                              .add("add_users", {})
                                              .add("add_posts", {"add_users"})
                                              .add("1a2b3c4d5e6f", {"add_posts"}));
    SECTION("a single id the text is a prefix of") {
        CHECK(set.suggest("1a2") == std::optional<std::string>("1a2b3c4d5e6f"));
        CHECK(set.suggest("add_u") == std::optional<std::string>("add_users"));
    }
    SECTION("the id a typo away") {
        CHECK(set.suggest("add_user") == std::optional<std::string>("add_users"));
        CHECK(set.suggest("add_usres") == std::optional<std::string>("add_users"));
        CHECK(set.suggest("1a2b3c4d5e6e") == std::optional<std::string>("1a2b3c4d5e6f"));
    }
    SECTION("nothing when the text begins two ids and is far from both") {
        CHECK_FALSE(set.suggest("add_"));
    }
    SECTION("nothing when no id is close") {
        CHECK_FALSE(set.suggest("drop_everything"));
        CHECK_FALSE(set.suggest("x"));
    }
}

TEST_CASE("closest_match", "[revision_set]") {
    const std::vector<std::string_view> keys = {
        "id", "message", "parents", "branch_labels", "depends_on", "transactional"};
    SECTION("one edit") {
        CHECK(rev::closest_match("ix", keys) == std::optional<std::string>("id"));
        CHECK(rev::closest_match("parent", keys) == std::optional<std::string>("parents"));
        CHECK(rev::closest_match("mesage", keys) == std::optional<std::string>("message"));
        CHECK(rev::closest_match("transactionel", keys) ==
              std::optional<std::string>("transactional"));
    }
    SECTION("up to three edits in a long name") {
        CHECK(rev::closest_match("depends", keys) == std::optional<std::string>("depends_on"));
        CHECK(rev::closest_match("brnch_lbls", keys) ==
              std::optional<std::string>("branch_labels"));
    }
    SECTION("not more than three edits") {
        CHECK_FALSE(rev::closest_match("brn_lbls", keys));
    }
    SECTION("not when the edits change more than half of the name") {
        // "nope" is three edits from "e", but nobody types one for the other.
        CHECK_FALSE(rev::closest_match("nope", {"a", "e"}));
        CHECK_FALSE(rev::closest_match("dxy", keys));
        CHECK_FALSE(rev::closest_match("a", {"b"}));
    }
    SECTION("the closest of several") {
        CHECK(rev::closest_match("abcdefgh", {"abcdefxx", "abcdefgx"}) ==
              std::optional<std::string>("abcdefgx"));
    }
    SECTION("not when two are equally close") {
        CHECK_FALSE(rev::closest_match("abcx", {"abcd", "abce"}));
    }
    SECTION("nothing among no candidates") {
        CHECK_FALSE(rev::closest_match("anything", {}));
        CHECK_FALSE(rev::closest_match("", {"a"}));
    }
}

TEST_CASE("RevisionSet: reports duplicates", "[revision_set][error]") {
    GraphBuilder builder;
    builder.add("a", {}, {}, {"x"}).add("b", {"a"}, {}, {"x", "a"});
    rev::Diagnostics diagnostics;
    const rev::RevisionSet set(builder.revisions(), diagnostics);
    CHECK(lines_of(diagnostics) ==
          Lines{"versions/b/manifest.toml: branch label 'x' is already used by revision 'a' "
                "(versions/a/manifest.toml)",
                "versions/b/manifest.toml: branch label 'a' is also a revision id"});
    SECTION("keeping the first owner of a label") {
        CHECK(set.find_label("x") == std::optional<rev::RevisionSet::Index>(0));
        CHECK_FALSE(set.find_label("a"));
    }
}

TEST_CASE("RevisionSet: keeps the first of a duplicate id in folder order",
          "[revision_set][error]") {
    GraphBuilder builder;
    builder.add("a", {}).add("a", {}).add("b", {}).add("b", {});
    std::vector<rev::Revision> revisions = builder.revisions();
    revisions[0].directory = "versions/z";
    revisions[1].directory = "versions/m";
    revisions[2].directory = "versions/c";
    revisions[3].directory = "versions/d";
    rev::Diagnostics diagnostics;
    const rev::RevisionSet set(revisions, diagnostics);
    CHECK(lines_of(diagnostics) ==
          Lines{"versions/d/manifest.toml: duplicate id 'b' (also in versions/c/manifest.toml)",
                "versions/z/manifest.toml: duplicate id 'a' (also in versions/m/manifest.toml)"});
    REQUIRE(set.size() == 2);
    CHECK(set[*set.find("a")].directory == "versions/m");
    CHECK(set[*set.find("b")].directory == "versions/c");
}
