#!/usr/bin/env bash
# Wall time and peak memory per rank of `custseg compare` on two generated periods.
# usage: scripts/bench-compare.sh [--build build] [--rows 2000000] [--ranks 2] [--dir /tmp/bench-compare]
# Makes the periods with tests/integration/compare_periods.py (10% of the customers dropped in A,
# 15% in B, 1/8 new in B, rows shuffled, behaviour moved), segments both (k 6 and 7), then runs
# compare under /usr/bin/time -v on every rank; prints the job's own figures (report.json) too.
set -euo pipefail
build=build rows=2000000 ranks=2 dir=/tmp/bench-compare
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;; --rows) rows=$2; shift 2 ;; --ranks) ranks=$2; shift 2 ;; --dir) dir=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
mpi=(mpirun --oversubscribe --allow-run-as-root -np "$ranks")
mkdir -p "$dir"
"${mpi[@]}" "$build/custseg" generate --rows "$rows" --seed 11 --output "$dir/base.h5" --overwrite -q
/usr/bin/python3 "$here/tests/integration/compare_periods.py" make "$dir/base.h5" "$dir/a.h5" "$dir/b.h5"
"${mpi[@]}" "$build/custseg" segment --input "$dir/a.h5" --output "$dir/run-a" --k 6 --nan-policy drop --overwrite -q
"${mpi[@]}" "$build/custseg" segment --input "$dir/b.h5" --output "$dir/run-b" --k 7 --nan-policy drop --overwrite -q
"${mpi[@]}" /usr/bin/time -f "rank wall %e s, peak RSS %M KiB" "$build/custseg" compare \
  --previous "$dir/run-a/results.h5" --current "$dir/run-b/results.h5" --output "$dir/compare" \
  --previous-input "$dir/a.h5" --current-input "$dir/b.h5" --overwrite
/usr/bin/python3 -c "import json,sys; t=json.load(open(sys.argv[1]))['timing']; print('report.json timing:', t)" \
  "$dir/compare/report.json"
