#!/usr/bin/env bash
# tests/slurm/sweep_format_job.sh CUSTSEG — one sweep.csv format for both sweep paths. The same
# 5000-row table, k = 2..5, the same options: `custseg sweep` (2 ranks, outside Slurm) and the
# array path (slurm/submit-sweep.sh --mem-per-cpu 256M -> sweep.sbatch per k -> sweep-collect.sbatch).
# Checks with /usr/bin/python3 + pandas: identical headers (custseg sweep's is the reference);
# both load with numeric (or bool) dtypes; the array path's stability and recommended are empty
# (NaN); k, inertia, iterations, converged and the quality columns equal each k's report.json;
# where both paths found the same fit (equal inertia to 10 digits) the quality metrics agree too.
set -euo pipefail
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

opts=(--seed 3 --n-init 3 --silhouette-sample 2000 --min-segment-size 50
  --transform 'recency_days:log1p,frequency:log1p,monetary:log1p,tenure_days:log1p,avg_basket:log1p')
log "generate 5000 rows; custseg sweep --k 2-5 (2 ranks)"
mpirun --oversubscribe -np 2 "$CUSTSEG_BIN" generate --rows 5000 --seed 1 --output "$work/t.h5" -q
mpirun --oversubscribe -np 2 "$CUSTSEG_BIN" sweep --k 2-5 --input "$work/t.h5" --output "$work/direct" "${opts[@]}" -q
expect_file "$work/direct/sweep.csv"

log "the array path: submit-sweep.sh --ks 2-5 --mem-per-cpu 256M --wait"
rc=0
ids=$(timeout "${CUSTSEG_SLURM_JOB_TIMEOUT:-300}" slurm/submit-sweep.sh --input "$work/t.h5" --output "$work/array" \
  --ks 2-5 --ntasks 2 --mem-per-cpu 256M --log-dir "$work/logs" --wait -- "${opts[@]}") || rc=$?
echo "$ids"
array_job=$(sed -n 's/^array_job=//p' <<<"$ids")
collect_job=$(sed -n 's/^collect_job=//p' <<<"$ids")
[[ -n $array_job ]] && our_jobs+=("$array_job")
[[ -n $collect_job ]] && our_jobs+=("$collect_job")
if ((rc != 0)); then
  for f in "$work"/logs/*; do echo "---- $f" >&2; cat "$f" >&2; done
  fail "submit-sweep.sh --wait exited $rc"
fi
[[ $(job_field "${array_job}_2" MinMemoryCPU) == 256M ]] || fail "array task ${array_job}_2: MinMemoryCPU is not 256M"
expect_file "$work/array/sweep.csv"
echo "--- custseg sweep:"; cat "$work/direct/sweep.csv"
echo "--- array path:"; cat "$work/array/sweep.csv"

/usr/bin/python3 - "$work/direct/sweep.csv" "$work/array/sweep.csv" "$work/array" <<'PY' || fail "the two sweep.csv files differ in format"
import json, math, sys
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

direct_path, array_path, array_dir = sys.argv[1:4]
head = lambda p: open(p, encoding="utf-8").readline().rstrip("\n")
assert head(direct_path) == head(array_path), (head(direct_path), head(array_path))
direct, array = pd.read_csv(direct_path), pd.read_csv(array_path, float_precision="round_trip")
assert list(direct.columns) == list(array.columns)
for name, frame in (("custseg sweep", direct), ("array path", array)):
    bad = {c: str(t) for c, t in frame.dtypes.items() if not is_numeric_dtype(t)}
    assert not bad, f"{name}: non-numeric columns {bad}"
    assert is_bool_dtype(frame["converged"]) and is_bool_dtype(frame["smallest_segment_suppressed"]), frame.dtypes
assert list(direct["k"]) == list(array["k"]) == [2, 3, 4, 5], (list(direct["k"]), list(array["k"]))
assert array["stability"].isna().all() and array["recommended"].isna().all(), array
assert direct["stability"].notna().all() and direct["recommended"].sum() == 1, direct
same_fit = 0
for _, row in array.iterrows():
    k = int(row["k"])
    r = json.load(open(f"{array_dir}/k={k}/report.json"))
    assert row["inertia"] == r["inertia"] and row["iterations"] == r["iterations"], (row, k)
    assert bool(row["converged"]) == r["converged"], (row, k)
    for c in ("calinski_harabasz", "davies_bouldin", "silhouette"):
        assert math.isclose(row[c], r["quality"][c], rel_tol=1e-15), (c, row[c], r["quality"][c])
    if not row["smallest_segment_suppressed"]:
        assert row["smallest_segment"] == min(s["count"] for s in r["segments"]), (row, k)
    d = direct[direct["k"] == k].iloc[0]
    if math.isclose(d["inertia"], row["inertia"], rel_tol=1e-9):
        same_fit += 1
        for c in ("calinski_harabasz", "davies_bouldin", "silhouette"):
            assert math.isclose(d[c], row[c], rel_tol=1e-8), (k, c, d[c], row[c])
        assert d["smallest_segment"] == row["smallest_segment"] or (
            d["smallest_segment_suppressed"] and row["smallest_segment_suppressed"]), (k, d, row)
print(f"headers identical; numeric dtypes in both; {same_fit} of {len(array)} k found the same fit in both paths "
      "and agree on every metric")
PY
log "PASS"
