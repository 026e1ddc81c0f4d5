#!/usr/bin/env bash
# tests/slurm/checkpoint_job.sh CUSTSEG — preemption through Slurm (docs/checkpoint-resume.md):
# slurm/segment.sbatch submitted with --requeue (under srun when pmix is offered, and mpirun); mid-fit `scancel --signal=USR1 --batch JOBID`
# (what `#SBATCH --signal=B:USR1@120` does before the time limit). The batch shell forwards the
# signal to the launcher, custseg writes OUTPUT/checkpoint.h5 and exits 75, the script requeues
# the job, the requeued start adds --resume, and the job COMPLETES with results bitwise identical
# (every /assignments, /model, /segments dataset) to an uninterrupted run, without a checkpoint
# left. CUSTSEG_TEST_ITERATION_DELAY_MS (tests only) slows the iterations so the signal lands mid-fit.
set -euo pipefail
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# The same options as the job: configs/segment.ini (which the template reads) and these.
opts=(--n-init 2 --max-iter 60 --tol 0 --silhouette-sample 0)
k=6 seed=3

log "generate 6000 rows and an uninterrupted reference run (2 ranks, outside Slurm)"
mpirun --oversubscribe -np 2 "$CUSTSEG_BIN" generate --rows 6000 --seed 11 --output "$work/customers.h5" >/dev/null
mpirun --oversubscribe -np 2 "$CUSTSEG_BIN" segment --config configs/segment.ini --input "$work/customers.h5" --output "$work/reference" \
  --k $k --seed $seed "${opts[@]}" >/dev/null

launchers=(mpirun)
if pmix_available; then launchers=(srun mpirun); fi
for launcher in "${launchers[@]}"; do
  out=$work/segment-$launcher
  JOB_ID=$(LAUNCHER=$launcher CUSTSEG_INPUT=$work/customers.h5 CUSTSEG_OUTPUT=$out CUSTSEG_K=$k CUSTSEG_SEED=$seed \
    CUSTSEG_TEST_ITERATION_DELAY_MS=150 \
    sbatch --parsable --requeue --open-mode=append --ntasks=2 --output="$work/logs/%x-%j.out" slurm/segment.sbatch "${opts[@]}")
  JOB_ID=${JOB_ID%%;*}
  our_jobs+=("$JOB_ID")
  log "submitted job $JOB_ID (launcher $launcher)"

  # Wait until the fit is well under way (rank 0 logged iteration 3 of restart 2, which runs ~40
  # iterations of 150 ms), then signal the batch shell. Not restart 1: it converges at iteration
  # 5, and a signal that lands in the converging iteration stops the job before restart 2 without
  # a checkpoint (correct, but then the requeued start starts over: CI saw that race).
  job_log=$work/logs/custseg-segment-$JOB_ID.out
  in_restart2() { awk '/restart 2 of 2/ {r = 1} r && /iteration +([3-9]|[1-9][0-9]) / {found = 1} END {exit !found}' "$job_log" 2>/dev/null; }
  for _ in $(seq 1 600); do
    in_restart2 && break
    sleep 0.1
  done
  in_restart2 || fail "job $JOB_ID never reached iteration 3 of restart 2: $(cat "$job_log" 2>&1)"
  log "job $JOB_ID at iteration 3 of restart 2: scancel --signal=USR1 --batch"
  scancel --signal=USR1 --batch "$JOB_ID"

  # The job checkpoints, requeues itself, restarts with --resume and completes.
  # Slurm makes a requeued job eligible only ~2 minutes later (EligibleTime); the test moves its
  # start to now to stay fast (the requeue itself is what is tested), but only after the job has
  # been pending 10 s: started while the node still cleans up the first run, the new step can be
  # killed by that cleanup ("aborted before step completely launched").
  state= pending=0
  for _ in $(seq 1 240); do
    state=$(job_field "$JOB_ID" JobState)
    [[ $state == COMPLETED || $state == FAILED || $state == CANCELLED || $state == TIMEOUT ]] && break
    if [[ $state == PENDING && $(job_field "$JOB_ID" Restarts) -ge 1 ]]; then
      pending=$((pending + 1))
      ((pending == 10)) && scontrol update JobId="$JOB_ID" StartTime=now
    fi
    sleep 1
  done
  restarts=$(job_field "$JOB_ID" Restarts)
  log "job $JOB_ID: $state, restarts $restarts"
  show_log() { sed 's/^/    | /' "$job_log" >&2; }
  [[ $state == COMPLETED ]] || { show_log; fail "job $JOB_ID ended $state, expected COMPLETED"; }
  [[ ${restarts:-0} -ge 1 ]] || { show_log; fail "job $JOB_ID was not requeued (Restarts=$restarts)"; }
  grep -q "adding --resume" "$job_log" || { show_log; fail "the requeued start did not add --resume"; }
  grep -q "checkpoint: resuming" "$job_log" || { show_log; fail "custseg did not resume from the checkpoint"; }
  [[ ! -e $out/checkpoint.h5 ]] || fail "checkpoint.h5 left after the outputs were complete"

  /usr/bin/python3 - "$work/reference/results.h5" "$out/results.h5" <<'PY' || fail "resumed results differ from the uninterrupted run"
import sys
import h5py
import numpy as np

def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and name.split("/")[0] in ("assignments", "model", "segments"):
                out[name] = np.asarray(obj[()])
        f.visititems(visit)
        for a in ("inertia", "iterations", "converged", "k"):
            out["model@" + a] = np.asarray(f["model"].attrs[a])
    return out

ref, got = datasets(sys.argv[1]), datasets(sys.argv[2])
assert sorted(ref) == sorted(got), sorted(set(ref) ^ set(got))
bad = [n for n in ref if ref[n].dtype.kind != "O" and (ref[n].dtype != got[n].dtype or ref[n].tobytes() != got[n].tobytes())
       or ref[n].dtype.kind == "O" and list(ref[n].ravel()) != list(got[n].ravel())]
assert not bad, bad
print(f"{len(ref)} datasets/attributes bitwise identical")
PY
done
log "PASS"
