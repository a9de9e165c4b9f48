# GroveTestTimeouts.cmake — test timeouts that scale with the machine's load.
# Included from the root CMakeLists.txt.
#
# Every Grove test's TIMEOUT goes through grove_test_timeout(), which
# multiplies it by GROVE_TEST_TIMEOUT_SCALE (default 1). ctest's own
# --timeout and CTEST_TEST_TIMEOUT leave a TIMEOUT property unchanged, so a
# loaded machine, or a slow build such as ASan, needs this factor instead:
#
#   cmake --preset indexed-asan -DGROVE_TEST_TIMEOUT_SCALE=3
#
# scripts/test sets it per stage from the environment variable of the same name.

set(GROVE_TEST_TIMEOUT_SCALE 1 CACHE STRING
    "Factor applied to every test's timeout (e.g. 2 or 1.5 on a loaded machine)")
if(NOT GROVE_TEST_TIMEOUT_SCALE MATCHES "^([0-9]+)(\\.([0-9]+))?$")
  message(FATAL_ERROR "GROVE_TEST_TIMEOUT_SCALE must be a positive number such as 2 or 1.5 "
                      "(got '${GROVE_TEST_TIMEOUT_SCALE}')")
endif()
# math() is integer only: keep the factor in hundredths.
string(SUBSTRING "${CMAKE_MATCH_3}00" 0 2 _grove_scale_fraction)
math(EXPR GROVE_TEST_TIMEOUT_SCALE_PERCENT "${CMAKE_MATCH_1} * 100 + ${_grove_scale_fraction}")
if(GROVE_TEST_TIMEOUT_SCALE_PERCENT EQUAL 0)
  message(FATAL_ERROR "GROVE_TEST_TIMEOUT_SCALE must be at least 0.01 (got '${GROVE_TEST_TIMEOUT_SCALE}')")
endif()

# grove_test_timeout(<out-var> <seconds>)
# Sets <out-var> to <seconds> times GROVE_TEST_TIMEOUT_SCALE, rounded up.
function(grove_test_timeout out seconds)
  math(EXPR scaled "(${seconds} * ${GROVE_TEST_TIMEOUT_SCALE_PERCENT} + 99) / 100")
  set(${out} ${scaled} PARENT_SCOPE)
endfunction()
