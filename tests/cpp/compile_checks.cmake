# compile_checks.cmake — the C++ wrapper compiles, and refuses to compile,
# the same code on every backend.
#   cmake -DCXX=<C++ compiler> -DBACKEND=indexed|intrusive
#         -DINCLUDE_DIRS=<dir>|<dir>...   (the grove_<backend> include directories)
#         -DSOURCE=compile_checks.cpp -P compile_checks.cmake
# Each case of SOURCE (a line "#if GROVE_CASE == N // compiles: ..." or
# "#elif GROVE_CASE == N // error: <regex> -- <what>") is compiled on its own,
# syntax only: case "compiles" must compile, every "error" case must fail
# with a diagnostic matching <regex>. The same file, the same verdicts, on
# each backend: code written against the portable types is portable.
cmake_minimum_required(VERSION 3.20)
foreach(var CXX BACKEND INCLUDE_DIRS SOURCE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compile_checks.cmake: -D${var}=... is required")
  endif()
endforeach()
string(REPLACE "|" ";" include_dirs "${INCLUDE_DIRS}")
set(flags -std=c++17 -fsyntax-only)
foreach(dir IN LISTS include_dirs)
  list(APPEND flags "-I${dir}")
endforeach()

file(STRINGS "${SOURCE}" case_lines REGEX "^#(el)?if GROVE_CASE == [0-9]+ // ")
if(NOT case_lines)
  message(FATAL_ERROR "${SOURCE} declares no GROVE_CASE")
endif()

set(failures "")
set(n_cases 0)
foreach(line IN LISTS case_lines)
  if(line MATCHES "GROVE_CASE == ([0-9]+) // compiles: (.+)$")
    set(case ${CMAKE_MATCH_1})
    set(what "${CMAKE_MATCH_2}")
    set(expected "")
  elseif(line MATCHES "GROVE_CASE == ([0-9]+) // error: (.+) -- (.+)$")
    set(case ${CMAKE_MATCH_1})
    set(expected "${CMAKE_MATCH_2}")
    set(what "${CMAKE_MATCH_3}")
  else()
    message(FATAL_ERROR "${SOURCE}: cannot read the case line '${line}'")
  endif()
  math(EXPR n_cases "${n_cases} + 1")
  execute_process(COMMAND ${CXX} ${flags} -DGROVE_CASE=${case} "${SOURCE}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(expected STREQUAL "")
    if(NOT rc EQUAL 0)
      list(APPEND failures "case ${case} (${what}): expected to compile, failed:\n${out}${err}")
    endif()
  elseif(rc EQUAL 0)
    list(APPEND failures "case ${case} (${what}): expected a compile error, compiled")
  elseif(NOT "${out}${err}" MATCHES "${expected}")
    list(APPEND failures
      "case ${case} (${what}): failed, but with no diagnostic matching '${expected}':\n${out}${err}")
  endif()
endforeach()

if(failures)
  list(JOIN failures "\n" text)
  message(FATAL_ERROR "${BACKEND}:\n${text}")
endif()
message(STATUS "${BACKEND}: ${n_cases} cases of ${SOURCE} compiled or were refused as expected")
