#!/usr/bin/env bash
# tests/slurm/sweep_job.sh CUSTSEG — the k sweep as users submit it: slurm/submit-sweep.sh
# submits slurm/sweep.sbatch as a job array (k = 2..5, 2 tasks each) and slurm/sweep-collect.sbatch
# with --dependency=afterok on the array, and waits for the collect job.
# Checks: submit-sweep.sh exits 0; every array task COMPLETED and wrote k=<k>/report.json; the
# collect job started only after the last array task ended; sweep.csv has custseg sweep's header
# (`k,inertia,iterations,converged,...,recommended`) plus exactly one line per k, sorted by k, with
# inertia and iterations that match each k's report.json (sweep_format_job.sh checks the rest).
set -euo pipefail
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

k_min=2 k_max=5

log "generate 20000 rows"
CUSTSEG_ROWS=20000 CUSTSEG_SEED=42 CUSTSEG_OUTPUT=$work/customers.h5 submit_wait slurm/generate.sbatch
expect_completed

log "sweep k=$k_min..$k_max"
rc=0
ids=$(timeout "${CUSTSEG_SLURM_JOB_TIMEOUT:-300}" slurm/submit-sweep.sh --input "$work/customers.h5" \
  --output "$work/sweep" --k-min $k_min --k-max $k_max --seed 7 --ntasks 2 --log-dir "$work/logs" \
  --wait) || rc=$?
echo "$ids"
array_job=$(sed -n 's/^array_job=//p' <<<"$ids")
collect_job=$(sed -n 's/^collect_job=//p' <<<"$ids")
[[ -n $array_job ]] && our_jobs+=("$array_job")
[[ -n $collect_job ]] && our_jobs+=("$collect_job")
if ((rc != 0)); then
  for f in "$work"/logs/*; do echo "---- $f" >&2; cat "$f" >&2; done
  fail "submit-sweep.sh --wait exited $rc"
fi
[[ -n $array_job && -n $collect_job ]] || fail "submit-sweep.sh did not print both job ids"
[[ $(job_field "$collect_job" JobState) == COMPLETED ]] || fail "collect job $collect_job did not complete"

# Every array task: COMPLETED, and it ended no later than the collect job started (afterok).
collect_start=$(job_field "$collect_job" StartTime)
tasks=0
while read -r rec; do
  [[ -n $rec ]] || continue
  state=$(tr ' ' '\n' <<<"$rec" | sed -n 's/^JobState=//p')
  task=$(tr ' ' '\n' <<<"$rec" | sed -n 's/^ArrayTaskId=//p')
  end=$(tr ' ' '\n' <<<"$rec" | sed -n 's/^EndTime=//p')
  [[ $state == COMPLETED ]] || fail "array task ${array_job}_$task is $state"
  [[ ! $end > $collect_start ]] || fail "collect job started ($collect_start) before task $task ended ($end)"
  tasks=$((tasks + 1))
done < <(scontrol show job -o "$array_job")
((tasks == k_max - k_min + 1)) || fail "array job $array_job has $tasks tasks, expected $((k_max - k_min + 1))"

csv=$work/sweep/sweep.csv
expect_file "$csv"
cat "$csv"
header=k,inertia,iterations,converged,calinski_harabasz,davies_bouldin,silhouette,stability,smallest_segment,smallest_segment_suppressed,recommended
[[ $(head -n 1 "$csv") == "$header" ]] || fail "$csv: bad header '$(head -n 1 "$csv")'"
lines=$(($(wc -l <"$csv") - 1))
((lines == k_max - k_min + 1)) || fail "$csv has $lines data lines, expected $((k_max - k_min + 1))"
expected_ks=$(seq $k_min $k_max | paste -sd,)
got_ks=$(tail -n +2 "$csv" | cut -d, -f1 | paste -sd,)
[[ $got_ks == "$expected_ks" ]] || fail "$csv: k column is $got_ks, expected $expected_ks"
/usr/bin/python3 - "$csv" "$work/sweep" <<'PY' || fail "$csv does not match the reports"
import csv, json, math, sys
path, sweep = sys.argv[1], sys.argv[2]
for row in csv.DictReader(open(path)):
    k, inertia, iterations = int(row["k"]), float(row["inertia"]), int(row["iterations"])
    report = json.load(open(f"{sweep}/k={k}/report.json"))
    assert math.isfinite(inertia) and inertia >= 0, row
    assert inertia == float(report["inertia"]) and iterations == int(report["iterations"]), (row, report)
PY
log "PASS"
