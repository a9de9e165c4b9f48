# run_consumer.cmake — build Grove for one backend, install it to a temporary
# prefix, and build and run a tiny consumer project against the installed
# tree only: with find_package(grove CONFIG) (shared, then static) and with
# pkg-config. Registered by tests/cpp/CMakeLists.txt as packaging.consumer.<backend>;
# by hand (paths are examples):
#
#   cmake -DSOURCE_DIR=$PWD -DCONSUMER_DIR=$PWD/tests/cpp/consumer \
#         -DWORK_DIR=/tmp/grove-consumer -DBACKEND=intrusive -DVERSION=0.1.0 \
#         -DGENERATOR="Unix Makefiles" -DC_COMPILER=cc -DCXX_COMPILER=c++ \
#         -DBUILD_TYPE=Release -DPKG_CONFIG=pkg-config -DNM=nm -DREADELF=readelf \
#         -DCHECK_EXPORTS=$PWD/tests/cpp/check_exports.cmake \
#         -P tests/cpp/run_consumer.cmake
cmake_minimum_required(VERSION 3.20)
foreach(var SOURCE_DIR CONSUMER_DIR WORK_DIR BACKEND VERSION GENERATOR C_COMPILER CXX_COMPILER
            BUILD_TYPE PKG_CONFIG NM CHECK_EXPORTS)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED JOBS)
  set(JOBS 2)
endif()

