#!/usr/bin/env bash
# tests/slurm/segment_job.sh CUSTSEG — users' path through Slurm: generate a small table with
# slurm/generate.sbatch, then segment it with slurm/segment.sbatch (2 tasks, k=4) under both
# launchers (srun --mpi=pmix when available, and mpirun), each with `sbatch --wait`.
# Checks: every job COMPLETED with exit 0 (`scontrol show job`; there is no accounting, so no
# sacct), results.h5, report.json and segments.csv exist, report.json has k=4, inertia and
# iterations, and both launchers give the same inertia and iterations (same input, seed, ranks).
set -euo pipefail
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

rows=20000 k=4 seed=7

log "generate $rows rows"
CUSTSEG_ROWS=$rows CUSTSEG_SEED=42 CUSTSEG_OUTPUT=$work/customers.h5 \
  submit_wait slurm/generate.sbatch
expect_completed
expect_file "$work/customers.h5"

launchers=(mpirun)
if pmix_available; then
  launchers=(srun mpirun)
else
  log "note: srun --mpi=list offers no pmix; testing the mpirun fallback only"
fi

declare -A inertia=() iterations=()
for launcher in "${launchers[@]}"; do
  out=$work/segment-$launcher
  log "segment k=$k with 2 tasks via $launcher"
  LAUNCHER=$launcher CUSTSEG_INPUT=$work/customers.h5 CUSTSEG_OUTPUT=$out CUSTSEG_K=$k \
    CUSTSEG_SEED=$seed submit_wait --ntasks=2 slurm/segment.sbatch
  expect_completed
  grep -q "launcher $launcher" "$JOB_LOG" || fail "log $JOB_LOG does not say 'launcher $launcher'"
  [[ $(job_field "$JOB_ID" NumTasks) == 2 ]] || fail "job $JOB_ID: NumTasks is not 2"
  for f in results.h5 report.json segments.csv; do expect_file "$out/$f"; done
  got_k=$(json_get "$out/report.json" k)
  [[ $got_k == "$k" ]] || fail "$out/report.json: k is $got_k, expected $k"
  inertia[$launcher]=$(json_get "$out/report.json" inertia)
  iterations[$launcher]=$(json_get "$out/report.json" iterations)
  log "  report: k=$got_k inertia=${inertia[$launcher]} iterations=${iterations[$launcher]}"
done

if ((${#launchers[@]} == 2)); then
  [[ ${inertia[srun]} == "${inertia[mpirun]}" && ${iterations[srun]} == "${iterations[mpirun]}" ]] \
    || fail "srun and mpirun runs differ: inertia ${inertia[srun]} vs ${inertia[mpirun]}," \
      "iterations ${iterations[srun]} vs ${iterations[mpirun]}"
fi
# The templates work on any table (issue 13): Mall Customers' own columns, given on the sbatch
# line, with the default configs/segment.ini (whose example transforms name the generated table's
# columns) and no --transform. A clone without the shared datasets uses a table of the same shape.
mall_csv=${CUSTSEG_SHARED_DATA:-/nonexistent}/mall-customers/Mall_Customers.csv
if [[ ! -r $mall_csv ]]; then
  mall_csv=$work/mall.csv
  { echo 'CustomerID,Genre,Age,Annual Income (k$),Spending Score (1-100)'
    for i in $(seq 1 200); do echo "$i,Female,$((18 + i % 50)),$((15 + i * 7 % 120)),$((1 + i * 37 % 99))"; done
  } >"$mall_csv"
fi
log "segment $mall_csv's own columns with slurm/segment.sbatch"
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$CUSTSEG_BIN" ingest -q --table "$mall_csv" \
  --id-column CustomerID --output "$work/mall.h5" || fail "ingest of $mall_csv failed"
submit_wait --ntasks=2 slurm/segment.sbatch --input "$work/mall.h5" --output "$work/segment-mall" --k 5 \
  --features 'Annual Income (k$),Spending Score (1-100)'
expect_completed
for f in results.h5 report.json segments.csv; do expect_file "$work/segment-mall/$f"; done
[[ $(json_get "$work/segment-mall/report.json" k) == 5 ]] || fail "the Mall run's report.json does not say k=5"
log "PASS"
