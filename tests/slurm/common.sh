# tests/slurm/common.sh — sourced by the Slurm tests in this folder; not a test itself.
# shellcheck shell=bash
#
# Every test is run as `bash tests/slurm/<test>.sh /path/to/custseg` (ctest passes
# $<TARGET_FILE:custseg>); CUSTSEG_BIN, when set, wins over the argument. This file:
#   - checks the binary and exports CUSTSEG_BIN for the templates;
#   - starts the single-node cluster (scripts/slurm-cluster.sh start; idempotent) and exports
#     SLURM_CONF; exits 77 (ctest: skipped) when not root and no cluster is running;
#   - makes a fresh work directory ($work; kept when the test fails, removed when it passes),
#     cds to the repository root (the templates read configs/ relative to the submit directory)
#     and clears CUSTSEG_* and LAUNCHER settings inherited from the caller;
#   - provides submit_wait, job_field, check/fail helpers, and cancels the test's jobs on exit.
# Environment:
#   CUSTSEG_SLURM_DIR            cluster state directory (see scripts/slurm-cluster.sh)
#   CUSTSEG_SLURM_JOB_TIMEOUT    seconds one `sbatch --wait` may take (default 300)
#   CUSTSEG_TEST_KEEP=1          keep the work directory even when the test passes

me=$(basename -- "$0" .sh)
log() { echo "[$me] $*"; }
fail() {
  echo "[$me] FAIL: $*" >&2
  exit 1
}

if [[ -n ${CUSTSEG_BIN:-} ]]; then
  # A binary named in the environment wins over the argument (ctest passes build/custseg, which a
  # concurrent build may be relinking: copy it elsewhere and point CUSTSEG_BIN at the copy).
  [[ -x $CUSTSEG_BIN && -f $CUSTSEG_BIN ]] || fail "CUSTSEG_BIN '$CUSTSEG_BIN' is not an executable file"
  CUSTSEG_BIN=$(realpath -- "$CUSTSEG_BIN")
  (($# == 0)) || shift
elif [[ $# -lt 1 ]]; then
  echo "usage: $0 /path/to/custseg   (or CUSTSEG_BIN=/path/to/custseg $0)" >&2
  exit 2
else
  [[ -x $1 && -f $1 ]] || fail "custseg binary '$1' is not an executable file"
  CUSTSEG_BIN=$(realpath -- "$1")
  shift
fi

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
unset CUSTSEG_INPUT CUSTSEG_OUTPUT CUSTSEG_CONFIG CUSTSEG_K CUSTSEG_SEED CUSTSEG_ROWS \
  CUSTSEG_THREADS CUSTSEG_OVERWRITE CUSTSEG_TRANSACTIONS CUSTSEG_SWEEP_CSV CUSTSEG_SWEEP_KS \
  CUSTSEG_MEMORY_LIMIT LAUNCHER LAUNCHER_ARGS
export CUSTSEG_BIN

if ! cluster_out=$("$repo/scripts/slurm-cluster.sh" start 2>&1); then
  echo "$cluster_out" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "[$me] SKIP: no Slurm cluster is running and starting one needs root" >&2
    exit 77
  fi
  fail "scripts/slurm-cluster.sh start failed"
fi
eval "$("$repo/scripts/slurm-cluster.sh" env)"
export SLURM_CONF
log "cluster: $(echo "$cluster_out" | grep -v '^export' | tail -n 1)"

work=$(mktemp -d "${TMPDIR:-/tmp}/custseg-slurm-$me.XXXXXX")
mkdir -p "$work/logs"
our_jobs=()
cleanup() {
  local rc=$?
  local j
  for j in "${our_jobs[@]}"; do
    case $(job_field "$j" JobState) in
      PENDING | RUNNING | CONFIGURING | COMPLETING | SUSPENDED | REQUEUED) scancel "$j" 2>/dev/null || true ;;
    esac
  done
  if [[ ($rc -eq 0 || $rc -eq 77) && ${CUSTSEG_TEST_KEEP:-0} != 1 ]]; then
    rm -rf -- "$work"
  else
    echo "[$me] work directory kept: $work" >&2
  fi
}
trap cleanup EXIT
cd -- "$repo" || fail "cannot cd to $repo"

# job_field ID FIELD: one field of `scontrol show job` (first record, e.g. JobState, ExitCode).
job_field() {
  scontrol show job -o "$1" 2>/dev/null | head -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# submit_wait [sbatch options...] SCRIPT [args...]: sbatch --wait with the log in $work/logs.
# Sets JOB_ID, JOB_RC (sbatch's exit status = the job's), JOB_STATE, JOB_LOG.
submit_wait() {
  local out
  JOB_RC=0
  out=$(timeout "${CUSTSEG_SLURM_JOB_TIMEOUT:-300}" \
    sbatch --parsable --wait --output="$work/logs/%x-%j.out" "$@") || JOB_RC=$?
  JOB_ID=${out%%;*}
  JOB_ID=${JOB_ID##*$'\n'}
  [[ $JOB_ID =~ ^[0-9]+$ ]] || fail "sbatch $* did not submit (exit $JOB_RC): $out"
  our_jobs+=("$JOB_ID")
  ((JOB_RC != 124)) || fail "job $JOB_ID did not finish within ${CUSTSEG_SLURM_JOB_TIMEOUT:-300}s"
  JOB_STATE=$(job_field "$JOB_ID" JobState)
  JOB_LOG=$(job_field "$JOB_ID" StdOut)
  log "job $JOB_ID ($*): exit $JOB_RC, $JOB_STATE, log $JOB_LOG"
}

# expect_completed: the last submit_wait job must have COMPLETED with exit 0.
expect_completed() {
  if [[ $JOB_RC -ne 0 || $JOB_STATE != COMPLETED ]]; then
    [[ -r $JOB_LOG ]] && sed 's/^/    | /' "$JOB_LOG" >&2
    fail "job $JOB_ID: expected COMPLETED with exit 0, got $JOB_STATE with exit $JOB_RC"
  fi
}

# expect_file PATH: a non-empty file.
expect_file() { [[ -s $1 ]] || fail "expected a non-empty file $1"; }

# json_get FILE KEY: a top-level value of a JSON file, as Python's repr (fails if absent).
json_get() {
  /usr/bin/python3 -c 'import json,sys; print(repr(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$1" "$2" \
    || fail "$1 has no key '$2'"
}

# pmix_available: srun offers the pmix MPI plugin (segment.sbatch then launches with srun).
pmix_available() {
  local l
  l=$(srun --mpi=list 2>&1 || true)
  [[ $l == *pmix* ]]
}
