#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what it lacks, builds, runs ctest.
#   scripts/test.sh            everything (unit, mpi at 1-4 ranks, integration, slurm, browser, bench smoke)
#   scripts/test.sh -L unit    any extra arguments go to ctest (and skip the two steps below)
# The whole suite (no arguments) then runs the sanitizer step (scripts/ci-sanitize.sh: unit, MPI
# and CLI tests at 1 and 3 ranks under ASan+UBSan) and the fuzzing step (scripts/ci-fuzz.sh: each
# libFuzzer target for a fixed budget plus every regression input); docs/testing.md has the times.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/setup.sh --tests
times="set-up and build $(($(date +%s) - start)) s"
echo "test.sh: set-up and build took $(($(date +%s) - start)) s"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Twice as many test slots as cores: most CLI tests wait on mpirun start-up and on their ranks'
# collectives rather than compute (measured on 2 cores: six 3-rank CLI tests took 86 s one at a
# time, 58 s two at a time). A test still reserves one slot per rank (PROCESSORS).
jobs=$(($(nproc) * 2))
status=0
tests_start=$(date +%s)
(cd build && ctest --output-on-failure -j"$jobs" "$@") || status=$?
times+=", main ctest $(($(date +%s) - tests_start)) s"
echo "test.sh: main ctest took $(($(date +%s) - tests_start)) s"
if (($# == 0)); then
  step_start=$(date +%s)
  scripts/ci-sanitize.sh || status=1
  times+=", sanitizers $(($(date +%s) - step_start)) s"
  step_start=$(date +%s)
  scripts/ci-fuzz.sh || status=1
  times+=", fuzzing $(($(date +%s) - step_start)) s"
fi
# Again at the end, where a CI log's tail shows it, with the main ctest's slowest tests.
if [[ -r build/Testing/Temporary/CTestCostData.txt ]]; then
  echo "test.sh: slowest tests of the main ctest (name, runs, seconds):"
  # awk reads to the end: `head` would close the pipe early, and under pipefail sort's SIGPIPE
  # (exit 141) would fail the whole run after every step passed.
  grep -E '^[^ ]+ [0-9]+ [0-9.]+$' build/Testing/Temporary/CTestCostData.txt | sort -k3 -g -r | awk 'NR <= 12 { print "  " $0 }'
fi
# The browser tests' screenshots and pages (report.html at 1280/1920 px on the public datasets):
# kept in build/tests/browser/artifacts, and copied to CUSTSEG_ARTIFACTS_DIR when CI sets it.
if [[ -d build/tests/browser/artifacts ]]; then
  echo "test.sh: browser screenshots in build/tests/browser/artifacts ($(ls build/tests/browser/artifacts | grep -c png) png)"
  if [[ -n "${CUSTSEG_ARTIFACTS_DIR:-}" ]]; then
    mkdir -p "$CUSTSEG_ARTIFACTS_DIR" && cp -r build/tests/browser/artifacts "$CUSTSEG_ARTIFACTS_DIR/browser"
  fi
fi
echo "test.sh: $times; total $(($(date +%s) - start)) s"
exit $status
