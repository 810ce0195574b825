# What `cmake --install` and `cpack -G DEB` put in place (docs/library.md):
#   bin/rev                           the tool
#   include/rev/*.hpp                 the public headers, with the generated rev/version.hpp
#   lib/librev_*.a                    one static library per stage
#   lib/cmake/rev/                    revConfig.cmake, its version file, the exported targets,
#                                     and FindSOCI.cmake (Debian's SOCI has no config of its own)
#   share/                            the shell completion scripts and rev(1), written by rev
# Consumers link rev::rev. Private headers under src/ are never installed.
include(CMakePackageConfigHelpers)

set(rev_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/rev")

install(TARGETS rev RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(TARGETS rev_base rev_graph rev_schema rev_load rev_author rev_move rev_db rev_core
                rev_library
  EXPORT revTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(DIRECTORY include/rev DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  FILES_MATCHING PATTERN "*.hpp")
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/generated/rev/version.hpp"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/rev")
install(EXPORT revTargets NAMESPACE rev:: DESTINATION "${rev_cmake_dir}")

configure_package_config_file(cmake/revConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/revConfig.cmake" INSTALL_DESTINATION "${rev_cmake_dir}")
# 0.x: a new minor version may change the API.
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/revConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${CMAKE_CURRENT_BINARY_DIR}/revConfig.cmake"
  "${CMAKE_CURRENT_BINARY_DIR}/revConfigVersion.cmake"
  cmake/FindSOCI.cmake
  DESTINATION "${rev_cmake_dir}")

# The shell completion scripts and the man page, written at build time by the rev just built
# from its command table (src/cli/command_shape.cpp), so that they cannot drift from it.
#   share/bash-completion/completions/rev     bash
#   share/zsh/site-functions/_rev             zsh
#   share/fish/vendor_completions.d/rev.fish  fish
#   share/man/man1/rev.1                      rev(1)
set(rev_shell_dir "${CMAKE_CURRENT_BINARY_DIR}/completions")
set(rev_generated_files)
foreach(shell_and_file IN ITEMS "bash;rev.bash" "zsh;_rev" "fish;rev.fish")
  list(GET shell_and_file 0 shell)
  list(GET shell_and_file 1 file)
  # Ninja and Make run each command through the shell, which does the redirection.
  add_custom_command(OUTPUT "${rev_shell_dir}/${file}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${rev_shell_dir}"
    COMMAND "$<TARGET_FILE:rev>" completion ${shell} > "${rev_shell_dir}/${file}"
    DEPENDS rev
    COMMENT "Writing the ${shell} completion script")
  list(APPEND rev_generated_files "${rev_shell_dir}/${file}")
endforeach()
add_custom_command(OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/rev.1"
  COMMAND "$<TARGET_FILE:rev>" man > "${CMAKE_CURRENT_BINARY_DIR}/rev.1"
  DEPENDS rev
  COMMENT "Writing the man page rev.1")
list(APPEND rev_generated_files "${CMAKE_CURRENT_BINARY_DIR}/rev.1")
add_custom_target(rev_shell_files ALL DEPENDS ${rev_generated_files})

install(FILES "${rev_shell_dir}/rev.bash"
  DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions" RENAME rev)
install(FILES "${rev_shell_dir}/_rev" DESTINATION "${CMAKE_INSTALL_DATADIR}/zsh/site-functions")
install(FILES "${rev_shell_dir}/rev.fish"
  DESTINATION "${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d")
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/rev.1" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

# cpack -G DEB: one package with the tool and the library. Depends: the shared libraries rev
# links, found by dpkg-shlibdeps from the binary, plus the two it loads at run time (libpq and
# SOCI's PostgreSQL backend, src/db/libpq.cpp and src/db/postgresql.cpp), which no tool can see.
# libpg_query, loaded only to name the line of a PostgreSQL statement that failed at execution
# (src/db/pg_parser.cpp), is recommended: without it such a failure names the statement's number.
# Building against the library needs the -dev packages revConfig.cmake finds: suggested only,
# so that installing the tool does not pull in every SOCI backend's client.
set(CPACK_PACKAGE_NAME rev)
set(CPACK_PACKAGE_VENDOR "rev")
set(CPACK_PACKAGE_CONTACT "rev maintainers <rev@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "database migration tool for SQLite and PostgreSQL, and its C++ library")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libpq5, libsoci-postgresql4.0")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libpg-query1504.0")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
  "libsoci-dev, libsqlite3-dev, libboost-dev, libtomlplusplus-dev, libssl-dev")
include(CPack)
