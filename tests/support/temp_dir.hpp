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

    // The folder, canonical (no symlinks), so that it compares equal to current_path().
    const std::filesystem::path& path() const { return m_path; }
    // Writes `text` to `relative` below the folder, creating folders on the way.
    void write(const std::filesystem::path& relative, const std::string& text) const;
    // The contents of `relative` below the folder.
    std::string read(const std::filesystem::path& relative) const;

private:
    std::filesystem::path m_path;
};

// Makes `path` the current directory until destroyed. Messages show paths relative to the
// current directory, so a test that runs inside its TempDir can assert whole messages such as
// "versions/a/manifest.toml:3: ...". Declare it after the TempDir so it is undone first.
class ScopedCurrentPath {
public:
    explicit ScopedCurrentPath(const std::filesystem::path& path);
    ~ScopedCurrentPath();
    ScopedCurrentPath(const ScopedCurrentPath&) = delete;
    ScopedCurrentPath& operator=(const ScopedCurrentPath&) = delete;

private:
    std::filesystem::path m_previous;
};

// Writes a revision folder `<dir>/<id>/` with a manifest built from the arguments and
// one-line scripts.
void write_revision(const TempDir& dir, const std::string& id,
                    const std::vector<std::string>& parents, const std::string& extra = "");

// Writes `<dir>/migrate.toml` naming `versions` as the revisions folder and no database.
void write_config(const TempDir& dir);

// Writes a project on SQLite (`sqlite:///app.db`) with revisions a1 - b2; `config` is added to
// migrate.toml after its [database] section.
void write_sqlite_project(const TempDir& dir, const std::string& config = "");

// Writes `versions/<folder>/manifest.toml` holding exactly `manifest`, with one-line up.sql and
// down.sql beside it: for manifests with defects.
void write_manifest(const TempDir& dir, const std::string& folder, const std::string& manifest);

} // namespace rev::test
