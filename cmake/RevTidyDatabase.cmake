# cmake -DIN=compile_commands.json -DOUT=<folder>/compile_commands.json -P RevTidyDatabase.cmake
# writes a copy of the compile database without the precompiled headers (REV_PRECOMPILE_HEADERS):
# clang-tidy would take GCC's .gch beside cmake_pch.hxx for a clang one and stop, and without
# the forced include every file is checked as it stands, with the includes it names itself.
file(READ "${IN}" commands)
string(REGEX REPLACE " -Winvalid-pch -include [^ \"]*cmake_pch\\.hxx" "" commands "${commands}")
file(WRITE "${OUT}" "${commands}")
