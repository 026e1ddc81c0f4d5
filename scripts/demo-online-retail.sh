#!/usr/bin/env bash
# The second demo: real transactions in, RFM segments out. Ingests the UCI Online Retail log
# (541,909 line items) into a customer table, prints the data-quality summary, segments the
# customers on recency, invoice count (frequency) and monetary value (log1p: all three are heavily
# skewed) with customer lifetime value per segment (--clv), and shows the segments. Outputs go to
# ${DEMO_DIR:-out/demo-online-retail}.
#   DEMO_RANKS=4 scripts/demo-online-retail.sh      (default 2 ranks)
#   CUSTSEG_BUILD_DIR=my-build scripts/demo-online-retail.sh   (use an existing build, skip setup)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CUSTSEG_BUILD_DIR:-build}
if [[ -z "${CUSTSEG_BUILD_DIR:-}" ]]; then
  # Installs what is missing and builds incrementally, so build/custseg is never stale.
  if [[ -x scripts/setup.sh ]]; then
    scripts/setup.sh
  else
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCUSTSEG_BUILD_TESTS=OFF >/dev/null
    cmake --build build -j"$(nproc)" --target custseg
  fi
fi
[[ -x "$build/custseg" ]] || { echo "demo: $build/custseg not found" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
shared=${CUSTSEG_SHARED_DATA:-../shared/data}
[[ -d $shared ]] || shared=/work/shared/data
data=${DEMO_DATA:-$shared/online-retail/online_retail.csv}
dir=${DEMO_DIR:-out/demo-online-retail}
ranks=${DEMO_RANKS:-2}
[[ -f "$data" ]] || { echo "demo: $data not found (set DEMO_DATA)" >&2; exit 3; }
mkdir -p "$dir"

# --calibration-end adds the CLV models' columns (docs/clv.md): purchases to 2011-06-30 calibrate
# BG/NBD and gamma-gamma, the 23 weeks after it check them (the calibration chart).
mpirun --oversubscribe -np "$ranks" "$build/custseg" ingest --config configs/ingest-online-retail.ini \
  --transactions "$data" --calibration-end 2011-06-30 --output "$dir/customers.h5" --overwrite

# Customers without a purchase (NaN recency) or with net returns (monetary < 0, log1p undefined)
# are dropped by --nan-policy drop and counted in the report.
echo
mpirun --oversubscribe -np "$ranks" "$build/custseg" segment --input "$dir/customers.h5" \
  --output "$dir/segments" --k 4 --seed 1 --features recency_days,invoices,monetary \
  --transform "recency_days:log1p,invoices:log1p,monetary:log1p" --nan-policy drop \
  --clv --horizon 26 --overwrite \
  | grep -v -E '^\[custseg .*(iteration|restart) '  # keep the summary, skip per-iteration lines
echo
echo "demo: customer table   $dir/customers.h5  (h5dump -H to browse)"
echo "demo: quality report   $dir/customers.h5.quality.json"
echo "demo: segments         $dir/segments/segments.csv, $dir/segments/report.json"
