#include "run_rev.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rev::test {

namespace {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs `argv` in `cwd` with `env` added; execvp looks argv[0] up on PATH.
RunResult run(const std::filesystem::path& cwd, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env) {
    // Unique names, so that tests may run several rev processes at once in one folder.
    static std::atomic<int> counter{0};
    const std::string suffix = std::to_string(getpid()) + "-" + std::to_string(counter++);
    const std::filesystem::path out_file = cwd / (".rev-test-stdout-" + suffix);
    const std::filesystem::path err_file = cwd / (".rev-test-stderr-" + suffix);
    const pid_t pid = fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        if (chdir(cwd.c_str()) != 0) {
            _exit(127);
        }
        const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        for (const auto& [name, value] : env) {
            setenv(name.c_str(), value.c_str(), 1);
        }
        std::vector<char*> argv;
        argv.reserve(args.size() + 1);
        for (const std::string& arg : args) {
            argv.push_back(const_cast<char*>(arg.c_str()));
        }
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = slurp(out_file);
    result.err = slurp(err_file);
    std::filesystem::remove(out_file);
    std::filesystem::remove(err_file);
    return result;
}

// `text` quoted for sh.
std::string shell_quoted(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

} // namespace

RunResult run_rev(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env) {
    std::vector<std::string> argv{REV_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(cwd, argv, env);
}

RunResult run_program(const std::filesystem::path& cwd, const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env) {
    return run(cwd, argv, env);
}

std::filesystem::path rev_binary_dir() {
    return std::filesystem::path(REV_BINARY).parent_path();
}

RunResult run_rev_on_terminal(const std::filesystem::path& cwd,
                              const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& env) {
    std::string command = shell_quoted(REV_BINARY);
    for (const std::string& arg : args) {
        command += " " + shell_quoted(arg);
    }
    // -q: no "Script started" lines; -e: rev's exit status; /dev/null: no typescript file.
    return run(cwd, {"/usr/bin/script", "-qec", command, "/dev/null"}, env);
}

} // namespace rev::test
