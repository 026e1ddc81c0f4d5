#!/usr/bin/env bash
# CDNOW (Fader & Hardie's CD retailer log, 69,659 purchases of 23,570 customers, 1997-1998):
# ingest with the papers' 39-week calibration period, then segment with customer lifetime value
# (segment --clv: BG/NBD and gamma-gamma per customer and per segment, the calibration chart).
# Writes OUT/customers.h5, OUT/segments/ (report.html first) and OUT/calibration.svg, the chart
# on its own (the README shows it). Environment: CUSTSEG_BUILD_DIR, DEMO_DATA, DEMO_DIR, DEMO_RANKS.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CUSTSEG_BUILD_DIR:-build}
if [[ -z "${CUSTSEG_BUILD_DIR:-}" ]]; then
  scripts/setup.sh  # installs what is missing and builds incrementally: build/custseg is never stale
fi
[[ -x "$build/custseg" ]] || { echo "demo: $build/custseg not found" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
shared=${CUSTSEG_SHARED_DATA:-../shared/data}
[[ -d $shared ]] || shared=/work/shared/data
data=${DEMO_DATA:-$shared/cdnow/CDNOW_master.txt}
dir=${DEMO_DIR:-out/demo-cdnow}
ranks=${DEMO_RANKS:-2}
[[ -f "$data" ]] || { echo "demo: $data not found (set DEMO_DATA)" >&2; exit 3; }
mkdir -p "$dir"

mpirun --oversubscribe -np "$ranks" "$build/custseg" ingest --config configs/ingest-cdnow.ini \
  --transactions "$data" --calibration-end 1997-09-30 --output "$dir/customers.h5" --overwrite
echo
# 68 customers bought only for $0 in the calibration period: no RFM features, dropped from the
# segments (they stay in the CLV fits, which count purchase days).
mpirun --oversubscribe -np "$ranks" "$build/custseg" segment --input "$dir/customers.h5" \
  --output "$dir/segments" --k 4 --seed 1 --features recency_days,invoices,monetary \
  --transform "recency_days:log1p,invoices:log1p,monetary:log1p" --nan-policy drop \
  --clv --horizon 39 --discount-rate 0.0018 --overwrite \
  | grep -v -E '^\[custseg .*(iteration|restart) '
/usr/bin/python3 scripts/extract_chart.py "$dir/segments/report.html" chart-calibration "$dir/calibration.svg"
echo
echo "demo: report           $dir/segments/report.html (open in a browser)"
echo "demo: calibration      $dir/calibration.svg"
