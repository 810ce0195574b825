// Every --format json document (docs/json.md), from the real binary against the backend's
// database: parsed with a real JSON parser (nlohmann-json, a test-only dependency: checking
// output against the documented fields needs one), each must have format_version 1, only the
// fields docs/json.md lists, with their types, ids in full and times in ISO 8601 UTC.
#include "backend_fixture.hpp"
#include "run_rev.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

using nlohmann::json;
using rev::test::BackendFixture;
using rev::test::run_rev;
using rev::test::write_revision;

namespace {

// Field name -> "string", "integer", "bool", "object", "strings" (an array of strings) or
// "objects" (an array of objects); a name ending in '?' may be left out.
using Fields = std::map<std::string, std::string>;

bool has_type(const json& value, const std::string& type) {
    if (type == "strings" || type == "objects") {
        if (!value.is_array()) {
            return false;
        }
        for (const json& item : value) {
            if (type == "strings" ? !item.is_string() : !item.is_object()) {
                return false;
            }
        }
        return true;
    }
    return type == "string"    ? value.is_string()
           : type == "integer" ? value.is_number_integer()
           : type == "bool"    ? value.is_boolean()
                               : value.is_object();
}

// Checks that `object` has exactly `fields` (the optional ones if at all), each of its type.
void check_fields(const json& object, const Fields& fields) {
    REQUIRE(object.is_object());
    std::map<std::string, std::string> known;
    for (const auto& [name, type] : fields) {
        const bool optional = name.ends_with('?');
        const std::string key = optional ? name.substr(0, name.size() - 1) : name;
        known[key] = type;
        CAPTURE(key);
        if (!optional) {
            CHECK(object.contains(key));
        }
    }
    for (const auto& [key, value] : object.items()) {
        CAPTURE(key, value.dump());
        REQUIRE(known.count(key) == 1);
        CHECK(has_type(value, known[key]));
    }
}

const Fields k_revision = {
    {"id", "string"},          {"message", "string"},        {"parents", "strings"},
    {"depends_on", "strings"}, {"branch_labels", "strings"}, {"transactional", "bool"},
    {"is_head", "bool"},       {"is_branch_point", "bool"},  {"is_merge_point", "bool"},
    {"folder", "string"}};

Fields with(Fields fields, const Fields& more) {
    fields.insert(more.begin(), more.end());
    return fields;
}

const std::vector<std::string> k_ids = {"a1b2c3d4e5f6", "b2c3d4e5f6a7", "c3d4e5f6a7b8"};

void check_id(const json& id) {
    CHECK(std::find(k_ids.begin(), k_ids.end(), id.get<std::string>()) != k_ids.end());
}

void check_time(const json& time) {
    static const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z)");
    CHECK(std::regex_match(time.get<std::string>(), iso));
}

void check_revisions(const json& revisions, const Fields& fields = k_revision) {
    for (const json& revision : revisions) {
        check_fields(revision, fields);
        check_id(revision["id"]);
        for (const char* list : {"parents", "depends_on"}) {
            for (const json& id : revision.value(list, json::array())) {
                check_id(id);
            }
        }
    }
}

// `rev ARGS --format json`: its one document, whose format_version is 1.
json document(const BackendFixture& db, std::vector<std::string> args, int exit_code = 0) {
    args.insert(args.end(), {"--format", "json", "-q"});
    const rev::test::RunResult result = run_rev(db.dir().path(), args);
    CAPTURE(args, result.out, result.err);
    CHECK(result.exit_code == exit_code);
    json parsed = json::parse(result.out);
    CHECK(parsed.at("format_version") == 1);
    return parsed;
}

void check_move(const json& move, bool dry) {
    check_fields(move, {{"format_version", "integer"},
                        {"database", "string"},
                        {"kind", "string"},
                        {"dry_run", "bool"},
                        {"steps", "objects"},
                        {dry ? "at?" : "at", "strings"},
                        {dry ? "duration_ms?" : "duration_ms", "integer"}});
    for (const json& step : move["steps"]) {
        check_fields(step, {{"direction", "string"},
                            {"revision", "string"},
                            {"message", "string"},
                            {dry ? "duration_ms?" : "duration_ms", "integer"}});
        check_id(step["revision"]);
    }
    for (const json& id : move.value("at", json::array())) {
        check_id(id);
    }
}

} // namespace

