# Debian's libsoci-dev ships neither a CMake config nor a .pc file, so we find SOCI by hand.
# Defines SOCI::core and, per component asked for, SOCI::sqlite3 and SOCI::postgresql; with no
# COMPONENTS, both. Installed with rev's CMake package (revConfig.cmake asks for sqlite3 only:
# rev loads the PostgreSQL backend at run time).
if(NOT SOCI_FIND_COMPONENTS)
  set(SOCI_FIND_COMPONENTS sqlite3 postgresql)
  set(SOCI_FIND_REQUIRED_sqlite3 TRUE)
  set(SOCI_FIND_REQUIRED_postgresql TRUE)
endif()

find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY soci_core)
foreach(component IN LISTS SOCI_FIND_COMPONENTS)
  string(TOUPPER ${component} upper)
  find_library(SOCI_${upper}_LIBRARY soci_${component})
  if(SOCI_${upper}_LIBRARY)
    set(SOCI_${component}_FOUND TRUE)
  endif()
  mark_as_advanced(SOCI_${upper}_LIBRARY)
endforeach()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI
  REQUIRED_VARS SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY HANDLE_COMPONENTS)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
endif()
if(SOCI_sqlite3_FOUND AND NOT TARGET SOCI::sqlite3)
  find_package(SQLite3 REQUIRED)
  add_library(SOCI::sqlite3 UNKNOWN IMPORTED)
  set_target_properties(SOCI::sqlite3 PROPERTIES
    IMPORTED_LOCATION "${SOCI_SQLITE3_LIBRARY}"
    INTERFACE_LINK_LIBRARIES "SOCI::core;SQLite::SQLite3")
endif()
if(SOCI_postgresql_FOUND AND NOT TARGET SOCI::postgresql)
  # soci-postgresql.h includes <libpq-fe.h>, so the target carries libpq.
  find_package(PostgreSQL REQUIRED)
  add_library(SOCI::postgresql UNKNOWN IMPORTED)
  set_target_properties(SOCI::postgresql PROPERTIES
    IMPORTED_LOCATION "${SOCI_POSTGRESQL_LIBRARY}"
    INTERFACE_LINK_LIBRARIES "SOCI::core;PostgreSQL::PostgreSQL")
endif()
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
