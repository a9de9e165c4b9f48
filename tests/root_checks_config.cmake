# root_checks_config.cmake — grove/config.h must refuse a GROVE_ROOT_CHECKS
# other than the library's, and accept the same value or none.
#   cmake -DCC=<C compiler> -DBACKEND=indexed|intrusive
#         -DINCLUDE_DIRS=<dir>|<dir>...   (the grove_<backend> include directories)
#         -DWORK_DIR=<scratch dir> -P root_checks_config.cmake
# Compiles (syntax only) a consumer using scopes through <grove/roots.h> and
# through the backend's own header, with the macro undefined, equal to the
# library's value, and different (on the command line and in the source).
cmake_minimum_required(VERSION 3.20)
foreach(var CC BACKEND INCLUDE_DIRS WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "root_checks_config.cmake: -D${var}=... is required")
  endif()
endforeach()
string(REPLACE "|" ";" include_dirs "${INCLUDE_DIRS}")

# The library's value, as its generated grove/config.h records it.
set(config "")
foreach(dir IN LISTS include_dirs)
  if(EXISTS "${dir}/grove/config.h")
    set(config "${dir}/grove/config.h")
  endif()
endforeach()
if(NOT config)
  message(FATAL_ERROR "no grove/config.h in ${INCLUDE_DIRS}")
endif()
file(STRINGS "${config}" define REGEX "^#define GROVE_ROOT_CHECKS [01]$")
if(NOT define MATCHES "GROVE_ROOT_CHECKS ([01])$")
  message(FATAL_ERROR "${config} does not define GROVE_ROOT_CHECKS to 0 or 1")
endif()
set(library_value ${CMAKE_MATCH_1})
if(library_value)
  set(other_value 0)
else()
  set(other_value 1)
endif()

set(flags -std=c11 -fsyntax-only)
foreach(dir IN LISTS include_dirs)
  list(APPEND flags "-I${dir}")
endforeach()

file(MAKE_DIRECTORY "${WORK_DIR}")
set(use_scopes "
void consumer(grove_heap *heap);
void consumer(grove_heap *heap)
{
    grove_scope s = grove_scope_enter(heap);
    grove_scope_exit(heap, s);
}
")
file(WRITE "${WORK_DIR}/facade.c" "#include <grove/roots.h>\n${use_scopes}")
file(WRITE "${WORK_DIR}/backend.c" "#include <grove/roots_${BACKEND}.h>\n${use_scopes}")
file(WRITE "${WORK_DIR}/defined_in_source.c"
  "#define GROVE_ROOT_CHECKS ${other_value}\n#include <grove/roots_${BACKEND}.h>\n${use_scopes}")

set(expected_error "GROVE_ROOT_CHECKS differs from the library's (${library_value})")
set(failures "")

# compile(<name> <source> <should compile: YES|NO> [extra flags...])
function(compile name source should_compile)
  execute_process(COMMAND ${CC} ${flags} ${ARGN} "${WORK_DIR}/${source}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(should_compile AND NOT rc EQUAL 0)
    list(APPEND failures "${name}: expected to compile, failed:\n${out}${err}")
  elseif(NOT should_compile AND rc EQUAL 0)
    list(APPEND failures "${name}: expected a compile error, compiled")
  elseif(NOT should_compile)
    string(FIND "${err}" "${expected_error}" at)
    if(at EQUAL -1)
      list(APPEND failures "${name}: failed without the message '${expected_error}':\n${out}${err}")
    endif()
  endif()
  set(failures "${failures}" PARENT_SCOPE)
endfunction()

compile("facade, undefined" facade.c YES)
compile("backend header, undefined" backend.c YES)
compile("facade, -DGROVE_ROOT_CHECKS=${library_value}" facade.c YES
        -DGROVE_ROOT_CHECKS=${library_value})
compile("facade, -DGROVE_ROOT_CHECKS=${other_value}" facade.c NO
        -DGROVE_ROOT_CHECKS=${other_value})
compile("backend header, -DGROVE_ROOT_CHECKS=${other_value}" backend.c NO
        -DGROVE_ROOT_CHECKS=${other_value})
compile("backend header, #define GROVE_ROOT_CHECKS ${other_value}" defined_in_source.c NO)

if(failures)
  list(JOIN failures "\n" text)
  message(FATAL_ERROR "${BACKEND} (library GROVE_ROOT_CHECKS=${library_value}):\n${text}")
endif()
message(STATUS "${BACKEND}: GROVE_ROOT_CHECKS=${other_value} refused, ${library_value} and "
               "undefined accepted")