set(prefix ${WORK_DIR}/prefix)
set(grove_build ${WORK_DIR}/grove-build)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# step(<title> COMMAND ...): run a command, echo it, fail with its output.
function(step title)
  message(STATUS "==> ${title}")
  execute_process(${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${title}: failed (${rc})\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

set(generator_args -G ${GENERATOR})
if(MAKE_PROGRAM)
  list(APPEND generator_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()

# ---- 1. build and install Grove ------------------------------------------------
# The configure-time prefix is a decoy: everything must follow --prefix.
step("configure Grove (${BACKEND}, ${BUILD_TYPE})"
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${grove_build} ${generator_args}
    -DCMAKE_C_COMPILER=${C_COMPILER}
    -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
    -DCMAKE_INSTALL_PREFIX=${WORK_DIR}/not-the-prefix
    -DGROVE_ROOTING=${BACKEND}
    -DGROVE_BUILD_TESTS=OFF -DGROVE_BUILD_BENCHMARKS=OFF -DGROVE_BUILD_EXAMPLES=OFF)
step("build Grove" COMMAND ${CMAKE_COMMAND} --build ${grove_build} --parallel ${JOBS})
step("install Grove to ${prefix}" COMMAND ${CMAKE_COMMAND} --install ${grove_build} --prefix ${prefix})
file(REMOVE_RECURSE ${grove_build}) # consumers see the installed tree only

# ---- 2. the installed tree -------------------------------------------------------
file(GLOB_RECURSE shared_lib LIST_DIRECTORIES false ${prefix}/libgrove.so)
file(GLOB_RECURSE static_lib LIST_DIRECTORIES false ${prefix}/libgrove.a)
file(GLOB_RECURSE pc_file LIST_DIRECTORIES false ${prefix}/grove.pc)
file(GLOB_RECURSE config_file LIST_DIRECTORIES false ${prefix}/groveConfig.cmake)
foreach(var shared_lib static_lib pc_file config_file)
  list(LENGTH ${var} n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "installed tree: expected one ${var}, found '${${var}}'")
  endif()
endforeach()
if(BACKEND STREQUAL "indexed")
  set(other intrusive)
else()
  set(other indexed)
endif()
foreach(h grove.h roots.h roots_${BACKEND}.h grove.hpp config.h)
  if(NOT EXISTS ${prefix}/include/grove/${h})
    message(FATAL_ERROR "installed tree: include/grove/${h} is missing")
  endif()
endforeach()
if(EXISTS ${prefix}/include/grove/roots_${other}.h)
  message(FATAL_ERROR "installed tree: the other backend's header roots_${other}.h is installed")
endif()
file(STRINGS ${prefix}/include/grove/config.h name_line REGEX "define GROVE_ROOTING_NAME")
if(NOT name_line MATCHES "\"${BACKEND}\"")
  message(FATAL_ERROR "installed config.h names the wrong backend: ${name_line}")
endif()
file(READ ${pc_file} pc_text)
string(FIND "${pc_text}" "prefix=${prefix}\n" at)
if(at LESS 0)
  message(FATAL_ERROR "grove.pc does not use the install prefix ${prefix}:\n${pc_text}")
endif()
get_filename_component(libdir ${shared_lib} DIRECTORY)
get_filename_component(pcdir ${pc_file} DIRECTORY)
message(STATUS "installed: ${shared_lib}, ${static_lib}, ${pc_file}")

step("exports of the installed libgrove.so"
  COMMAND ${CMAKE_COMMAND} -DNM=${NM} -DLIBRARY=${shared_lib}
    -DHEADER_DIR=${prefix}/include/grove -DBACKEND=${BACKEND} -P ${CHECK_EXPORTS})

# check_needed(<exe> <yes|no>): whether <exe> is dynamically linked to libgrove.
function(check_needed exe expect)
  if(NOT READELF)
    return()
  endif()
  execute_process(COMMAND ${READELF} -d ${exe} OUTPUT_VARIABLE dyn RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${READELF} -d ${exe} failed")
  endif()
  if(dyn MATCHES "NEEDED[^\n]*libgrove\\.so")
    set(has yes)
  else()
    set(has no)
  endif()
  if(NOT has STREQUAL expect)
    message(FATAL_ERROR "${exe}: linked to libgrove.so: ${has}, expected ${expect}\n${dyn}")
  endif()
endfunction()

# ---- 3. find_package(grove CONFIG): shared, then static ----------------------------
foreach(kind shared static)
  set(dir ${WORK_DIR}/consumer-cmake-${kind})
  if(kind STREQUAL "static")
    set(static_arg -Dgrove_USE_STATIC_LIBS=ON)
    set(expect_needed no)
  else()
    set(static_arg)
    set(expect_needed yes)
  endif()
  step("consumer with find_package (${kind}): configure"
    COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${dir} ${generator_args}
      -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
      -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
      -DCMAKE_PREFIX_PATH=${prefix}
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
      -DEXPECT_ROOTING=${BACKEND} ${static_arg})
  step("consumer with find_package (${kind}): build"
    COMMAND ${CMAKE_COMMAND} --build ${dir} --parallel ${JOBS})
  foreach(exe consumer_c consumer_cpp)
    step("consumer with find_package (${kind}): run ${exe}" COMMAND ${dir}/${exe})
    string(STRIP "${step_output}" step_output)
    message(STATUS "    ${step_output}")
    check_needed(${dir}/${exe} ${expect_needed})
  endforeach()
endforeach()

# ---- 4. pkg-config -------------------------------------------------------------------
set(ENV{PKG_CONFIG_PATH} ${pcdir})
step("pkg-config --modversion grove" COMMAND ${PKG_CONFIG} --modversion grove)
string(STRIP "${step_output}" pc_version)
if(NOT pc_version STREQUAL VERSION)
  message(FATAL_ERROR "pkg-config --modversion grove: ${pc_version}, expected ${VERSION}")
endif()
step("pkg-config --variable=rooting grove" COMMAND ${PKG_CONFIG} --variable=rooting grove)
string(STRIP "${step_output}" pc_rooting)
if(NOT pc_rooting STREQUAL BACKEND)
  message(FATAL_ERROR "pkg-config --variable=rooting grove: ${pc_rooting}, expected ${BACKEND}")
endif()
step("pkg-config --cflags grove" COMMAND ${PKG_CONFIG} --cflags grove)
separate_arguments(pc_cflags UNIX_COMMAND "${step_output}")
step("pkg-config --libs grove" COMMAND ${PKG_CONFIG} --libs grove)
separate_arguments(pc_libs UNIX_COMMAND "${step_output}")
set(dir ${WORK_DIR}/consumer-pkg-config)
file(MAKE_DIRECTORY ${dir})
set(strict -Wall -Wextra -Wpedantic -Werror "-DEXPECT_ROOTING=\"${BACKEND}\"")
step("consumer with pkg-config: compile consumer.c"
  COMMAND ${C_COMPILER} -std=c11 ${strict} ${pc_cflags} ${CONSUMER_DIR}/consumer.c
    -o ${dir}/consumer_c ${pc_libs} -Wl,-rpath,${libdir})
step("consumer with pkg-config: compile consumer.cpp"
  COMMAND ${CXX_COMPILER} -std=c++17 ${strict} ${pc_cflags} ${CONSUMER_DIR}/consumer.cpp
    -o ${dir}/consumer_cpp ${pc_libs} -Wl,-rpath,${libdir})
foreach(exe consumer_c consumer_cpp)
  step("consumer with pkg-config: run ${exe}" COMMAND ${dir}/${exe})
  string(STRIP "${step_output}" step_output)
  message(STATUS "    ${step_output}")
  check_needed(${dir}/${exe} yes)
endforeach()

message(STATUS "consumer (${BACKEND}): find_package shared + static and pkg-config: all ok")
