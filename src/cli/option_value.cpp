#include "option_value.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

namespace rev::cli {

namespace po = boost::program_options;

namespace {

// Thrown from a notifier, so CommandLine::parse turns it into the command's usage error.
[[noreturn]] void reject(std::string_view option, const std::string& what) {
    throw OptionValueError(std::string(option) + " " + what);
}

std::string quoted(const std::string& text) {
    return "'" + text + "'";
}

// The whole of `text` as a T, or nothing: "12abc" and "" are not numbers.
template <class T>
std::optional<T> whole(const std::string& text) {
    T value{};
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || stop != end) {
        return std::nullopt;
    }
    return value;
}

std::size_t checked_count(std::string_view option, const std::string& text, std::size_t minimum) {
    // Signed, so that "-3" is read as negative rather than failing as a non-number; no larger
    // than SQL's BIGINT, which a LIMIT takes.
    const std::optional<long long> value = whole<long long>(text);
    if (!value || *value < static_cast<long long>(minimum)) {
        reject(option, "must be a whole number, " + std::to_string(minimum) + " or more, not " +
                           quoted(text));
    }
    return static_cast<std::size_t>(*value);
}

} // namespace

po::typed_value<std::string>* seconds_value(std::string_view option,
                                            std::optional<double>& seconds) {
    return po::value<std::string>()->value_name("SECONDS")->notifier(
        [option = std::string(option), &seconds](const std::string& text) {
            const std::optional<double> value = whole<double>(text);
            if (!value || !std::isfinite(*value)) {
                reject(option, "must be a number of seconds, not " + quoted(text));
            }
            if (*value < 0) {
                reject(option, "must not be negative, not " + quoted(text));
            }
            seconds = *value;
        });
}

po::typed_value<std::string>* count_value(std::string_view option, std::size_t& count) {
    return po::value<std::string>()->value_name("N")->notifier(
        [option = std::string(option), &count](const std::string& text) {
            count = checked_count(option, text, 1);
        });
}

po::typed_value<std::string>* count_value(std::string_view option,
                                          std::optional<std::size_t>& count, std::size_t minimum) {
    return po::value<std::string>()->value_name("N")->notifier(
        [option = std::string(option), &count, minimum](const std::string& text) {
            count = checked_count(option, text, minimum);
        });
}

po::typed_value<std::string>* choice_value(std::string_view option, std::string& choice,
                                           std::initializer_list<std::string_view> choices) {
    return po::value<std::string>()->notifier(
        [option = std::string(option), &choice,
         allowed = std::vector<std::string_view>(choices)](const std::string& text) {
            std::string listed;
            for (std::size_t i = 0; i < allowed.size(); ++i) {
                if (allowed[i] == text) {
                    choice = text;
                    return;
                }
                listed += (i == 0                    ? ""
                           : i + 1 == allowed.size() ? " or "
                                                     : ", ") +
                          quoted(std::string(allowed[i]));
            }
            reject(option, "must be " + listed + ", not " + quoted(text));
        });
}

} // namespace rev::cli
