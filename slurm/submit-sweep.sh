#!/usr/bin/env bash
# slurm/submit-sweep.sh — submit a k sweep: the job array slurm/sweep.sbatch (one k per array
# task, output DIR/k=<k>), then slurm/sweep-collect.sbatch with --dependency=afterok:<array job>
# (and --kill-on-invalid-dep=yes, so a failed k cancels the collect job instead of leaving it
# pending forever). The collect job writes DIR/sweep.csv with the columns of `custseg sweep`'s
# sweep.csv, sorted by k (stability and recommended left empty: see slurm/sweep-collect.sbatch).
#
# Usage (from the repository root; relative paths are relative to it):
#   slurm/submit-sweep.sh --input data/customers.h5 --output out/sweep --k-min 2 --k-max 8 \
#     [--seed S] [--ntasks N] [--nodes N --ntasks-per-node M] [--mem SIZE | --mem-per-cpu SIZE]
#     [--max-parallel P] [--log-dir DIR] [--wait] [-- custseg options]
#   --input FILE.h5     input table (or CUSTSEG_INPUT)
#   --output DIR        sweep directory (or CUSTSEG_OUTPUT; required)
#   --k-min/--k-max     k range (default 2 and 8); or --ks SPEC in sbatch --array syntax
#                       ("2-10:2", "3,5,9")
#   --seed S            the seed for every k (or CUSTSEG_SEED)
#   --ntasks N          MPI ranks per k (default: the template's, 2)
#   --nodes N, --ntasks-per-node M   the layout of each k's job (N x M ranks; see sweep.sbatch)
#   --mem SIZE, --mem-per-cpu SIZE   memory of each k's job (one of the two; sizing in
#                       sweep.sbatch; CUSTSEG_MEMORY_LIMIT=auto streams within it). The collect
#                       job gets the site's default.
#   --max-parallel P    run at most P array tasks at once (--array=SPEC%P)
#   --log-dir DIR       write the job logs into DIR (default: the templates' --output, i.e. the
#                       current directory)
#   --wait              wait for the collect job; exit with its status (non-zero when any k or
#                       the collect job failed)
#   -- ...              further options for every `custseg segment` (not --k or --output)
# Prints `array_job=<id>` and `collect_job=<id>` on stdout.
#
# Environment: everything slurm/sweep.sbatch and slurm/sweep-collect.sbatch honour (CUSTSEG_BIN,
# CUSTSEG_CONFIG, CUSTSEG_THREADS, CUSTSEG_OVERWRITE, CUSTSEG_MEMORY_LIMIT, LAUNCHER, LAUNCHER_ARGS,
# CUSTSEG_SWEEP_CSV)
# is passed through to the jobs; sbatch's own input variables (SBATCH_PARTITION,
# SBATCH_TIMELIMIT, SBATCH_ACCOUNT, ...) apply to both submissions; SLURM_CONF selects the cluster.
set -euo pipefail
me=submit-sweep.sh
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
die() { echo "$me: error: $*" >&2; exit 1; }

k_min=2 k_max=8 ks="" ntasks="" max_parallel="" log_dir="" wait=0 layout=()
while (($#)); do
  case $1 in
    --input) export CUSTSEG_INPUT=${2:?--input needs a value}; shift 2 ;;
    --output) export CUSTSEG_OUTPUT=${2:?--output needs a value}; shift 2 ;;
    --k-min) k_min=${2:?--k-min needs a value}; shift 2 ;;
    --k-max) k_max=${2:?--k-max needs a value}; shift 2 ;;
    --ks) ks=${2:?--ks needs a value}; shift 2 ;;
    --seed) export CUSTSEG_SEED=${2:?--seed needs a value}; shift 2 ;;
    --ntasks) ntasks=${2:?--ntasks needs a value}; shift 2 ;;
    --nodes | --ntasks-per-node | --mem | --mem-per-cpu) layout+=("$1=${2:?$1 needs a value}"); shift 2 ;;
    --max-parallel) max_parallel=${2:?--max-parallel needs a value}; shift 2 ;;
    --log-dir) log_dir=${2:?--log-dir needs a value}; shift 2 ;;
    --wait) wait=1; shift ;;
    --) shift; break ;;
    -h | --help) awk 'NR == 1 { next } /^# shellcheck/ || !/^#/ { exit } { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown option '$1' (custseg options go after --)" ;;
  esac
done
[[ -n ${CUSTSEG_OUTPUT:-} ]] || die "--output DIR (or CUSTSEG_OUTPUT) is required"
command -v sbatch >/dev/null || die "sbatch not found (is Slurm installed? scripts/slurm-cluster.sh start)"
if [[ -z $ks ]]; then
  [[ $k_min =~ ^[0-9]+$ && $k_max =~ ^[0-9]+$ ]] || die "--k-min and --k-max must be integers"
  ((k_min <= k_max)) || die "--k-min ($k_min) is greater than --k-max ($k_max)"
  ks=$k_min-$k_max
fi
[[ $ks =~ ^[0-9,:-]+$ ]] || die "--ks '$ks' is not in sbatch --array syntax"
export CUSTSEG_SWEEP_KS=$ks
array=$ks
[[ -n $max_parallel ]] && array+="%$max_parallel"

sweep_opts=(--parsable "--array=$array")
collect_opts=(--parsable)
[[ -n $ntasks ]] && sweep_opts+=("--ntasks=$ntasks")
sweep_opts+=("${layout[@]}")
if [[ -n $log_dir ]]; then
  mkdir -p -- "$log_dir"
  sweep_opts+=("--output=$log_dir/%x-%A_%a.out")
  collect_opts+=("--output=$log_dir/%x-%j.out")
fi

array_job=$(sbatch "${sweep_opts[@]}" "$here/sweep.sbatch" "$@") || die "submitting the sweep array failed"
array_job=${array_job%%;*}
echo "array_job=$array_job"
collect_opts+=("--dependency=afterok:$array_job" --kill-on-invalid-dep=yes)
if ((wait)); then
  # sbatch --wait exits with the job's status, but 0 for a job cancelled because its dependency
  # failed (DependencyNeverSatisfied), so the final state decides.
  rc=0
  collect_job=$(sbatch "${collect_opts[@]}" --wait "$here/sweep-collect.sbatch") || rc=$?
  collect_job=${collect_job%%;*}
  echo "collect_job=$collect_job"
  state=$(scontrol show job -o "$collect_job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2) || state=""
  if [[ $rc -ne 0 || $state != COMPLETED ]]; then
    echo "$me: error: the sweep failed: collect job $collect_job ended ${state:-in an unknown state}" \
      "(sbatch --wait exit $rc); see the logs of array job $array_job" >&2
    ((rc != 0)) || rc=1
  fi
  exit "$rc"
fi
collect_job=$(sbatch "${collect_opts[@]}" "$here/sweep-collect.sbatch") || die "submitting the collect job failed"
echo "collect_job=${collect_job%%;*}"
