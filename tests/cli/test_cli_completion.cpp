// rev completion and rev man (src/cli/cmd_completion.cpp, completion_scripts.cpp,
// completion_zsh_fish.cpp, man_page.cpp): what they write from the command table, and the
// scripts run in real shells.
#include "run_rev.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

using rev::test::rev_binary_dir;
using rev::test::run_program;
using rev::test::run_rev;
using rev::test::RunResult;
using rev::test::TempDir;
using rev::test::write_config;
using rev::test::write_revision;

namespace {

// The command names `rev --help` lists, so that a command added later is covered too.
std::vector<std::string> listed_commands() {
    TempDir dir;
    std::istringstream lines(run_rev(dir.path(), {"--help"}).out);
    std::vector<std::string> names;
    bool in_list = false;
    for (std::string line; std::getline(lines, line);) {
        if (line == "Commands:") {
            in_list = true;
        } else if (in_list && line.empty()) {
            break;
        } else if (in_list) {
            std::istringstream words(line);
            names.emplace_back();
            words >> names.back();
        }
    }
    return names;
}

// A project with two revisions, the first labelled "audit".
void write_project(const TempDir& dir) {
    write_config(dir);
    write_revision(dir, "aaaa11112222", {}, "branch_labels = [\"audit\"]\n");
    write_revision(dir, "bbbb33334444", {"aaaa11112222"});
}

const std::string k_project_targets = "aaaa11112222\nbbbb33334444\naudit@head\naudit@base\n"
                                      "head\nheads\nbase\n+1\n-1\n";

// Writes `rev completion SHELL` to FILE in `dir`.
void write_script(const TempDir& dir, const std::string& shell, const std::string& file) {
    const RunResult script = run_rev(dir.path(), {"completion", shell});
    REQUIRE(script.exit_code == 0);
    dir.write(file, script.out);
}

// Runs `shell -c CODE` in `dir`, with the rev under test first on PATH, reading none of the
// user's start-up files and writing none of theirs (fish keeps its data under XDG folders).
RunResult run_shell(const TempDir& dir, const std::string& shell, const std::string& code) {
    const char* path = std::getenv("PATH");
    std::vector<std::string> argv{shell};
    if (shell == "zsh") {
        argv.emplace_back("-f");
    } else if (shell == "fish") {
        argv.emplace_back("--no-config");
    }
    argv.insert(argv.end(), {"-c", code});
    return run_program(dir.path(), argv,
                       {{"PATH", rev_binary_dir().string() + ":" + (path ? path : "")},
                        {"XDG_CONFIG_HOME", (dir.path() / ".config").string()},
                        {"XDG_DATA_HOME", (dir.path() / ".data").string()}});
}

} // namespace

TEST_CASE("rev completion SHELL: every command and their options", "[cli][completion]") {
    TempDir dir;
    const std::vector<std::string> commands = listed_commands();
    REQUIRE(commands.size() >= 20);
    for (const char* shell : {"bash", "zsh", "fish"}) {
        INFO("rev completion " << shell);
        const RunResult result = run_rev(dir.path(), {"completion", shell});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        for (const std::string& command : commands) {
            INFO(command);
            CHECK(result.out.find(command) != std::string::npos);
        }
        // A sample of options: command options, global ones, short and long spellings.
        for (const char* option : {"dry-run", "lock-timeout", "branch-label", "rev-range",
                                   "list-targets", "up-to-date", "config", "quiet", "version"}) {
            INFO(option);
            CHECK(result.out.find(option) != std::string::npos);
        }
    }
    CHECK(run_rev(dir.path(), {"completion", "bash"})
              .out.find(
                  "'-c --config --url -t --target -g --group -j --jobs --fail-fast -q --quiet") !=
          std::string::npos);
}

TEST_CASE("rev completion --list-targets", "[cli][completion]") {
    TempDir dir;
    SECTION("ids, labels and keywords from the folder, without a database") {
        write_project(dir);
        const RunResult result = run_rev(dir.path(), {"completion", "--list-targets"});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(result.out == k_project_targets);
    }
    SECTION("outside a project: nothing, quietly") {
        const RunResult result = run_rev(dir.path(), {"completion", "--list-targets"});
        CHECK(result.exit_code == 0);
        CHECK(result.out.empty());
        CHECK(result.err.empty());
    }
}

