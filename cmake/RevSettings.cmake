# Compiler policy lives on INTERFACE targets that only rev's own targets link, so that
# consumers embedding rev never inherit our warnings or -Werror.
add_library(rev_settings INTERFACE)
target_compile_features(rev_settings INTERFACE cxx_std_20)

add_library(rev_warnings INTERFACE)
target_compile_options(rev_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  $<$<BOOL:${REV_WARNINGS_AS_ERRORS}>:-Werror>
  # GCC 12 at -O2/-O3 reports these inside libstdc++ and Boost.Graph headers (GCC bugs 105329,
  # 105562): shown, but not fatal.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-error=restrict -Wno-error=maybe-uninitialized>)

if(REV_ENABLE_SANITIZERS)
  # -fno-sanitize=vptr: UBSan's vptr check needs the typeinfo of SOCI's backend classes, which
  # Debian's libsoci does not export, and we must downcast to reach the native handles.
  target_compile_options(rev_settings INTERFACE
    -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
    -fno-sanitize-recover=all)
  target_link_options(rev_settings INTERFACE -fsanitize=address,undefined)
endif()

if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(rev_settings INTERFACE _GLIBCXX_ASSERTIONS)
endif()
