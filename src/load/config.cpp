#include "load/config_targets.hpp"

#include <rev/config.hpp>
#include <rev/error.hpp>
#include <rev/revision_set.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <map>
#include <vector>

namespace rev {

namespace {

namespace fs = std::filesystem;

// Each section with the keys it allows; anything else is a typo we must not ignore.
const std::map<std::string, std::vector<std::string_view>, std::less<>>& known_keys() {
    static const std::map<std::string, std::vector<std::string_view>, std::less<>> keys = {
        {"revisions", {"dir"}},
        {"database", {"url", "default", "version_table", "schema"}},
        {"run", {"transaction", "lock_timeout"}},
        {"check", {"allow_multiple_heads"}},
        // Checked by read_postgresql_table, which targets share.
        {"postgresql", {}},
        // Tables of tables, checked by read_targets_and_groups.
        {"targets", {}},
        {"groups", {}},
    };
    return keys;
}

int line_of(const toml::node& node) {
    return static_cast<int>(node.source().begin.line);
}

class ConfigReader {
public:
    ConfigReader(const toml::table& root, const fs::path& file) : m_root(root), m_file(file) {}

    // "migrate.toml:7", as messages name where `node` is.
    std::string at(const toml::node& node) const {
        return display_path(m_file) + ":" + std::to_string(line_of(node));
    }

    [[noreturn]] void fail(const toml::node& node, const std::string& message) const {
        throw ConfigError(at(node) + ": " + message);
    }

    void check_keys() const {
        std::vector<std::string_view> sections;
        for (const auto& [name, keys] : known_keys()) {
            sections.push_back(name);
        }
        for (const auto& [section, node] : m_root) {
            auto known = known_keys().find(section.str());
            if (known == known_keys().end() && !node.is_table()) {
                // `url = ...` above every header is a section's key, not a section.
                fail(node, "key '" + std::string(section.str()) + "' is outside any section" +
                               home_section(section.str()));
            }
            if (known == known_keys().end()) {
                fail(node, "unknown section '" + std::string(section.str()) + "'" +
                               suggestion(section.str(), sections));
            }
            if (!node.is_table()) {
                // append(), not "'" + string: GCC 12 -O3 warns falsely (-Wrestrict) on that.
                fail(node, std::string("'").append(section.str()) + "' must be a table ([" +
                               std::string(section.str()) + "])");
            }
            if (known->second.empty()) {
                continue;
            }
            for (const auto& [key, value] : *node.as_table()) {
                if (std::find(known->second.begin(), known->second.end(), key.str()) ==
                    known->second.end()) {
                    fail(value, "unknown key '" + std::string(key.str()) + "' in [" +
                                    std::string(section.str()) + "]" +
                                    suggestion(key.str(), known->second));
                }
            }
        }
    }

    template <class T>
    std::optional<T> get(std::string_view section, std::string_view key,
                         const char* type_name) const {
        const toml::node* node =
            m_root.at_path(std::string(section) + "." + std::string(key)).node();
        if (node == nullptr) {
            return std::nullopt;
        }
        if (auto value = node->value<T>()) {
            return value;
        }
        fail(*node,
             "'" + std::string(key) + "' in [" + std::string(section) + "] must be " + type_name);
    }

    const toml::node& node(std::string_view section, std::string_view key) const {
        return *m_root.at_path(std::string(section) + "." + std::string(key)).node();
    }

private:
    static std::string home_section(std::string_view key) {
        for (const auto& [name, keys] : known_keys()) {
            if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
                return " (put it under [" + name + "])";
            }
        }
        return "";
    }

    static std::string suggestion(std::string_view unknown,
                                  const std::vector<std::string_view>& known) {
        return did_you_mean(closest_match(unknown, known));
    }

