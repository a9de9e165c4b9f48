# check_exports.cmake — the shared library exports exactly the public API.
#   cmake -DNM=nm -DLIBRARY=libgrove.so -DHEADER_DIR=<dir of grove/*.h>
#         -DBACKEND=indexed|intrusive -P check_exports.cmake
# Fails if libgrove.so exports a symbol not declared GROVE_API in the headers
# (an internal leaking out), if a public GROVE_API function is not exported,
# or if a header declares a function without GROVE_API (it would be hidden).
cmake_minimum_required(VERSION 3.20)
foreach(var NM LIBRARY HEADER_DIR BACKEND)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_exports.cmake: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${NM} -D --defined-only ${LIBRARY}
  OUTPUT_VARIABLE nm_out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} -D failed on ${LIBRARY}")
endif()
string(REGEX MATCHALL "[^\n]+" nm_lines "${nm_out}")
set(exported)
foreach(line IN LISTS nm_lines)
  if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] +([^ @]+)")
    set(sym ${CMAKE_MATCH_1})
    if(NOT sym MATCHES "^(_init|_fini|_edata|_end|__bss_start)$")
      list(APPEND exported ${sym})
    endif()
  endif()
endforeach()
list(REMOVE_DUPLICATES exported)

file(GLOB headers ${HEADER_DIR}/*.h)
set(declared)
set(unmarked)
foreach(header IN LISTS headers)
  get_filename_component(name ${header} NAME)
  if(name MATCHES "^roots_(.*)\\.h$" AND NOT CMAKE_MATCH_1 STREQUAL BACKEND)
    continue() # the other backend's header
  endif()
  file(READ ${header} text)
  # Declarations at the start of a line: GROVE_API <type> name(
  string(REGEX MATCHALL "\nGROVE_API [^(;{}]*[ *](grove_[A-Za-z0-9_]+)\\(" decls "\n${text}")
  foreach(d IN LISTS decls)
    string(REGEX MATCH "(grove_[A-Za-z0-9_]+)\\($" m "${d}")
    list(APPEND declared ${CMAKE_MATCH_1})
  endforeach()
  # Any other top-level function declaration or definition must be static.
  string(REGEX MATCHALL "\n[A-Za-z_][A-Za-z0-9_ ]*[ *]+(grove_[A-Za-z0-9_]+)\\(" protos "\n${text}")
  foreach(p IN LISTS protos)
    string(STRIP "${p}" p)
    if(NOT p MATCHES "^(static|typedef|GROVE_API|return|extern) ")
      list(APPEND unmarked "${name}: ${p}")
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES declared)

set(errors)
foreach(sym IN LISTS exported)
  if(NOT sym IN_LIST declared)
    list(APPEND errors "exported but not declared GROVE_API in a public header: ${sym}")
  endif()
endforeach()
foreach(sym IN LISTS declared)
  if(NOT sym IN_LIST exported AND NOT sym MATCHES "^grove__")
    # grove__ helpers of the inline paths may be compiled out (GROVE_ROOT_CHECKS=0)
    list(APPEND errors "declared GROVE_API but not exported: ${sym}")
  endif()
endforeach()
foreach(u IN LISTS unmarked)
  list(APPEND errors "function declared without GROVE_API (hidden in libgrove.so): ${u}")
endforeach()

list(LENGTH exported n_exported)
list(LENGTH declared n_declared)
if(errors)
  list(JOIN errors "\n  " text)
  message(FATAL_ERROR "${LIBRARY} (${BACKEND}):\n  ${text}\n"
    "Mark every public declaration GROVE_API, and nothing else.")
endif()
message(STATUS "${LIBRARY} (${BACKEND}): ${n_exported} symbols exported, "
               "all declared GROVE_API (${n_declared} declarations)")
