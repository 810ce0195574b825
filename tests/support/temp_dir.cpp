#include "temp_dir.hpp"

#include <fstream>
#include <iostream>
#include <random>

namespace rev::test {

TempDir::TempDir() {
    std::random_device random;
    m_path = std::filesystem::temp_directory_path() /
             ("rev-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(m_path);
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

} // namespace rev::test
