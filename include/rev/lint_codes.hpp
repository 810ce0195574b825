#pragma once

#include <array>
#include <string_view>

namespace rev {

// Every code `rev lint` can report, in docs/lint.md's order. Here, below the loader, so that a
// manifest's `[lint] allow` is checked as it is read.
inline constexpr std::array<std::string_view, 10> k_lint_codes = {
    "drop-table",      "drop-column", "change-column-type", "add-not-null", "drop-index",
    "drop-constraint", "rename",      "drop-view",          "locking",      "branch-conflict"};

} // namespace rev
