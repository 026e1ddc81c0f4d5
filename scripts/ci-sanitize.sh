#!/usr/bin/env bash
# CI's sanitizer step (docs/testing.md): builds build-asan with GCC's AddressSanitizer (with
# LeakSanitizer) and UndefinedBehaviorSanitizer and runs, under them, the unit tests, every MPI
# test at 1 and 3 ranks (1: no communication; 3: uneven splits, every collective path), the
# battery's hostile-input rows at 1 rank (the readers' error paths in every job; at 3 ranks
# under ASan each row costs several times more, spinning ranks on two cores) and the
# end-to-end CLI test (every job's readers and writers on good data). ctest passes the sanitizer options
# and tests/sanitize/*.supp (cmake/Sanitize.cmake).
#   scripts/ci-sanitize.sh             the CI subset
#   scripts/ci-sanitize.sh -R segment  extra arguments go to ctest (targets: CUSTSEG_SANITIZE_TARGETS)
# Only what runs is built (CI's two cores, no compiler cache): the other CLI test binaries, the
# README walkthroughs and the 2- and 4-rank runs stay with the main ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DCUSTSEG_BUILD_TESTS=ON -DCUSTSEG_SANITIZE=address,undefined \
  "${launcher[@]}" >/dev/null
mpi_tests=$(cd tests/mpi && for f in test_*.cpp; do printf 'mpi_%s ' "${f%.cpp}"; done)
# csv_hostile and corrupt_hdf5 are left out (about 2 minutes each under ASan): their inputs are
# battery rows (bad CSVs, corrupt HDF5 objects) and the fuzzers drive the same readers under ASan.
cli_tests="cli_test_end_to_end"
targets=${CUSTSEG_SANITIZE_TARGETS:-custseg unit_tests $mpi_tests $cli_tests}
# shellcheck disable=SC2086
cmake --build build-asan -j"$(nproc)" --target $targets
built=$(date +%s)
echo "ci-sanitize: build took $((built - start)) s"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd build-asan
status=0
# The unit tests (not the two style checks, which compile nothing), then the MPI and CLI subset.
jobs=$(nproc)  # not more: under ASan every rank computes (and spins), so extra slots only oversubscribe
ctest --output-on-failure -j"$(nproc)" -L unit -E '^(core_is_mpi_free|no_long_functions)$' "$@" || status=$?
# The battery's rows that feed custseg's readers and decoders hostile bytes (corrupt, truncated and
# malformed HDF5 and CSV, NaN/Inf/huge values, duplicate ids) and each job's good run; the rows
# about options, outputs and signals stay with the main ctest (they take a third of the time here
# and exercise no reader). A third of the rows: 2 minutes instead of 7 under ASan on 2 cores.
export CUSTSEG_BATTERY_ONLY='^(seg-(empty|not-hdf5|truncated|corrupt|ragged|text|compound|2d|scalar|nan|inf|huge|value|duplicate|negative|zero-rows|all-nan)|score-(model-corrupt|nan|huge|duplicate)|compare-corrupt|ingest-(empty|header|ragged|unbalanced|invalid|nul|50mb|bad-date|duplicate|negative)|[a-z]+-ok$)'
ctest --output-on-failure -j"$jobs" \
  -R "^mpi_test_.*-np(1|3)$|^(${cli_tests// /|})-np(1|3)$|^battery-np1$" "$@" || status=$?
echo "ci-sanitize: tests took $(($(date +%s) - built)) s, total $(($(date +%s) - start)) s"
exit $status