    const toml::table& m_root;
    const fs::path& m_file;
};

void read_run_section(const ConfigReader& reader, Config& config) {
    if (auto mode = reader.get<std::string>("run", "transaction", "a string")) {
        const auto known = detail::transaction_mode_named(*mode);
        if (!known) {
            reader.fail(reader.node("run", "transaction"),
                        "'transaction' must be \"revision\" or \"all\", not \"" + *mode + "\"");
        }
        config.transaction_mode = *known;
    }
    if (auto timeout = reader.get<double>("run", "lock_timeout", "a number of seconds")) {
        if (*timeout < 0) {
            reader.fail(reader.node("run", "lock_timeout"), "'lock_timeout' must not be negative");
        }
        config.lock_timeout_seconds = *timeout;
    }
}

void read_postgresql_section(const toml::table& root, const fs::path& file, Config& config) {
    const toml::table* table = root.get_as<toml::table>("postgresql");
    if (table == nullptr) {
        return;
    }
    const PostgresOverrides read = detail::read_postgresql_table(*table, "postgresql", file);
    PostgresSettings& settings = config.postgresql;
    settings.lock_timeout_seconds =
        read.lock_timeout_seconds.value_or(settings.lock_timeout_seconds);
    settings.statement_timeout_seconds =
        read.statement_timeout_seconds.value_or(settings.statement_timeout_seconds);
    settings.lock_retries = read.lock_retries.value_or(settings.lock_retries);
}

void read_database_section(const ConfigReader& reader, Config& config) {
    config.database_url = reader.get<std::string>("database", "url", "a string").value_or("");
    if (!config.database_url.empty()) {
        config.database_url_source = reader.at(reader.node("database", "url")) + ": url";
    }
    config.default_target =
        reader.get<std::string>("database", "default", "a target's name").value_or("");
    if (!config.default_target.empty() && !config.database_url.empty()) {
        reader.fail(reader.node("database", "default"),
                    "[database] has both 'url' and 'default'; keep one");
    }
    for (auto [key, target] : {std::pair{"version_table", &config.version_table},
                               std::pair{"schema", &config.version_schema}}) {
        if (auto name = reader.get<std::string>("database", key, "a string")) {
            if (const std::string problem = detail::version_name_problem(key, *name);
                !problem.empty()) {
                reader.fail(reader.node("database", key), problem);
            }
            *target = *name;
        }
    }
}

} // namespace

std::optional<fs::path> find_config(const fs::path& start, FileSystem& files) {
    std::error_code ec;
    fs::path folder = fs::absolute(start, ec);
    while (!ec) {
        // A folder without the file gives an error (ENOENT) too; that must not end the walk.
        if (FileStatus status; !files.stat(folder / k_config_name, status) && status.is_regular()) {
            return folder / k_config_name;
        }
        if (folder == folder.root_path() || !folder.has_parent_path()) {
            break;
        }
        folder = folder.parent_path();
    }
    return std::nullopt;
}

Config parse_config(const std::string& text, const fs::path& file) {
    toml::table root;
    try {
        root = toml::parse(text, file.string());
    } catch (const toml::parse_error& error) {
        throw ConfigError(display_path(file) + ":" + std::to_string(error.source().begin.line) +
                          ": invalid TOML: " + std::string(error.description()));
    }
    const ConfigReader reader(root, file);
    reader.check_keys();

    Config config;
    config.file = fs::absolute(file);
    config.revisions_dir =
        config.root() /
        reader.get<std::string>("revisions", "dir", "a string").value_or("versions");
    config.revisions_dir = config.revisions_dir.lexically_normal();
    read_database_section(reader, config);
    read_run_section(reader, config);
    read_postgresql_section(root, file, config);
    detail::read_targets_and_groups(root, file, config);
    config.allow_multiple_heads =
        reader.get<bool>("check", "allow_multiple_heads", "a boolean").value_or(false);
    return config;
}

Config load_config(const fs::path& file, FileSystem& files) {
    std::string text;
    if (files.read_file(file, text)) {
        throw ConfigError(display_path(file) + ": cannot read the file");
    }
    return parse_config(text, file);
}

std::string default_config_text() {
    return R"(# rev configuration. Paths are relative to this file.

[revisions]
dir = "versions"

[database]
# sqlite:///relative/path.db, sqlite:////absolute/path.db, or
# postgresql://user:password@host:5432/dbname. REV_DATABASE_URL and --url override it.
url = "sqlite:///app.db"
# version_table = "rev_version"
# schema = "public"            # PostgreSQL only

[run]
# transaction = "revision"     # one transaction per revision; "all": the whole move in one
# lock_timeout = 60            # seconds to wait for another rev moving the same database

[postgresql]
# DDL that gives way (docs/safety.md): each statement waits at most lock_timeout seconds for
# a lock (0: forever), so that it never queues the application's queries behind it for long;
# a step that timed out is retried from its start lock_retries times, with growing pauses.
# lock_timeout = 5
# lock_retries = 3
# statement_timeout = 0        # seconds a statement may run; 0: the server's setting

# Several databases (docs/targets.md, "Databases"): name each, then use `rev -t NAME` for one
# or `rev -g NAME` for a group, run in parallel. With targets, `default = "NAME"` under
# [database] replaces its url. ${VAR} in a URL is read from the environment.
#
# [targets.staging]
# url = "postgresql://app:${STAGING_PASSWORD}@staging.internal/app"
# lock_timeout = 10            # [run] and version_table/schema may be overridden per target
# postgresql = { lock_timeout = 2, lock_retries = 5 }    # and [postgresql]
#
# [groups.tenants]
# targets = ["staging"]
# urls_file = "tenants.txt"    # one URL a line, '#' comments, relative to this file
# # urls_query = "SELECT url FROM tenants"   # run on another target:
# # query_target = "control"

[check]
# allow_multiple_heads = false
)";
}

bool is_safe_identifier(const std::string& name) {
    if (name.empty() || name.size() > 63 || (name[0] >= '0' && name[0] <= '9')) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

} // namespace rev
