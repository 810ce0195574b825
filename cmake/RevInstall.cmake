# What `cmake --install` and `cpack -G DEB` put in place (docs/library.md):
#   bin/rev                           the tool
#   include/rev/*.hpp                 the public headers, with the generated rev/version.hpp
#   lib/librev_*.a                    one static library per stage
#   lib/cmake/rev/                    revConfig.cmake, its version file, the exported targets,
#                                     and FindSOCI.cmake (Debian's SOCI has no config of its own)
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
