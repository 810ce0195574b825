#pragma once

#include <boost/program_options.hpp>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

// The values of options that take numbers or one of a few words, checked as
// Boost.Program_options reads them, so that every command rejects a bad value one way: a usage
// error that names the option and what it takes, e.g. "--lock-timeout must not be negative".
// Boost alone would take "-3" for an unsigned count (it wraps) and let a negative timeout
// through to mean "not given".
namespace rev::cli {

// A value an option does not take. Its message says what the option takes, so the usage error
// made of it needs no "(see 'rev NAME --help')".
class OptionValueError : public boost::program_options::error {
public:
    using boost::program_options::error::error;
};

// SECONDS: a finite number, 0 or more. Left empty when the option is not given.
boost::program_options::typed_value<std::string>* seconds_value(std::string_view option,
                                                                std::optional<double>& seconds);

// N: a whole number, 1 or more.
boost::program_options::typed_value<std::string>* count_value(std::string_view option,
                                                              std::size_t& count);

// N: a whole number, `minimum` or more. Left empty when the option is not given.
boost::program_options::typed_value<std::string>*
count_value(std::string_view option, std::optional<std::size_t>& count, std::size_t minimum);

// One of `choices`, spelled as given.
boost::program_options::typed_value<std::string>*
choice_value(std::string_view option, std::string& choice,
             std::initializer_list<std::string_view> choices);

} // namespace rev::cli
