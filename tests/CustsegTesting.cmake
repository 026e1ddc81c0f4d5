# Helpers that register tests the same way everywhere (after heFFTe/Ginkgo's test macros).
#
#   custseg_add_mpi_test(NAME SOURCES... [TIMEOUT s] [LABELS ...])
#     one gtest binary, registered as NAME-np1 ... NAME-np4 under mpirun (3 makes uneven splits).
#   custseg_add_cli_test(NAME SOURCES... [TIMEOUT s] [LABELS ...])
#     a gtest binary that drives the built `custseg` under mpirun itself; registered as
#     NAME-np1 ... NAME-np4 with CUSTSEG_TEST_NP set, CUSTSEG_BIN pointing at the binary.

find_program(CUSTSEG_MPIEXEC NAMES mpirun mpiexec REQUIRED)
# Root and oversubscription are normal here (CI, containers, 2-core machines).
set(CUSTSEG_MPIEXEC_FLAGS --oversubscribe --allow-run-as-root CACHE STRING "extra mpirun flags for tests")
# The real public datasets live beside the checkout in ../shared/data; a clone elsewhere
# finds them through CUSTSEG_SHARED_DATA (environment or cache) or the workplace's /work/shared.
if(NOT CUSTSEG_SHARED_DATA)
  if(DEFINED ENV{CUSTSEG_SHARED_DATA})
    set(_shared "$ENV{CUSTSEG_SHARED_DATA}")
  elseif(EXISTS ${PROJECT_SOURCE_DIR}/../shared/data)
    get_filename_component(_shared ${PROJECT_SOURCE_DIR}/../shared/data ABSOLUTE)
  else()
    set(_shared /work/shared/data)
  endif()
  set(CUSTSEG_SHARED_DATA ${_shared} CACHE PATH "folder of the shared public datasets")
endif()
if(NOT EXISTS ${CUSTSEG_SHARED_DATA}/online-retail/online_retail.csv)
  message(WARNING "custseg: shared datasets not found at ${CUSTSEG_SHARED_DATA}; the ingest tests will fail. "
                  "Set -DCUSTSEG_SHARED_DATA=<path>/shared/data.")
endif()
set(CUSTSEG_TEST_ENV "OMPI_MCA_rmaps_base_oversubscribe=1;OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;CUSTSEG_SHARED_DATA=${CUSTSEG_SHARED_DATA}")
# CLI tests never signal mpirun, and half their runs are meant to fail: after a rank exits non-zero,
# mpirun waits odls_base_sigkill_timeout (1 s) twice before it returns, 2 s per refused run and a
# third of the suite's time. 0 keeps every exit code and message (README "Exit codes"). Tests that
# signal mpirun (faults, checkpoint, the battery's SIGTERM rows) keep Open MPI's default.
set(CUSTSEG_CLI_TEST_ENV "${CUSTSEG_TEST_ENV};OMPI_MCA_odls_base_sigkill_timeout=0")

function(custseg_add_mpi_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${name} ${T_SOURCES} ${PROJECT_SOURCE_DIR}/tests/mpi/mpi_main.cpp)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
  target_link_libraries(${name} PRIVATE custseg_lib GTest::gtest custseg_warnings)
  foreach(np 1 2 3 4)
    add_test(NAME ${name}-np${np}
             COMMAND ${CUSTSEG_MPIEXEC} ${CUSTSEG_MPIEXEC_FLAGS} -np ${np} $<TARGET_FILE:${name}>)
    set_tests_properties(${name}-np${np} PROPERTIES TIMEOUT ${T_TIMEOUT} PROCESSORS ${np}
                         LABELS "mpi;${T_LABELS}" ENVIRONMENT "${CUSTSEG_TEST_ENV}")
  endforeach()
endfunction()

function(custseg_add_cli_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/integration ${PROJECT_SOURCE_DIR}/tests/common)
  target_link_libraries(${name} PRIVATE custseg_lib GTest::gtest GTest::gtest_main custseg_warnings)
  add_dependencies(${name} custseg)
  foreach(np 1 2 3 4)
    add_test(NAME ${name}-np${np} COMMAND $<TARGET_FILE:${name}>)
    # At most 2 slots: a CLI test mostly waits (mpirun start-up, its ranks' collectives, Python
    # checks), so two 3- or 4-rank CLI tests share CI's two cores well (scripts/test.sh runs
    # ctest with two slots per core).
    if(np GREATER 2)
      set(_slots 2)
    else()
      set(_slots ${np})
    endif()
    set_tests_properties(${name}-np${np} PROPERTIES TIMEOUT ${T_TIMEOUT} PROCESSORS ${_slots}
                         LABELS "integration;${T_LABELS}"
                         ENVIRONMENT "${CUSTSEG_CLI_TEST_ENV};CUSTSEG_TEST_NP=${np};CUSTSEG_BIN=$<TARGET_FILE:custseg>;CUSTSEG_MPIEXEC=${CUSTSEG_MPIEXEC};CUSTSEG_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  endforeach()
endfunction()
