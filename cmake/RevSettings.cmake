# Compiler policy lives on INTERFACE targets that only rev's own targets link, so that
# consumers embedding rev never inherit our warnings or -Werror.
add_library(rev_settings INTERFACE)
target_compile_features(rev_settings INTERFACE cxx_std_20)

add_library(rev_warnings INTERFACE)
target_compile_options(rev_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  $<$<BOOL:${REV_WARNINGS_AS_ERRORS}>:-Werror>)
# No escape hatch for GCC 12's optimiser warnings: their triggers were rewritten instead.
# -Wrestrict (GCC bug 105329) fires inside libstdc++ for "literal" + <temporary std::string>
# at -O3; build such strings by appending (s += ':'; s += std::to_string(n)) or start from
# std::string("'").append(...). -Wmaybe-uninitialized fired inside Boost.Graph's directedS
# edge iterator (a boost::optional) in write_graphviz: dot.cpp uses bidirectionalS.

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
