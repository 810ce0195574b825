// The bash and zsh completion scripts, and what they share. Each script is an engine written
// once here plus data written from the command table, so that a new command or option is
// completed without touching this file.
#include "completion_scripts.hpp"

#include <ostream>

namespace rev::cli {

CompletionModel completion_model() {
    return {describe_commands(), top_level_options(), global_options()};
}

const std::vector<ShellScript>& shell_scripts() {
    static const std::vector<ShellScript> scripts = {
        {"bash", write_bash}, {"zsh", write_zsh}, {"fish", write_fish}};
    return scripts;
}

std::string shell_quoted(std::string_view text) {
    std::string quoted = "'";
    for (const char c : text) {
        if (c == '\'') {
            quoted.append("'\\''");
        } else {
            quoted.push_back(c);
        }
    }
    return quoted.append("'");
}

namespace {

const char* kind_word(ValueKind kind) {
    switch (kind) {
    case ValueKind::none:
        break;
    case ValueKind::revision:
        return "revision";
    case ValueKind::file:
        return "file";
    case ValueKind::directory:
        return "directory";
    }
    return "none";
}

// "upgrade:--lock-timeout) echo none ;;" for each option of `options` that takes a value.
void write_value_cases(std::ostream& out, const std::string& command,
                       const std::vector<OptionShape>& options) {
    for (const OptionShape& option : options) {
        if (option.value_name.empty()) {
            continue;
        }
        std::string patterns;
        for (const std::string& word : spellings(option)) {
            patterns.append(patterns.empty() ? "" : " | ").append(command).append(":").append(word);
        }
        out << "    " << patterns << ") echo " << kind_word(option.value_kind()) << " ;;\n";
    }
}

std::string option_words(const std::vector<OptionShape>& options) {
    std::string words;
    for (const OptionShape& option : options) {
        for (const std::string& word : spellings(option)) {
            words.append(words.empty() ? "" : " ").append(word);
        }
    }
    return words;
}

std::string command_words(const CompletionModel& model) {
    std::string words;
    for (const CommandShape& command : model.commands) {
        words += (words.empty() ? "" : " ") + command.name;
    }
    return words;
}

} // namespace

std::vector<std::string> spellings(const OptionShape& option) {
    std::vector<std::string> words;
    if (!option.short_name.empty()) {
        words.push_back(option.short_name);
    }
    if (!option.long_name.empty()) {
        words.push_back("--" + option.long_name);
    }
    return words;
}

void write_shape_functions(std::ostream& out, const CompletionModel& model) {
    out << "# _rev_option_value COMMAND OPTION: the kind of value OPTION takes; fails for a "
           "switch.\n_rev_option_value() {\n    case $1:$2 in\n";
    for (const CommandShape& command : model.commands) {
        write_value_cases(out, command.name, command.options);
    }
    write_value_cases(out, "*", model.global);
    out << "    *) return 1 ;;\n    esac\n}\n\n"
           "# _rev_argument COMMAND N: the kind of COMMAND's Nth argument (from 0); fails past "
           "the last.\n_rev_argument() {\n    case $1:$2 in\n";
    for (const CommandShape& command : model.commands) {
        for (std::size_t i = 0; i < command.arguments.size(); ++i) {
            const ArgumentShape& argument = command.arguments[i];
            out << "    " << command.name << ":" << (argument.repeats ? "*" : std::to_string(i))
                << ") echo " << kind_word(argument.value_kind()) << " ;;\n";
        }
    }
    out << "    *) return 1 ;;\n    esac\n}\n\n";
}

namespace {

// _rev finds the command and the argument position of the word being completed; options that
// take a value take the next word with them. -1 is a target, not an option.
constexpr const char* k_bash_engine =
    R"sh(# The words offered for a revision or a target: ids, LABEL@head, LABEL@base and the keywords,
# read from the project's folder (no database). Outside a project rev prints nothing.
_rev_targets() {
    local i config=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -c | --config) config=(-c "${COMP_WORDS[i + 1]}") ;;
        esac
    done
    command rev completion --list-targets "${config[@]}" 2>/dev/null
}

# Adds the words of "$*" that extend the word being completed. Bash splits words at
# COMP_WORDBREAKS (':' and '@' among them), so LABEL@head is matched against the whole text
# since the last space, and only the part after bash's last break is handed back.
_rev_reply() {
    local whole=${COMP_WORDS[COMP_CWORD]} word
    if [[ -n ${COMP_LINE-} ]]; then
        whole=${COMP_LINE:0:COMP_POINT}
        whole=${whole##*[[:space:]]}
    fi
    # In a RANGE (LOWER:UPPER) each end is a target.
    whole=${whole##*:}
    local prefix=${whole%"${whole##*[${COMP_WORDBREAKS-:@=}]}"}
    while IFS= read -r word; do
        [[ -n $word ]] && COMPREPLY+=("${word#"$prefix"}")
    done < <(compgen -W "$*" -- "$whole")
}

_rev_value() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    case $1 in
    revision) _rev_reply "$(_rev_targets)" ;;
    file | directory)
        local flag=-f
        [[ $1 == directory ]] && flag=-d
        mapfile -t COMPREPLY < <(compgen "$flag" -- "$cur")
        compopt -o filenames 2>/dev/null
        ;;
    esac
}

# Bash splits words at '@' and ':' too, so LABEL@head arrives as "LABEL" "@" "head": a word
# that is such a break, or follows one, belongs to the word before it.
_rev_glued() {
    [[ ${COMP_WORDS[$1]} == [@:] || ${COMP_WORDS[$1 - 1]} == [@:] ]]
}

_rev() {
    COMPREPLY=()
    local start=$COMP_CWORD command= position=0 kind i word
    while ((start > 1)) && _rev_glued "$start"; do
        start=$((start - 1))
    done
    local cur=${COMP_WORDS[start]}
    for ((i = 1; i < start; i++)); do
        word=${COMP_WORDS[i]}
        if _rev_glued "$i"; then
            continue
        elif [[ $word == -?* && $word != -[0-9]* ]]; then
            if kind=$(_rev_option_value "$command" "$word"); then
                i=$((i + 1))
                if ((i == start)); then
                    _rev_value "$kind"
                    return
                fi
            fi
        elif [[ -z $command ]]; then
            command=$word
        else
            position=$((position + 1))
        fi
    done
    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            _rev_reply "$(_rev_options '')"
        else
            _rev_reply "$(_rev_commands)"
        fi
        return
    fi
    if ! kind=$(_rev_argument "$command" "$position") || [[ $cur == -* ]]; then
        _rev_reply "$(_rev_options "$command")"
    fi
    [[ -n $kind ]] && _rev_value "$kind"
}

complete -F _rev rev
)sh";

} // namespace

void write_bash(std::ostream& out, const CompletionModel& model) {
    out << "# bash completion for rev. Generated by 'rev completion bash' from rev's command "
           "table;\n# do not edit. Enable with: source <(rev completion bash)\n\n"
        << "_rev_commands() {\n    echo " << shell_quoted(command_words(model)) << "\n}\n\n"
        << "# _rev_options COMMAND: what COMMAND takes ('' for rev itself).\n"
        << "_rev_options() {\n    case $1 in\n"
        << "    '') echo " << shell_quoted(option_words(model.top_level)) << " ;;\n";
    for (const CommandShape& command : model.commands) {
        out << "    " << command.name << ") echo "
            << shell_quoted(option_words(command.options) + " " + option_words(model.global))
            << " ;;\n";
    }
    out << "    esac\n}\n\n";
    write_shape_functions(out, model);
    out << k_bash_engine;
}

} // namespace rev::cli
