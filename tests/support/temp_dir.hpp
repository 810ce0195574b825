#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rev::test {

// A fresh folder per test, removed when the test passes and kept (its path printed) when it
// fails, so that the revisions it held can be looked at.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    // Writes `text` to `relative` below the folder, creating folders on the way.
    void write(const std::filesystem::path& relative, const std::string& text) const;

private:
    std::filesystem::path m_path;
};

// Writes a revision folder `<dir>/<id>/` with a manifest built from the arguments and
// one-line scripts.
void write_revision(const TempDir& dir, const std::string& id,
                    const std::vector<std::string>& parents, const std::string& extra = "");

} // namespace rev::test
