#pragma once

#include <rev/config.hpp>
#include <rev/error.hpp>

#include <string>

namespace rev::test {

// The message parse_config throws for `text`, read as ./migrate.toml; "(parsed)" if none.
inline std::string config_error(const std::string& text) {
    try {
        parse_config(text, "migrate.toml");
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "(parsed)";
}

} // namespace rev::test
