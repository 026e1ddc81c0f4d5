#!/usr/bin/env bash
# Installs what custseg needs (Debian packages, as root) and builds it into build/.
#   scripts/setup.sh            runtime + build dependencies, then build
#   scripts/setup.sh --tests    also what the test suite needs (GoogleTest, Slurm, Chromium, peers)
# Safe to re-run: installs only what is missing, rebuilds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools
          libboost-program-options-dev libeigen3-dev libtbb-dev nlohmann-json3-dev
          libssl-dev libnlopt-dev)
build_tests=OFF
if [[ "${1:-}" == "--tests" ]]; then
  build_tests=ON
  packages+=(googletest libgtest-dev)
  # Extra packages needed by parts of the suite (Slurm cluster, browser report test, peer benchmarks).
  if [[ -f scripts/test-packages.txt ]]; then
    while read -r p; do [[ -n "$p" && "$p" != \#* ]] && packages+=("$p"); done < scripts/test-packages.txt
  fi
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then echo "setup: run as root to install packages (apt-get)" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCUSTSEG_BUILD_TESTS=${build_tests} >/dev/null
cmake --build build -j"$(nproc)"
echo "setup: built build/custseg"
