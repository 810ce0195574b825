#include "load/config_targets.hpp"

#include <rev/error.hpp>
#include <rev/revision_set.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace rev::detail {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string_view> k_target_keys = {"url",           "transaction", "lock_timeout",
                                                     "version_table", "schema",      "postgresql"};
const std::vector<std::string_view> k_postgresql_keys = {"lock_timeout", "statement_timeout",
                                                         "lock_retries"};
// PostgreSQL keeps both timeouts as milliseconds in an int.
constexpr double k_longest_timeout_seconds = 2147483;
const std::vector<std::string_view> k_group_keys = {"targets", "urls_file", "urls_query",
                                                    "query_target"};

std::string at(const fs::path& file, const toml::node& node) {
    return display_path(file) + ":" + std::to_string(node.source().begin.line);
}

[[noreturn]] void fail(const fs::path& file, const toml::node& node, const std::string& message) {
    throw ConfigError(at(file, node) + ": " + message);
}

// One [targets.NAME] or [groups.NAME] table: its keys, typed, with errors naming the header.
class EntryReader {
public:
    EntryReader(const toml::table& table, std::string header, const fs::path& file)
        : m_table(table), m_header(std::move(header)), m_file(file) {}

    std::string at(const toml::node& node) const { return detail::at(m_file, node); }
    std::string at_table() const { return at(m_table); }
    [[noreturn]] void fail(const toml::node& node, const std::string& message) const {
        detail::fail(m_file, node, message);
    }

    void check_keys(const std::vector<std::string_view>& known) const {
        for (const auto& [key, value] : m_table) {
            if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
                fail(value, "unknown key '" + std::string(key.str()) + "' in [" + m_header + "]" +
                                did_you_mean(closest_match(key.str(), known)));
            }
        }
    }

    template <class T>
    std::optional<T> get(std::string_view key, const char* type_name) const {
        const toml::node* found = m_table.get(key);
        if (found == nullptr) {
            return std::nullopt;
        }
        if (auto value = found->value<T>()) {
            return value;
        }
        fail(*found, std::string("'").append(key) + "' in [" + m_header + "] must be " + type_name);
    }

    const toml::node& node(std::string_view key) const { return *m_table.get(key); }
    const toml::node* find(std::string_view key) const { return m_table.get(key); }
    const std::string& header() const { return m_header; }
    const fs::path& file() const { return m_file; }

private:
    const toml::table& m_table;
    std::string m_header;
    const fs::path& m_file;
};

std::optional<std::string> checked_name(const EntryReader& reader, std::string_view key) {
    auto name = reader.get<std::string>(key, "a string");
    if (name) {
        if (const std::string problem = version_name_problem(key, *name); !problem.empty()) {
            reader.fail(reader.node(key), problem);
        }
    }
    return name;
}

DatabaseTarget read_target(const EntryReader& reader, const std::string& name) {
    reader.check_keys(k_target_keys);
    DatabaseTarget target;
    target.name = name;
    target.url = reader.get<std::string>("url", "a string").value_or("");
    if (target.url.empty()) {
        throw ConfigError(reader.at_table() + ": [targets." + name + "] has no 'url'");
    }
    target.origin = reader.at(reader.node("url"));
    if (auto mode = reader.get<std::string>("transaction", "a string")) {
        target.transaction_mode = transaction_mode_named(*mode);
        if (!target.transaction_mode) {
            reader.fail(reader.node("transaction"),
                        "'transaction' must be \"revision\" or \"all\", not \"" + *mode + "\"");
        }
    }
    target.lock_timeout_seconds = reader.get<double>("lock_timeout", "a number of seconds");
    if (target.lock_timeout_seconds && *target.lock_timeout_seconds < 0) {
        reader.fail(reader.node("lock_timeout"), "'lock_timeout' must not be negative");
    }
    target.version_table = checked_name(reader, "version_table");
    target.version_schema = checked_name(reader, "schema");
    if (const toml::node* postgresql = reader.find("postgresql")) {
        const std::string header = reader.header() + ".postgresql";
        if (!postgresql->is_table()) {
            reader.fail(*postgresql, "'postgresql' in [" + reader.header() +
                                         "] must be a table ([" + header + "])");
        }
        target.postgresql = read_postgresql_table(*postgresql->as_table(), header, reader.file());
    }
    return target;
}

std::optional<double> timeout_seconds(const EntryReader& reader, std::string_view key) {
    const std::optional<double> seconds = reader.get<double>(key, "a number of seconds");
    const std::string name = std::string("'").append(key) + "' in [" + reader.header() + "]";
    if (seconds && *seconds < 0) {
        reader.fail(reader.node(key), name + " must not be negative");
    }
    if (seconds && *seconds > k_longest_timeout_seconds) {
        reader.fail(reader.node(key),
                    name + " must be at most 2147483 seconds (PostgreSQL's limit)");
    }
    return seconds;
}

std::vector<std::string> target_list(const EntryReader& reader) {
    std::vector<std::string> names;
    const toml::node* list = reader.find("targets");
    if (list == nullptr) {
        return names;
    }
    if (!list->is_array()) {
        reader.fail(*list,
                    "'targets' in [" + reader.header() + "] must be an array of target names");
    }
    for (const toml::node& element : *list->as_array()) {
        auto name = element.value<std::string>();
        if (!name) {
            reader.fail(element, "'targets' must list target names (strings)");
        }
        names.push_back(*name);
    }
    return names;
}

