# Run one Scheme test program and compare its stdout with the expected
# output. Invoked by ctest as
#   cmake -DEXE=<interpreter> -DSCRIPT=<file.scm> -DEXPECTED=<file.out>
#         [-DMODE=file|stdin] [-DARGS="<space separated options>"] -P run_test.cmake
# MODE=file passes the program as an argument; MODE=stdin feeds it to the
# REPL on standard input (which then also prints every result). The exit
# status must be 0. Environment variables (GROVE_DEBUG for the zeal runs)
# pass through to the interpreter. The program runs in its own directory, so
# it can open the data files next to it by relative name.
foreach(var EXE SCRIPT EXPECTED)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_test.cmake: ${var} is not set")
  endif()
endforeach()
separate_arguments(args UNIX_COMMAND "${ARGS}")
get_filename_component(script_dir ${SCRIPT} DIRECTORY)

if(MODE STREQUAL "stdin")
  execute_process(COMMAND ${EXE} ${args}
    INPUT_FILE ${SCRIPT} WORKING_DIRECTORY ${script_dir}
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
else()
  execute_process(COMMAND ${EXE} ${args} ${SCRIPT} WORKING_DIRECTORY ${script_dir}
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
endif()

file(READ ${EXPECTED} expected)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "${EXE} ${ARGS} ${SCRIPT}: exit status ${rc}\n"
                      "--- stderr:\n${err}\n--- stdout:\n${out}")
endif()
if(NOT out STREQUAL expected)
  get_filename_component(base ${EXPECTED} NAME)
  set(actual_file ${CMAKE_CURRENT_BINARY_DIR}/${base}.actual)
  file(WRITE ${actual_file} "${out}")
  message(FATAL_ERROR "${EXE} ${ARGS} ${SCRIPT}: output differs from ${EXPECTED}\n"
                      "(actual output written to ${actual_file})\n"
                      "--- expected:\n${expected}\n--- actual:\n${out}\n--- stderr:\n${err}")
endif()
message(STATUS "ok: output matches ${EXPECTED}")
