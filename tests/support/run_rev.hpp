#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace rev::test {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs the real rev binary with `args` in `cwd`, with `env` added to the environment.
RunResult run_rev(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env = {});

// Runs `argv` (argv[0] looked up on PATH, e.g. "bash") the same way.
RunResult run_program(const std::filesystem::path& cwd, const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env = {});

// The folder holding the rev binary under test, for a PATH on which a script finds it.
std::filesystem::path rev_binary_dir();

// As run_rev, with rev's standard output and error on one pseudo-terminal (through util-linux's
// `script`), as a user at a terminal sees them; `out` holds both, `err` nothing.
RunResult run_rev_on_terminal(const std::filesystem::path& cwd,
                              const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& env = {});

} // namespace rev::test
