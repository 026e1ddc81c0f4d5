#!/usr/bin/env bash
# tests/slurm/pipeline_job.sh CUSTSEG — the ingest -> segment pipeline as users submit it:
# slurm/pipeline.sh --wait with the first 20000 transactions of the UCI Online Retail CSV, k=4 on
# 2 tasks (with --nan-policy drop passed through to segment: customers without purchases
# have no recency). Checks: pipeline.sh exits 0; the ingest job and the segment job (submitted with
# --dependency=afterok on it) both COMPLETED and the segment job started after ingest ended;
# customers.h5, segment/results.h5, segment/report.json (k=4) and segment/segments.csv exist.
# Skipped (exit 77) until `custseg ingest --help` works, when configs/ingest-online-retail.ini is
# missing, or when the data set is not there ($CUSTSEG_SHARED_DATA, default <repo>/../shared/data,
# file online-retail/online_retail.csv).
set -euo pipefail
# shellcheck source=common.sh source-path=SCRIPTDIR
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

skip() {
  echo "[$me] SKIP: $*" >&2
  exit 77
}
"$CUSTSEG_BIN" ingest --help >/dev/null 2>&1 || skip "this custseg has no working 'ingest' job yet"
[[ -r configs/ingest-online-retail.ini ]] || skip "configs/ingest-online-retail.ini is missing"
data=${CUSTSEG_SHARED_DATA:-$repo/../shared/data}/online-retail/online_retail.csv
[[ -r $data ]] || skip "no $data"

head -n 20001 "$data" >"$work/transactions.csv"
rc=0
ids=$(timeout "${CUSTSEG_SLURM_JOB_TIMEOUT:-300}" slurm/pipeline.sh --transactions "$work/transactions.csv" \
  --workdir "$work/pipeline" --k 4 --seed 7 --ntasks 2 --log-dir "$work/logs" --wait \
  -- --nan-policy drop) || rc=$?
echo "$ids"
ingest_job=$(sed -n 's/^ingest_job=//p' <<<"$ids")
segment_job=$(sed -n 's/^segment_job=//p' <<<"$ids")
[[ -n $ingest_job ]] && our_jobs+=("$ingest_job")
[[ -n $segment_job ]] && our_jobs+=("$segment_job")
if ((rc != 0)); then
  for f in "$work"/logs/*; do echo "---- $f" >&2; cat "$f" >&2; done
  fail "pipeline.sh --wait exited $rc"
fi
[[ -n $ingest_job && -n $segment_job ]] || fail "pipeline.sh did not print both job ids"
for j in "$ingest_job" "$segment_job"; do
  [[ $(job_field "$j" JobState) == COMPLETED ]] || fail "job $j is $(job_field "$j" JobState)"
done
ingest_end=$(job_field "$ingest_job" EndTime)
segment_start=$(job_field "$segment_job" StartTime)
[[ ! $ingest_end > $segment_start ]] || fail "segment started ($segment_start) before ingest ended ($ingest_end)"
expect_file "$work/pipeline/customers.h5"
for f in results.h5 report.json segments.csv; do expect_file "$work/pipeline/segment/$f"; done
got_k=$(json_get "$work/pipeline/segment/report.json" k)
[[ $got_k == 4 ]] || fail "report.json: k is $got_k, expected 4"
log "PASS"
