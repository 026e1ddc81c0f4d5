#!/usr/bin/env bash
# tests/unit/sbatch_output_dir.sh SBATCH — slurm/segment.sbatch finds the output directory (where a
# checkpoint would be, to decide on --resume) from --output/-o, else from the `output =` line of
# the INI file it passes, as custseg reads it. No Slurm needed: the two functions are taken from
# the script, then the whole script runs once outside Slurm with a stand-in custseg that prints
# its arguments, under mpirun.
set -euo pipefail
sbatch=$1
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
failures=0
expect() {  # expect WHAT GOT WANT
  if [[ $2 != "$3" ]]; then
    echo "FAIL: $1: got '$2', want '$3'"
    failures=$((failures + 1))
  else
    echo "ok: $1"
  fi
}

eval "$(sed -n '/^ini_value() {/,/^}/p; /^output_dir_for() {/,/^}/p' "$sbatch")"
declare -F ini_value output_dir_for >/dev/null || { echo "FAIL: functions not found in $sbatch"; exit 1; }

printf 'k = 6\n# output = commented/out\n  output =  out/from ini  # the run of May\nseed = 1\n' >"$work/a.ini"
printf 'output = out/crlf\r\n' >"$work/crlf.ini"
printf 'k = 6\n[other]\noutput = out/section\n' >"$work/section.ini"
expect "INI output line" "$(output_dir_for segment --config "$work/a.ini" --k 3)" "out/from ini"
expect "--config=FILE" "$(output_dir_for segment --config="$work/a.ini")" "out/from ini"
expect "--output wins over the INI" "$(output_dir_for segment --config "$work/a.ini" --output out/arg)" "out/arg"
expect "--output=DIR" "$(output_dir_for segment --output=out/eq --config "$work/a.ini")" "out/eq"
expect "-o DIR" "$(output_dir_for segment -o out/short)" "out/short"
expect "CRLF line end" "$(output_dir_for segment --config "$work/crlf.ini")" "out/crlf"
expect "a line in a [section] is not ours" "$(output_dir_for segment --config "$work/section.ini")" ""
expect "missing INI file" "$(output_dir_for segment --config "$work/none.ini")" ""
expect "no output anywhere" "$(output_dir_for segment --k 3)" ""

# The whole script, outside Slurm: the INI names the output, which holds a checkpoint -> --resume.
mkdir -p "$work/run"
touch "$work/run/checkpoint.h5"
printf 'output = %s\n' "$work/run" >"$work/job.ini"
printf '#!/usr/bin/env bash\necho "custseg-args: $*"\n' >"$work/custseg"
chmod +x "$work/custseg"
log=$(cd "$(dirname -- "$sbatch")/.." && CUSTSEG_BIN=$work/custseg CUSTSEG_CONFIG=$work/job.ini LAUNCHER=mpirun \
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 bash "$sbatch" --k 3 2>&1) || {
  echo "FAIL: the script failed: $log"
  exit 1
}
expect "whole script adds --resume" "$(grep -o 'custseg-args: .*' <<<"$log")" \
  "custseg-args: segment --config $work/job.ini --k 3 --resume"
((failures == 0)) || { echo "$failures failure(s)"; exit 1; }
