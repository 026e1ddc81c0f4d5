#!/usr/bin/env bash
# slurm/pipeline.sh — submit the pipeline ingest -> segment as two chained jobs:
#   1. slurm/ingest.sbatch   transactions CSV -> WORKDIR/customers.h5
#   2. slurm/segment.sbatch  WORKDIR/customers.h5 -> WORKDIR/segment/ (results.h5, report.json,
#                            segments.csv), submitted with --dependency=afterok:<ingest job> and
#                            --kill-on-invalid-dep=yes (a failed ingest cancels it)
#
# Usage (from the repository root; relative paths are relative to it):
#   slurm/pipeline.sh --transactions data/online_retail.csv --workdir work/retail \
#     [--k K] [--seed S] [--ntasks N] [--ingest-config F] [--segment-config F] \
#     [--log-dir DIR] [--wait] [-- custseg segment options]
#   --transactions FILE.csv  input of custseg ingest (required)
#   --workdir DIR            where customers.h5 and segment/ go (required)
#   --k K, --seed S          for custseg segment (default: configs/segment.ini's)
#   --ntasks N               MPI ranks of the segment job (default: the template's, 2)
#   --ingest-config F        default configs/ingest-online-retail.ini (ingest.sbatch's default)
#   --segment-config F       default configs/segment.ini (segment.sbatch's default)
#   --log-dir DIR            write the job logs into DIR (default: the current directory)
#   --wait                   wait for the segment job; exit 0 only when it COMPLETED
#   -- ...                   further options for `custseg segment`, e.g. `-- --nan-policy drop`
#                            (ingested retail data has customers without purchases, whose
#                            recency is NaN)
# Prints `ingest_job=<id>` and `segment_job=<id>` on stdout.
#
# Environment: CUSTSEG_BIN, CUSTSEG_OVERWRITE, CUSTSEG_THREADS, LAUNCHER and LAUNCHER_ARGS pass
# through to both jobs (see the templates); sbatch's own input variables (SBATCH_PARTITION,
# SBATCH_TIMELIMIT, ...) apply to both submissions; SLURM_CONF selects the cluster. Any
# CUSTSEG_INPUT/OUTPUT/CONFIG/K/SEED/TRANSACTIONS in the caller's environment is ignored.
# shellcheck disable=SC2030,SC2031  # each job's variables are exported in its own $(...) on purpose
set -euo pipefail
me=pipeline.sh
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
die() { echo "$me: error: $*" >&2; exit 1; }

transactions="" workdir="" k="" seed="" ntasks="" ingest_config="" segment_config="" log_dir="" wait=0
while (($#)); do
  case $1 in
    --transactions) transactions=${2:?--transactions needs a value}; shift 2 ;;
    --workdir) workdir=${2:?--workdir needs a value}; shift 2 ;;
    --k) k=${2:?--k needs a value}; shift 2 ;;
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    --ntasks) ntasks=${2:?--ntasks needs a value}; shift 2 ;;
    --ingest-config) ingest_config=${2:?--ingest-config needs a value}; shift 2 ;;
    --segment-config) segment_config=${2:?--segment-config needs a value}; shift 2 ;;
    --log-dir) log_dir=${2:?--log-dir needs a value}; shift 2 ;;
    --wait) wait=1; shift ;;
    --) shift; break ;;
    -h | --help) awk 'NR == 1 { next } /^# shellcheck/ || !/^#/ { exit } { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown option '$1' (custseg segment options go after --)" ;;
  esac
done
[[ -n $transactions ]] || die "--transactions FILE.csv is required"
[[ -n $workdir ]] || die "--workdir DIR is required"
command -v sbatch >/dev/null || die "sbatch not found (is Slurm installed? scripts/slurm-cluster.sh start)"
mkdir -p -- "$workdir"
unset CUSTSEG_INPUT CUSTSEG_OUTPUT CUSTSEG_CONFIG CUSTSEG_K CUSTSEG_SEED CUSTSEG_TRANSACTIONS

ingest_opts=(--parsable)
segment_opts=(--parsable)
[[ -n $ntasks ]] && segment_opts+=("--ntasks=$ntasks")
if [[ -n $log_dir ]]; then
  mkdir -p -- "$log_dir"
  ingest_opts+=("--output=$log_dir/%x-%j.out")
  segment_opts+=("--output=$log_dir/%x-%j.out")
fi

ingest_job=$(
  export CUSTSEG_TRANSACTIONS=$transactions CUSTSEG_OUTPUT=$workdir/customers.h5
  [[ -z $ingest_config ]] || export CUSTSEG_CONFIG=$ingest_config
  sbatch "${ingest_opts[@]}" "$here/ingest.sbatch"
) || die "submitting the ingest job failed"
ingest_job=${ingest_job%%;*}
echo "ingest_job=$ingest_job"

segment_opts+=("--dependency=afterok:$ingest_job" --kill-on-invalid-dep=yes)
((wait)) && segment_opts+=(--wait)
rc=0
segment_job=$(
  export CUSTSEG_INPUT=$workdir/customers.h5 CUSTSEG_OUTPUT=$workdir/segment
  [[ -z $k ]] || export CUSTSEG_K=$k
  [[ -z $seed ]] || export CUSTSEG_SEED=$seed
  [[ -z $segment_config ]] || export CUSTSEG_CONFIG=$segment_config
  sbatch "${segment_opts[@]}" "$here/segment.sbatch" "$@"
) || rc=$?
segment_job=${segment_job%%;*}
[[ -n $segment_job ]] || die "submitting the segment job failed"
echo "segment_job=$segment_job"
((wait)) || exit 0

# sbatch --wait exits with the job's status, but 0 for a job cancelled because its dependency
# failed (DependencyNeverSatisfied), so the final state decides.
state=$(scontrol show job -o "$segment_job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2) || state=""
if [[ $rc -ne 0 || $state != COMPLETED ]]; then
  echo "$me: error: the pipeline failed: segment job $segment_job ended ${state:-in an unknown state}" \
    "(sbatch --wait exit $rc); see the logs of jobs $ingest_job and $segment_job" >&2
  ((rc != 0)) || rc=1
  exit "$rc"
fi
echo "$me: done; report $workdir/segment/report.json"
