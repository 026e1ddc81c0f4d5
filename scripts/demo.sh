#!/usr/bin/env bash
# The demo: install and build, write a sample customer table, segment it on 4 MPI ranks and
# show the segments. Outputs go to ${DEMO_DIR:-out/demo}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
dir=${DEMO_DIR:-out/demo}
ranks=${DEMO_RANKS:-4}
mkdir -p "$dir"
mpirun --oversubscribe -np "$ranks" build/custseg generate --config configs/generate.ini \
  --output "$dir/customers.h5" --overwrite
# The generated table's skewed counts and amounts segment better on a log scale.
mpirun --oversubscribe -np "$ranks" build/custseg segment --config configs/segment.ini \
  --transform 'recency_days:log1p,frequency:log1p,monetary:log1p,tenure_days:log1p,avg_basket:log1p' \
  --input "$dir/customers.h5" --output "$dir/segments" --overwrite
echo
echo "demo: customer table  $dir/customers.h5"
echo "demo: results         $dir/segments/results.h5  (h5dump -H to browse)"
echo "demo: reports         $dir/segments/report.json, $dir/segments/segments.csv"
[[ -f "$dir/segments/report.html" ]] && echo "demo: HTML report     $dir/segments/report.html"
exit 0
