#include "temp_dir.hpp"

#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

namespace rev::test {

TempDir::TempDir() {
    std::random_device random;
    m_path = std::filesystem::temp_directory_path() /
             ("rev-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(m_path);
    // /tmp may be a symlink; current_path() never is.
    m_path = std::filesystem::canonical(m_path);
}

TempDir::~TempDir() {
    // A failed REQUIRE unwinds through here; keep what it looked at.
    if (std::uncaught_exceptions() == 0) {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    } else {
        std::cerr << "Note: test data has been left in " << m_path << "\n";
    }
}

void TempDir::write(const std::filesystem::path& relative, const std::string& text) const {
    const std::filesystem::path target = m_path / relative;
    std::filesystem::create_directories(target.parent_path());
    std::ofstream(target, std::ios::binary) << text;
}

std::string TempDir::read(const std::filesystem::path& relative) const {
    std::ifstream in(m_path / relative, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

ScopedCurrentPath::ScopedCurrentPath(const std::filesystem::path& path)
    : m_previous(std::filesystem::current_path()) {
    std::filesystem::current_path(path);
}

ScopedCurrentPath::~ScopedCurrentPath() {
    std::error_code ec;
    std::filesystem::current_path(m_previous, ec);
}

void write_revision(const TempDir& dir, const std::string& id,
                    const std::vector<std::string>& parents, const std::string& extra) {
    std::string list;
    for (const std::string& parent : parents) {
        list += (list.empty() ? "\"" : ", \"") + parent + "\"";
    }
    const std::filesystem::path folder = std::filesystem::path("versions") / id;
    dir.write(folder / "manifest.toml", "id = \"" + id + "\"\nmessage = \"revision " + id +
                                            "\"\nparents = [" + list + "]\n" + extra);
    dir.write(folder / "up.sql", "CREATE TABLE t_" + id + " (x INTEGER);\n");
    dir.write(folder / "down.sql", "DROP TABLE t_" + id + ";\n");
}

void write_config(const TempDir& dir) {
    dir.write("migrate.toml", "[revisions]\ndir = \"versions\"\n");
}

void write_sqlite_project(const TempDir& dir, const std::string& config) {
    dir.write("migrate.toml", "[database]\nurl = \"sqlite:///app.db\"\n" + config);
    write_revision(dir, "a1", {});
    write_revision(dir, "b2", {"a1"});
}

void write_manifest(const TempDir& dir, const std::string& folder, const std::string& manifest) {
    const std::filesystem::path path = std::filesystem::path("versions") / folder;
    dir.write(path / "manifest.toml", manifest);
    dir.write(path / "up.sql", "SELECT 1;\n");
    dir.write(path / "down.sql", "SELECT 1;\n");
}

} // namespace rev::test
