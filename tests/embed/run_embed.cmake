# run_embed.cmake — configure, build and test tests/embed/parent, a project
# that embeds Grove with add_subdirectory(), and check that Grove changed
# nothing of the parent's build. Registered by tests/embed/CMakeLists.txt as
# packaging.subdirectory; by hand (paths are examples):
#
#   cmake -DSOURCE_DIR=$PWD -DPARENT_DIR=$PWD/tests/embed/parent \
#         -DWORK_DIR=/tmp/grove-embed -DGENERATOR="Unix Makefiles" -DC_COMPILER=cc \
#         -DCTEST=ctest [-DSANITIZE=address,undefined] -P tests/embed/run_embed.cmake
#
# Checks, besides the parent's own configure-time checks (parent/CMakeLists.txt):
#   - the parent's program compiles without any of Grove's warning or
#     sanitizer flags, while Grove's runtime sources are compiled with them
#     (so the check reads the right command lines);
#   - `ctest -N` in the parent's build lists the parent's one test only;
#   - that test (the program, linked to grove::grove) passes.
cmake_minimum_required(VERSION 3.21)
foreach(var SOURCE_DIR PARENT_DIR WORK_DIR GENERATOR C_COMPILER CTEST)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_embed.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED JOBS)
  set(JOBS 2)
endif()

set(build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# step(<title> COMMAND ...): run a command, fail with its output.
function(step title)
  message(STATUS "==> ${title}")
  execute_process(${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${title}: failed (${rc})\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

set(generator_args -G ${GENERATOR})
if(MAKE_PROGRAM)
  list(APPEND generator_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()

# An explicitly empty build type: the parent's choice, which Grove must keep.
step("configure the parent project (empty build type)"
  COMMAND ${CMAKE_COMMAND} -S ${PARENT_DIR} -B ${build} ${generator_args}
    -DCMAKE_C_COMPILER=${C_COMPILER}
    -DCMAKE_BUILD_TYPE=
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
    -DGROVE_SOURCE_DIR=${SOURCE_DIR}
    -DGROVE_SANITIZE=${SANITIZE})

# ---- compile commands ----------------------------------------------------------
set(grove_flags -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
file(READ ${build}/compile_commands.json commands)
string(JSON n_commands LENGTH "${commands}")
math(EXPR last "${n_commands} - 1")
set(app_commands 0)
set(runtime_commands 0)
foreach(i RANGE ${last})
  string(JSON file GET "${commands}" ${i} file)
  string(JSON command GET "${commands}" ${i} command)
  separate_arguments(args UNIX_COMMAND "${command}")
  set(sanitized OFF)
  foreach(arg IN LISTS args)
    if(arg MATCHES "^-fsanitize")
      set(sanitized ON)
    endif()
  endforeach()
  string(FIND "${file}" "${SOURCE_DIR}/runtime/" runtime_at)
  if(file STREQUAL "${PARENT_DIR}/embed.c")
    math(EXPR app_commands "${app_commands} + 1")
    foreach(flag IN LISTS grove_flags)
      if(flag IN_LIST args)
        message(FATAL_ERROR "the parent's embed.c is compiled with Grove's ${flag}:\n${command}")
      endif()
    endforeach()
    if(sanitized)
      message(FATAL_ERROR "the parent's embed.c is compiled with Grove's sanitizers:\n${command}")
    endif()
  elseif(runtime_at EQUAL 0)
    math(EXPR runtime_commands "${runtime_commands} + 1")
    foreach(flag IN LISTS grove_flags)
      if(NOT flag IN_LIST args)
        message(FATAL_ERROR "Grove's ${file} is compiled without ${flag}:\n${command}")
      endif()
    endforeach()
    if(SANITIZE AND NOT sanitized)
      message(FATAL_ERROR "Grove's ${file} is compiled without -fsanitize=${SANITIZE}:\n${command}")
    endif()
  endif()
endforeach()
if(NOT app_commands EQUAL 1 OR runtime_commands EQUAL 0)
  message(FATAL_ERROR "compile_commands.json: ${app_commands} commands for embed.c "
                      "(expected 1), ${runtime_commands} for Grove's runtime (expected some)")
endif()
message(STATUS "embed.c compiles without Grove's flags; ${runtime_commands} runtime sources with them")

# ---- build, test list, test ----------------------------------------------------
step("build the parent project" COMMAND ${CMAKE_COMMAND} --build ${build} --parallel ${JOBS})

step("list the parent's tests" COMMAND ${CTEST} --test-dir ${build} -N)
string(REGEX MATCHALL "Test +#[0-9]+: [^\n]+" listed "${step_output}")
if(NOT listed MATCHES "^Test +#1: embed_app$")
  message(FATAL_ERROR "the parent's ctest list is not just its own test embed_app:\n${step_output}")
endif()

step("run the parent's test" COMMAND ${CTEST} --test-dir ${build} --output-on-failure)
message(STATUS "add_subdirectory(grove): the parent's build type, flags and tests untouched; "
               "embed_app passes")
