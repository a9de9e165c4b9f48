# GrovePackaging.cmake — the installable library and its package files.
# Included from the root CMakeLists.txt once the per-backend libraries exist.
#
# For the backend chosen by GROVE_ROOTING this builds
#   grove_static  libgrove.a    (exported as grove::grove_static)
#   grove_shared  libgrove.so   (exported as grove::grove_shared; GROVE_BUILD_SHARED)
# from the same runtime objects, compiled with hidden visibility so that the
# shared library exports exactly the declarations marked GROVE_API in
# include/grove/*.h. `cmake --install` puts in place:
#   include/grove/*.h, grove.hpp, config.h   (config.h records the backend)
#   lib/libgrove.a, lib/libgrove.so*
#   lib/cmake/grove/groveConfig.cmake ...   find_package(grove CONFIG) -> grove::grove
#   lib/pkgconfig/grove.pc                  pkg-config grove
# See docs/index.md ("Installing and using Grove").

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

option(GROVE_BUILD_SHARED "Build libgrove.so (besides libgrove.a) for the selected backend" ON)
option(GROVE_INSTALL "Generate Grove's install rules" ${PROJECT_IS_TOP_LEVEL})
set(GROVE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/grove" CACHE STRING
    "Where groveConfig.cmake is installed (relative to the prefix)")
set(GROVE_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig" CACHE STRING
    "Where grove.pc is installed (relative to the prefix)")

# ---- symbol visibility -------------------------------------------------------
# Everything not marked GROVE_API is hidden. The runtime objects are shared by
# every variant; hidden symbols still link normally into static executables.
set_target_properties(grove_runtime PROPERTIES C_VISIBILITY_PRESET hidden)
foreach(_grove_backend ${GROVE_BACKENDS})
  set_target_properties(grove_${_grove_backend} PROPERTIES C_VISIBILITY_PRESET hidden)
endforeach()

# ---- the installable libraries -------------------------------------------------
set(_grove_gen "${GROVE_GENERATED_DIR}/${GROVE_ROOTING}")
if(GROVE_ROOT_CHECKS)
  set(GROVE_PACKAGE_ROOT_CHECKS 1)
else()
  set(GROVE_PACKAGE_ROOT_CHECKS 0)
endif()

function(_grove_packaged_library target kind)
  add_library(${target} ${kind}
    ${GROVE_BACKEND_SOURCES_${GROVE_ROOTING}} $<TARGET_OBJECTS:grove_runtime>)
  target_include_directories(${target}
    PUBLIC
      $<BUILD_INTERFACE:${_grove_gen}>
      $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${PROJECT_SOURCE_DIR}/runtime)
  # Build-only: the installed package must not carry Grove's own flags.
  target_link_libraries(${target} PRIVATE
    $<BUILD_INTERFACE:grove_warnings> $<BUILD_INTERFACE:grove_sanitizers>)
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME grove
    EXPORT_NAME ${target}
    C_VISIBILITY_PRESET hidden
    POSITION_INDEPENDENT_CODE ON
    GROVE_ROOTING ${GROVE_ROOTING}
    EXPORT_PROPERTIES GROVE_ROOTING)
  add_library(grove::${target} ALIAS ${target})
endfunction()

_grove_packaged_library(grove_static STATIC)
# The static library's users link jemalloc and libm themselves; installed, the
# jemalloc link is grove::jemalloc, which groveConfig.cmake defines.
target_link_libraries(grove_static
  PUBLIC $<BUILD_INTERFACE:PkgConfig::JEMALLOC> $<INSTALL_INTERFACE:grove::jemalloc>
  PRIVATE m)
set(GROVE_PACKAGE_TARGETS grove_static)

