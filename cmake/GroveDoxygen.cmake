# GroveDoxygen.cmake — run Doxygen on the public headers for one backend.
#   cmake -DDOXYGEN=doxygen -DSOURCE_DIR=<repo> -DCONFIG_DIR=<dir holding grove/config.h>
#         -DOUTPUT_DIR=<dir> -DBACKEND=indexed|intrusive -DVERSION=x.y.z
#         [-DFAIL_ON_WARNINGS=ON] -P GroveDoxygen.cmake
# Uses the repository's Doxyfile and overrides what depends on the build:
# the generated config.h (which selects the backend's definitions), the output
# directory and the warning log. With FAIL_ON_WARNINGS, any warning fails.
cmake_minimum_required(VERSION 3.20)
foreach(var DOXYGEN SOURCE_DIR CONFIG_DIR OUTPUT_DIR BACKEND VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "GroveDoxygen.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${OUTPUT_DIR})
file(MAKE_DIRECTORY ${OUTPUT_DIR})
set(log ${OUTPUT_DIR}/doxygen-warnings.log)
file(WRITE ${OUTPUT_DIR}/Doxyfile.build "@INCLUDE = ${SOURCE_DIR}/Doxyfile
PROJECT_NUMBER   = \"${VERSION} (${BACKEND} rooting)\"
OUTPUT_DIRECTORY = ${OUTPUT_DIR}
INPUT           += ${CONFIG_DIR}/grove/config.h
INCLUDE_PATH     = ${CONFIG_DIR} ${SOURCE_DIR}/include
STRIP_FROM_PATH  = ${SOURCE_DIR}/include ${CONFIG_DIR}
STRIP_FROM_INC_PATH = ${SOURCE_DIR}/include ${CONFIG_DIR}
PREDEFINED       = __GNUC__=12 GROVE_API= GROVE_DOXYGEN=1
WARN_LOGFILE     = ${log}
")
execute_process(COMMAND ${DOXYGEN} ${OUTPUT_DIR}/Doxyfile.build
  WORKING_DIRECTORY ${SOURCE_DIR}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "doxygen failed (exit ${rc})")
endif()
file(READ ${log} warnings)
string(STRIP "${warnings}" warnings)
if(warnings)
  string(REGEX MATCHALL "\n" lines "\n${warnings}")
  list(LENGTH lines count)
  message("${warnings}")
  if(FAIL_ON_WARNINGS)
    message(FATAL_ERROR "Doxygen (${BACKEND}): ${count} warning(s)")
  endif()
  message(WARNING "Doxygen (${BACKEND}): ${count} warning(s)")
else()
  set(count 0)
endif()
message(STATUS "API reference (${BACKEND}): ${OUTPUT_DIR}/html/index.html, ${count} Doxygen warnings")
