# Source tooling, run by scripts/test.sh and by hand:
#   format        rewrites every tracked C++ file with clang-format
#   check_format  fails, naming the files, when one is not formatted
#   tidy_src      clang-tidy over src/ (the library and the CLI)
#   tidy          clang-tidy over src/ and tests/
# The file list comes from git, so generated and vendored files never enter; the tidy targets
# read this build's compile_commands.json, so they check what this build compiles.
find_program(REV_CLANG_FORMAT NAMES clang-format-14 clang-format)
find_program(REV_RUN_CLANG_TIDY NAMES run-clang-tidy-14 run-clang-tidy)
find_program(REV_CLANG_TIDY NAMES clang-tidy-14 clang-tidy)
find_package(Git QUIET)

if(REV_CLANG_FORMAT AND GIT_FOUND)
  set(rev_list_sources ${GIT_EXECUTABLE} ls-files -z -- "*.cpp" "*.hpp")
  add_custom_target(format
    COMMAND ${rev_list_sources} | xargs -0 ${REV_CLANG_FORMAT} -i
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}" VERBATIM
    COMMENT "clang-format: rewriting tracked sources")
  add_custom_target(check_format
    COMMAND ${rev_list_sources} | xargs -0 ${REV_CLANG_FORMAT} --dry-run --Werror
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}" VERBATIM
    COMMENT "clang-format: checking tracked sources (fix with: cmake --build <dir> --target format)")
endif()

if(REV_RUN_CLANG_TIDY AND REV_CLANG_TIDY)
  # GCC-only warning flags in compile_commands.json mean nothing to clang-tidy.
  set(rev_tidy ${REV_RUN_CLANG_TIDY} -quiet -clang-tidy-binary ${REV_CLANG_TIDY}
    -p "${PROJECT_BINARY_DIR}" -j 2 -extra-arg=-Wno-unknown-warning-option)
  add_custom_target(tidy_src
    COMMAND ${rev_tidy} "${PROJECT_SOURCE_DIR}/src/"
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}" VERBATIM USES_TERMINAL
    COMMENT "clang-tidy: src/")
  add_custom_target(tidy
    COMMAND ${rev_tidy} "${PROJECT_SOURCE_DIR}/src/" "${PROJECT_SOURCE_DIR}/tests/"
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}" VERBATIM USES_TERMINAL
    COMMENT "clang-tidy: src/ and tests/")
endif()
