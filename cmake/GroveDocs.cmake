# GroveDocs.cmake — the API reference, generated from the public headers by
# Doxygen (Debian package `doxygen`). Included from the root CMakeLists.txt.
#
#   cmake --build <build> --target grove_docs   ->  <build>/docs/api/html/index.html
#
# The reference documents the build's rooting backend (GROVE_ROOTING): the
# facade and the C++ wrapper are defined per backend. tests/cpp registers a
# test per backend that fails on any Doxygen warning.

find_program(GROVE_DOXYGEN doxygen DOC "Doxygen, for the API reference (Debian package doxygen)")

# The script both the target and the tests run.
set(GROVE_DOXYGEN_SCRIPT ${PROJECT_SOURCE_DIR}/cmake/GroveDoxygen.cmake)

if(GROVE_DOXYGEN)
  add_custom_target(grove_docs
    COMMAND ${CMAKE_COMMAND}
      -DDOXYGEN=${GROVE_DOXYGEN}
      -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
      -DCONFIG_DIR=${GROVE_GENERATED_DIR}/${GROVE_ROOTING}
      -DOUTPUT_DIR=${PROJECT_BINARY_DIR}/docs/api
      -DBACKEND=${GROVE_ROOTING}
      -DVERSION=${PROJECT_VERSION}
      -P ${GROVE_DOXYGEN_SCRIPT}
    COMMENT "API reference (Doxygen) -> ${PROJECT_BINARY_DIR}/docs/api/html/index.html"
    VERBATIM)
else()
  add_custom_target(grove_docs
    COMMAND ${CMAKE_COMMAND} -E echo "doxygen not found: install the Debian package 'doxygen'"
    COMMAND ${CMAKE_COMMAND} -E false
    VERBATIM)
endif()