if(GROVE_BUILD_SHARED)
  _grove_packaged_library(grove_shared SHARED)
  target_link_libraries(grove_shared PRIVATE $<BUILD_INTERFACE:PkgConfig::JEMALLOC> m)
  # 0.x: every minor version may change the ABI. The ABI also depends on the
  # rooting backend and GROVE_ROOT_CHECKS, which grove/config.h records.
  set_target_properties(grove_shared PROPERTIES
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
  if(NOT GROVE_SANITIZE AND CMAKE_C_COMPILER_ID MATCHES "GNU|Clang" AND NOT APPLE)
    target_link_options(grove_shared PRIVATE LINKER:--no-undefined)
  endif()
  list(APPEND GROVE_PACKAGE_TARGETS grove_shared)
endif()

# ---- install ---------------------------------------------------------------------
if(GROVE_INSTALL)
  set(_grove_other_backends ${GROVE_BACKENDS})
  list(REMOVE_ITEM _grove_other_backends ${GROVE_ROOTING})
  set(_grove_header_excludes)
  foreach(_grove_backend ${_grove_other_backends})
    list(APPEND _grove_header_excludes PATTERN roots_${_grove_backend}.h EXCLUDE)
  endforeach()

  install(TARGETS ${GROVE_PACKAGE_TARGETS} EXPORT groveTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  # Public headers, without the other backend's: it would compile but not link.
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/grove
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    ${_grove_header_excludes})
  install(FILES ${_grove_gen}/grove/config.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/grove)

  # CMake package: find_package(grove CONFIG).
  install(EXPORT groveTargets
    NAMESPACE grove::
    FILE groveTargets.cmake
    DESTINATION ${GROVE_INSTALL_CMAKEDIR})
  set(GROVE_PACKAGE_HAS_SHARED ${GROVE_BUILD_SHARED})
  configure_package_config_file(
    ${PROJECT_SOURCE_DIR}/cmake/groveConfig.cmake.in
    ${PROJECT_BINARY_DIR}/package/groveConfig.cmake
    INSTALL_DESTINATION ${GROVE_INSTALL_CMAKEDIR})
  # 0.x: only the same minor version is compatible.
  write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/package/groveConfigVersion.cmake
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMinorVersion)
  install(FILES
    ${PROJECT_BINARY_DIR}/package/groveConfig.cmake
    ${PROJECT_BINARY_DIR}/package/groveConfigVersion.cmake
    DESTINATION ${GROVE_INSTALL_CMAKEDIR})

  # pkg-config: grove.pc is written at install time so that its prefix is the
  # one actually installed to (cmake --install --prefix ...).
  if(GROVE_BUILD_SHARED)
    # -lgrove picks libgrove.so, which links jemalloc itself; a static link
    # (pkg-config --static) also needs jemalloc and libm.
    set(GROVE_PC_DEPENDENCIES "Requires.private: jemalloc\nLibs: -L\${libdir} -lgrove\nLibs.private: -lm")
  else()
    set(GROVE_PC_DEPENDENCIES "Requires: jemalloc\nLibs: -L\${libdir} -lgrove -lm")
  endif()
  foreach(_grove_dir LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${_grove_dir}}")
      set(GROVE_PC_${_grove_dir} "${CMAKE_INSTALL_${_grove_dir}}")
    else()
      set(GROVE_PC_${_grove_dir} "\${prefix}/${CMAKE_INSTALL_${_grove_dir}}")
    endif()
  endforeach()
  set(GROVE_PC_PREFIX "@GROVE_PC_PREFIX@") # substituted at install time
  configure_file(${PROJECT_SOURCE_DIR}/cmake/grove.pc.in ${PROJECT_BINARY_DIR}/package/grove.pc.in @ONLY)
  install(CODE "
    set(GROVE_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
    configure_file(\"${PROJECT_BINARY_DIR}/package/grove.pc.in\"
                   \"${PROJECT_BINARY_DIR}/package/grove.pc\" @ONLY)")
  install(FILES ${PROJECT_BINARY_DIR}/package/grove.pc DESTINATION ${GROVE_INSTALL_PKGCONFIGDIR})
endif()
