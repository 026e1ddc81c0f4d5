#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what it lacks, builds, runs ctest.
#   scripts/test.sh            everything (unit, mpi at 1-4 ranks, integration, slurm, browser, bench smoke)
#   scripts/test.sh -L unit    any extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