TEST_CASE("Backend: every --format json document has the fields docs/json.md lists",
          "[backend][json]") {
    BackendFixture db;
    write_revision(db.dir(), k_ids[0], {});
    write_revision(db.dir(), k_ids[1], {k_ids[0]});
    write_revision(db.dir(), k_ids[2], {k_ids[0]});
    db.dir().write("migrate.toml", "[database]\nurl = \"" + db.url_text() + "\"\n");
    const Fields head = {{"format_version", "integer"}};

    check_move(document(db, {"upgrade", "heads", "--dry-run"}), true);
    check_move(document(db, {"upgrade", "heads"}), false);
    check_move(document(db, {"downgrade", k_ids[0], "--dry-run"}), true);
    check_move(document(db, {"downgrade", k_ids[0]}), false);
    check_move(document(db, {"stamp", "heads"}), false);

    const json heads = document(db, {"heads"});
    check_fields(heads, with(head, {{"heads", "objects"}}));
    check_revisions(heads["heads"]);
    const json branches = document(db, {"branches"});
    check_fields(branches, with(head, {{"branch_points", "objects"}}));
    CHECK(branches["branch_points"].size() == 1);
    check_revisions(branches["branch_points"], with(k_revision, {{"children", "strings"}}));
    const json history = document(db, {"history"});
    check_fields(history, with(head, {{"revisions", "objects"}}));
    check_revisions(history["revisions"], with(k_revision, {{"applied", "bool"}}));
    const json show = document(db, {"show", k_ids[0]});
    check_fields(show, with(head, {{"revisions", "objects"}}));
    check_revisions(show["revisions"]);

    const json current = document(db, {"current"});
    check_fields(current,
                 with(head, {{"database", "string"}, {"at", "objects"}, {"applied", "objects"}}));
    check_revisions(current["at"]);
    for (const json& row : current["applied"]) {
        check_fields(row, {{"revision", "string"},
                           {"state", "string"},
                           {"seq", "integer"},
                           {"applied_at", "string"},
                           {"applied_by", "string"},
                           {"duration_ms", "integer"},
                           {"rev_version", "string"},
                           {"error?", "string"}});
        check_id(row["revision"]);
        check_time(row["applied_at"]);
    }
    const json status = document(db, {"status"});
    check_fields(status, with(head, {{"database", "string"},
                                     {"revisions", "integer"},
                                     {"applied", "strings"},
                                     {"at", "strings"},
                                     {"pending", "objects"},
                                     {"up_to_date", "bool"}}));
    check_revisions(status["pending"]);
    const json log = document(db, {"log"});
    check_fields(log, with(head, {{"database", "string"}, {"events", "objects"}}));
    CHECK(log["events"].size() >= 5);
    for (const json& event : log["events"]) {
        check_fields(event, {{"id", "integer"},
                             {"event", "string"},
                             {"revision?", "string"},
                             {"at", "string"},
                             {"by", "string"},
                             {"duration_ms", "integer"},
                             {"rev_version", "string"},
                             {"detail?", "string"}});
        check_time(event["at"]);
        if (event.contains("revision")) {
            check_id(event["revision"]);
        }
    }

    // Two heads are a finding: exit 1.
    const json check = document(db, {"check"}, 1);
    check_fields(check, with(head, {{"ok", "bool"},
                                    {"exit_code", "integer"},
                                    {"folder", "string"},
                                    {"database", "string"},
                                    {"findings", "objects"},
                                    {"could_not_check?", "string"}}));
    CHECK_FALSE(check["findings"].empty());
    for (const json& finding : check["findings"]) {
        check_fields(finding, {{"severity", "string"},
                               {"code", "string"},
                               {"message", "string"},
                               {"revision?", "string"}});
    }
    const json schema = document(db, {"schema"});
    check_fields(schema, with(head, {{"database", "string"}, {"objects", "objects"}}));
    CHECK_FALSE(schema["objects"].empty());
    for (const json& object : schema["objects"]) {
        check_fields(object, {{"kind", "string"},
                              {"name", "string"},
                              {"table?", "string"},
                              {"attributes", "object"}});
    }
    const json verify = document(db, {"verify"});
    check_fields(verify, with(head, {{"ok", "bool"},
                                     {"exit_code", "integer"},
                                     {"engine", "string"},
                                     {"revisions", "objects"},
                                     {"could_not_run?", "string"}}));
    for (const json& proof : verify["revisions"]) {
        check_fields(proof, {{"revision", "string"}, {"holds", "bool"}, {"problems", "objects"}});
        check_id(proof["revision"]);
    }
    const json lint = document(db, {"lint"});
    check_fields(lint, with(head, {{"ok", "bool"},
                                   {"exit_code", "integer"},
                                   {"engine", "string"},
                                   {"findings", "objects"},
                                   {"problems", "objects"},
                                   {"could_not_run?", "string"}}));

    const json error = document(db, {"show", "nope"}, 1);
    check_fields(error,
                 with(head, {{"code", "string"}, {"error", "string"}, {"exit_code", "integer"}}));
    CHECK(error["code"] == "target");
}
