#!/usr/bin/env bash
# tests/slurm/failing_job.sh CUSTSEG — failures reach the user: slurm/segment.sbatch with an input
# file that does not exist must end FAILED with a non-zero `sbatch --wait` status under each
# launcher, and its log must hold custseg's error message ("error:" and the missing file's name).
# Then slurm/pipeline.sh with a missing transactions file: the ingest job fails, the segment job
# that depends on it (afterok) is cancelled, and `pipeline.sh --wait` exits non-zero.
set -euo pipefail
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

missing=$work/no-such-input-$$.h5
launchers=(mpirun)
pmix_available && launchers=(srun mpirun)

for launcher in "${launchers[@]}"; do
  log "segment with missing input via $launcher"
  LAUNCHER=$launcher CUSTSEG_INPUT=$missing CUSTSEG_OUTPUT=$work/out-$launcher CUSTSEG_K=4 \
    CUSTSEG_SEED=7 submit_wait --ntasks=2 slurm/segment.sbatch
  ((JOB_RC != 0)) || fail "sbatch --wait exited 0 for a segment job with a missing input"
  [[ $JOB_STATE == FAILED ]] || fail "job $JOB_ID is $JOB_STATE, expected FAILED"
  [[ $(job_field "$JOB_ID" ExitCode) != 0:0 ]] || fail "job $JOB_ID has ExitCode 0:0"
  expect_file "$JOB_LOG"
  if ! grep 'error:' "$JOB_LOG" | grep -qF "$(basename -- "$missing")"; then
    sed 's/^/    | /' "$JOB_LOG" >&2
    fail "log $JOB_LOG has no line with 'error:' and $(basename -- "$missing")"
  fi
  log "  log has: $(grep 'error:' "$JOB_LOG" | grep -F "$(basename -- "$missing")" | head -n 1)"
  [[ ! -e $work/out-$launcher/report.json ]] || fail "a failed run wrote report.json"
done

log "pipeline with a missing transactions file"
rc=0
ids=$(timeout "${CUSTSEG_SLURM_JOB_TIMEOUT:-300}" slurm/pipeline.sh \
  --transactions "$work/no-such-transactions.csv" --workdir "$work/pipeline" --k 4 --seed 7 \
  --log-dir "$work/logs" --wait) || rc=$?
echo "$ids"
ingest_job=$(sed -n 's/^ingest_job=//p' <<<"$ids")
segment_job=$(sed -n 's/^segment_job=//p' <<<"$ids")
[[ -n $ingest_job && -n $segment_job ]] || fail "pipeline.sh did not print both job ids"
our_jobs+=("$ingest_job" "$segment_job")
((rc != 0)) || fail "pipeline.sh --wait exited 0 although ingest failed"
[[ $(job_field "$ingest_job" JobState) == FAILED ]] || fail "ingest job $ingest_job is not FAILED"
state=$(job_field "$segment_job" JobState)
reason=$(job_field "$segment_job" Reason)
[[ $state == CANCELLED ]] || fail "segment job $segment_job is $state, expected CANCELLED"
log "  segment job $segment_job: $state ($reason)"
[[ ! -e $work/pipeline/segment/report.json ]] || fail "the segment step ran although ingest failed"
log "PASS"
