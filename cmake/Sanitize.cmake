# -DCUSTSEG_SANITIZE=address,undefined (any comma list that -fsanitize= takes): every target,
# tests included, is compiled and linked with the sanitizers. -O1 -g1 keeps stack traces readable
# (function names, files and lines) while the build stays fast enough for CI: full -g doubles the
# compile time of the Eigen- and TBB-heavy files (src/kmeans/driver.cpp: 35 s against 16 s); -fno-sanitize-recover=undefined makes undefined
# behaviour fail the test that meets it instead of printing a line nobody reads.
#
# ctest runs every test with ASAN_OPTIONS/LSAN_OPTIONS/UBSAN_OPTIONS naming the suppressions in
# tests/sanitize/ (only Open MPI's and HDF5's own leaks are suppressed; see lsan.supp).
set(CUSTSEG_SANITIZE "" CACHE STRING "comma list of sanitizers, e.g. address,undefined (empty: none)")
if(CUSTSEG_SANITIZE)
  set(_flags -fsanitize=${CUSTSEG_SANITIZE} -fno-omit-frame-pointer -g1 -O1)
  if(CUSTSEG_SANITIZE MATCHES "undefined")
    list(APPEND _flags -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${_flags})
  add_link_options(-fsanitize=${CUSTSEG_SANITIZE})
  message(STATUS "custseg: sanitizers ${CUSTSEG_SANITIZE}")

  set(_supp ${PROJECT_SOURCE_DIR}/tests/sanitize)
  # halt_on_error: a report fails the test. detect_leaks: leaks of ours are bugs.
  # fast_unwind_on_malloc=0: Open MPI and its dlopened components are built without frame
  # pointers, so the fast unwinder stops after one frame ("<unknown module>") and no suppression
  # can match; the slow unwinder gives whole stacks, which the suppressions match by library.
  # print_suppressions=0: the (expected) Open MPI suppression summary would bury real reports.
  set(CUSTSEG_SANITIZE_ENV
      "ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:fast_unwind_on_malloc=0:strict_string_checks=1:check_initialization_order=1"
      "LSAN_OPTIONS=suppressions=${_supp}/lsan.supp:print_suppressions=0"
      "UBSAN_OPTIONS=suppressions=${_supp}/ubsan.supp:print_stacktrace=1:halt_on_error=1")
  # ctest reads this file before it runs anything, and every test (gtest-discovered unit tests,
  # mpirun and its ranks, script tests) inherits ctest's environment.
  set(_env_file ${CMAKE_BINARY_DIR}/custseg_sanitize_env.cmake)
  set(_body "# written by cmake/Sanitize.cmake: the sanitizer options every test runs with\n")
  foreach(_kv IN LISTS CUSTSEG_SANITIZE_ENV)
    string(FIND "${_kv}" "=" _eq)
    string(SUBSTRING "${_kv}" 0 ${_eq} _key)
    math(EXPR _eq "${_eq} + 1")
    string(SUBSTRING "${_kv}" ${_eq} -1 _value)
    string(APPEND _body "set(ENV{${_key}} \"${_value}\")\n")
  endforeach()
  file(WRITE ${_env_file} "${_body}")
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY TEST_INCLUDE_FILES ${_env_file})
endif()