TargetGroup read_group(const EntryReader& reader, const std::string& name) {
    reader.check_keys(k_group_keys);
    TargetGroup group;
    group.name = name;
    group.origin = reader.at_table();
    group.targets = target_list(reader);
    if (auto file = reader.get<std::string>("urls_file", "a string")) {
        group.urls_file = *file;
        group.urls_file_origin = reader.at(reader.node("urls_file"));
    }
    group.urls_query = reader.get<std::string>("urls_query", "a string").value_or("");
    group.query_target = reader.get<std::string>("query_target", "a target's name").value_or("");
    const std::string which = "group '" + name + "'";
    if (group.urls_query.empty() != group.query_target.empty()) {
        throw ConfigError(group.origin + ": " + which +
                          (group.urls_query.empty()
                               ? " has 'query_target' but no 'urls_query' to run there"
                               : " has 'urls_query' but no 'query_target' to run it on"));
    }
    if (group.targets.empty() && group.urls_file.empty() && group.urls_query.empty()) {
        throw ConfigError(group.origin + ": " + which +
                          " names no databases: give 'targets', 'urls_file' or 'urls_query'");
    }
    return group;
}

std::string not_a_table(std::string_view section, const std::string& name,
                        const std::string& header) {
    return std::string("'").append(name) + "' in [" + std::string(section) +
           "] must be a table ([" + header + "])";
}

// Calls `read` for each NAME of [section.NAME].
template <class Read>
void for_each_entry(const toml::table& root, std::string_view section, const fs::path& file,
                    Read read) {
    const toml::node* entries = root.get(section);
    if (entries == nullptr) {
        return;
    }
    for (const auto& [key, node] : *entries->as_table()) {
        const std::string name(key.str());
        const std::string header = std::string(section) + "." + name;
        if (!node.is_table()) {
            fail(file, node, not_a_table(section, name, header));
        }
        read(EntryReader(*node.as_table(), header, file), name);
    }
}

// Throws unless `name`, written at `node`, is a target; `what` says who names it.
void check_target_named(const Config& config, const fs::path& file, const toml::node& node,
                        const std::string& what, const std::string& name) {
    if (config.targets.find(name) != config.targets.end()) {
        return;
    }
    std::vector<std::string_view> names;
    for (const auto& [known, target] : config.targets) {
        names.push_back(known);
    }
    fail(file, node,
         what + " names unknown target '" + name + "'" + did_you_mean(closest_match(name, names)));
}

void check_names(const toml::table& root, const fs::path& file, const Config& config) {
    if (!config.default_target.empty()) {
        check_target_named(config, file, *root.at_path("database.default").node(), "'default'",
                           config.default_target);
    }
    for (const auto& [name, group] : config.groups) {
        const toml::table& table = *root.at_path("groups").as_table()->get(name)->as_table();
        const std::string what = "group '" + name + "'";
        if (const toml::array* list = table.get_as<toml::array>("targets")) {
            for (std::size_t i = 0; i < list->size(); ++i) {
                check_target_named(config, file, *list->get(i), what, group.targets[i]);
            }
        }
        if (!group.query_target.empty()) {
            check_target_named(config, file, *table.get("query_target"), what + "'s query_target",
                               group.query_target);
        }
    }
}

} // namespace

PostgresOverrides read_postgresql_table(const toml::table& table, const std::string& header,
                                        const fs::path& file) {
    const EntryReader reader(table, header, file);
    reader.check_keys(k_postgresql_keys);
    PostgresOverrides overrides;
    overrides.lock_timeout_seconds = timeout_seconds(reader, "lock_timeout");
    overrides.statement_timeout_seconds = timeout_seconds(reader, "statement_timeout");
    if (const toml::node* retries = reader.find("lock_retries")) {
        // A float such as 2.0 is no count either: value_exact takes integers only.
        const std::optional<std::int64_t> count = retries->value_exact<std::int64_t>();
        constexpr std::int64_t k_most_retries = 100;
        if (!count || *count < 0 || *count > k_most_retries) {
            reader.fail(*retries,
                        "'lock_retries' in [" + header + "] must be a whole number from 0 to 100");
        }
        overrides.lock_retries = static_cast<int>(*count);
    }
    return overrides;
}

void read_targets_and_groups(const toml::table& root, const fs::path& file, Config& config) {
    for_each_entry(root, "targets", file,
                   [&config](const EntryReader& reader, const std::string& name) {
                       config.targets.emplace(name, read_target(reader, name));
                   });
    for_each_entry(root, "groups", file,
                   [&config](const EntryReader& reader, const std::string& name) {
                       config.groups.emplace(name, read_group(reader, name));
                   });
    check_names(root, file, config);
}

std::string version_name_problem(std::string_view key, const std::string& name) {
    // A name that is only too long gets a message about its length.
    if (!is_safe_identifier(name.substr(0, 63))) {
        // append(), not "'" + string: GCC 12 -O3 warns falsely (-Wrestrict) on that.
        return std::string("'").append(key) +
               "' must be an SQL identifier (letters, digits and '_', not starting with a "
               "digit), not '" +
               name + "'";
    }
    // PostgreSQL cuts names at 63 bytes, and rev adds _meta and _log to the table's: a longer
    // table_meta would silently become the table itself.
    const bool table = key == "version_table";
    const std::size_t limit = table ? 63 - std::string_view("_meta").size() : 63;
    if (name.size() > limit) {
        return std::string("'").append(key) + "' may be at most " + std::to_string(limit) +
               " characters" + (table ? " (rev adds _meta and _log to it)" : "") + ", not " +
               std::to_string(name.size());
    }
    return "";
}

std::optional<TransactionMode> transaction_mode_named(std::string_view name) {
    if (name == "revision") {
        return TransactionMode::per_revision;
    }
    if (name == "all") {
        return TransactionMode::all;
    }
    return std::nullopt;
}

} // namespace rev::detail