TEST_CASE("rev completion: usage errors", "[cli][completion][error]") {
    TempDir dir;
    SECTION("an unknown shell") {
        const RunResult result = run_rev(dir.path(), {"completion", "nosuch"});
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(result.err == "rev: error: unknown shell 'nosuch': give bash, zsh or fish (see 'rev "
                            "completion --help')\n");
    }
    SECTION("no shell") {
        const RunResult result = run_rev(dir.path(), {"completion"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "rev: error: missing SHELL (see 'rev completion --help')\n");
    }
    SECTION("a shell and --list-targets") {
        const RunResult result = run_rev(dir.path(), {"completion", "bash", "--list-targets"});
        CHECK(result.exit_code == 2);
        CHECK(result.err ==
              "rev: error: --list-targets takes no SHELL (see 'rev completion --help')\n");
    }
}

TEST_CASE("rev completion bash, sourced in bash", "[cli][completion][bash]") {
    TempDir dir;
    write_project(dir);
    write_script(dir, "bash", "rev.bash");
    // complete WORDS...: runs the completion function as bash would for the command line WORDS,
    // printing one candidate a line.
    const std::string complete = "source ./rev.bash; complete() { COMP_WORDS=(\"$@\"); "
                                 "COMP_CWORD=$(($# - 1)); COMPREPLY=(); _rev; "
                                 "printf '%s\\n' \"${COMPREPLY[@]}\"; }; ";
    SECTION("rev upg<TAB>") {
        const RunResult result = run_shell(dir, "bash", complete + "complete rev upg");
        CHECK(result.err.empty());
        CHECK(result.out == "upgrade\n");
    }
    SECTION("rev upgrade <TAB>: the project's targets") {
        const RunResult result = run_shell(dir, "bash", complete + "complete rev upgrade ''");
        CHECK(result.err.empty());
        CHECK(result.out == k_project_targets);
    }
    SECTION("rev -c migrate.toml show a<TAB>, past a global option's value") {
        const RunResult result =
            run_shell(dir, "bash", complete + "complete rev -c migrate.toml show a");
        CHECK(result.out == "aaaa11112222\naudit@head\naudit@base\n");
    }
    SECTION("rev upgrade --dr<TAB>") {
        CHECK(run_shell(dir, "bash", complete + "complete rev upgrade --dr").out == "--dry-run\n");
    }
    SECTION("rev upgrade audit@h<TAB>, which bash splits at '@'") {
        const RunResult result =
            run_shell(dir, "bash",
                      complete + "COMP_LINE='rev upgrade audit@h'; COMP_POINT=${#COMP_LINE}; "
                                 "complete rev upgrade audit @ h");
        CHECK(result.out == "head\n");
    }
    SECTION("outside a project: no targets, no noise") {
        TempDir empty;
        write_script(empty, "bash", "rev.bash");
        const RunResult result = run_shell(empty, "bash", complete + "complete rev upgrade ''");
        CHECK(result.err.empty());
        CHECK(result.out == "\n");
    }
}

TEST_CASE("rev completion fish, in fish", "[cli][completion][fish]") {
    TempDir dir;
    write_project(dir);
    write_script(dir, "fish", "rev.fish");
    const RunResult commands = run_shell(dir, "fish", "source rev.fish; complete -C 'rev upg'");
    CHECK(commands.err.empty());
    CHECK(commands.out == "upgrade\tApply revisions up to TARGET.\n");
    const RunResult targets =
        run_shell(dir, "fish", "source rev.fish; complete -C 'rev downgrade aud'");
    CHECK(targets.out == "audit@base\tTARGET\naudit@head\tTARGET\n");
}

TEST_CASE("rev completion zsh, in zsh", "[cli][completion][zsh]") {
    TempDir dir;
    write_project(dir);
    write_script(dir, "zsh", "_rev");
    // Outside a completion widget zsh has no compadd or _describe: stand-ins print what the
    // script hands them, which is what the engine decided.
    const std::string stubs = "compdef() {}; compset() {}; _files() { print -r files $@ }; "
                              "_describe() { print -rl -- ${(P)${@[-1]}} }; "
                              "compadd() { print -rl -- ${(P)${@[-1]}} }; source ./_rev; ";
    const RunResult upgrade =
        run_shell(dir, "zsh", stubs + "words=(rev upgrade ''); CURRENT=3; _rev");
    CHECK(upgrade.err.empty());
    CHECK(upgrade.out == k_project_targets);
    const RunResult init =
        run_shell(dir, "zsh", stubs + "words=(rev -c migrate.toml init ''); CURRENT=5; _rev");
    CHECK(init.out == "files -/\n");
    const RunResult commands = run_shell(dir, "zsh", stubs + "words=(rev ''); CURRENT=2; _rev");
    CHECK(commands.out.find("\nupgrade:Apply revisions up to TARGET.\n") != std::string::npos);
}

TEST_CASE("rev man", "[cli][man]") {
    TempDir dir;
    const RunResult result = run_rev(dir.path(), {"man"});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(result.out.starts_with(".TH REV 1 "));
    for (const std::string& command : listed_commands()) {
        INFO(command);
        std::string heading = "\n.SS ";
        heading.append(command).append("\n.B rev ").append(command).append("\n");
        CHECK(result.out.find(heading) != std::string::npos);
    }
    for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS",
                                "EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"}) {
        INFO(section);
        CHECK(result.out.find(std::string("\n.SH ") + section + "\n") != std::string::npos);
    }
    CHECK(result.out.find("\n.B \\-\\-lock\\-timeout SECONDS\n") != std::string::npos);
    SECTION("man renders it without warnings") {
        dir.write("rev.1", result.out);
        const RunResult shown = run_shell(dir, "bash", "MANWIDTH=80 man --warnings -l rev.1");
        CHECK(shown.exit_code == 0);
        CHECK(shown.err.empty());
        CHECK(shown.out.find("EXIT STATUS") != std::string::npos);
    }
}
