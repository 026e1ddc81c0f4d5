#!/usr/bin/env bash
# Scale-out benchmark of custseg: strong scaling (fixed rows, a list of rank counts) and weak
# scaling (fixed rows per rank) of `custseg generate` + `custseg segment`, each phase timed per
# rank (read, transform, init, iterations, statistics, write; from report.json's
# "timing_detail"), with load imbalance, allreduce time and bytes per iteration; a measured
# MPI_Allreduce latency/bandwidth curve; a communication-cost model predicting efficiency at
# 64-4096 ranks for 1e9 customers; and a read-bandwidth comparison of custseg's collective HDF5
# read with a plain sequential read of the same file. Writes CSV, SVG plots and summary.md.
#
#   scripts/bench-scaling.sh [--ranks "1 2"] [--rows 2000000] [--rows-per-rank 1000000]
#                            [--k 8] [--max-iter 30] [--threads 1] [--mode both|strong|weak]
#                            [--build build] [--out BUILD/bench-scaling] [--mpirun "mpirun"]
#                            [--model-ranks "64 128 256 512 1024 2048 4096"] [--model-rows 1e9]
#                            [--model-dims 16] [--skip-io]
#
# On this 2-core machine measure 1-2 ranks (more only oversubscribed, for correctness); on a
# cluster pass the rank list, e.g. --ranks "16 32 64 128" --mpirun "srun --mpi=pmix".
# Details and the model's assumptions: docs/scaling.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RANKS="1 2"
ROWS=2000000
ROWS_PER_RANK=1000000
K=8
MAX_ITER=30
THREADS=1
MODE=both
BUILD="$ROOT/build"
OUT=""  # default: BUILD/bench-scaling (inside the ignored build tree)
MPIRUN="mpirun"
MODEL_RANKS="64 128 256 512 1024 2048 4096"
MODEL_ROWS=1e9
MODEL_DIMS=16
SKIP_IO=0
SEED=7

while [[ $# -gt 0 ]]; do
  case "$1" in
    --ranks) RANKS="$2"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    --rows-per-rank) ROWS_PER_RANK="$2"; shift 2 ;;
    --k) K="$2"; shift 2 ;;
    --max-iter) MAX_ITER="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --mode) MODE="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --mpirun) MPIRUN="$2"; shift 2 ;;
    --model-ranks) MODEL_RANKS="$2"; shift 2 ;;
    --model-rows) MODEL_ROWS="$2"; shift 2 ;;
    --model-dims) MODEL_DIMS="$2"; shift 2 ;;
    --skip-io) SKIP_IO=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-scaling.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$MODE" in both|strong|weak) ;; *) echo "bench-scaling.sh: --mode must be both, strong or weak" >&2; exit 2 ;; esac

[[ -n "$OUT" ]] || OUT="$BUILD/bench-scaling"
CUSTSEG="$BUILD/custseg"
[[ -x "$CUSTSEG" ]] || { echo "bench-scaling.sh: $CUSTSEG not found; build first (cmake --build $BUILD)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$OUT"/runs "$OUT"/data
: > "$OUT/custseg.log"
CORES=$(nproc)

# Runs `custseg ARGS` on NP ranks; prints the wall seconds.
launch() {
  local np=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  local extra=
  if [[ "$MPIRUN" == mpirun* ]] && (( np > CORES )); then extra=--oversubscribe; fi
  echo "== $MPIRUN $extra -np $np custseg $*" >> "$OUT/custseg.log"
  if ! $MPIRUN $extra -np "$np" "$CUSTSEG" "$@" >> "$OUT/custseg.log" 2>&1; then
    echo "bench-scaling.sh: custseg $1 failed on $np ranks; last lines of $OUT/custseg.log:" >&2
    tail -n 20 "$OUT/custseg.log" >&2
    exit 1
  fi
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.3f}')"
}

# generate NP ROWS FILE -> wall seconds
generate() {
  local np=$1 rows=$2 file=$3
  launch "$np" generate --rows "$rows" --seed "$SEED" --output "$file" --overwrite --quiet --threads "$THREADS"
}

# segment KIND NP ROWS FILE: one run, its report.json kept under runs/.
segment() {
  local kind=$1 np=$2 rows=$3 file=$4 gen_seconds=$5
  local dir="$OUT/runs/$kind-np$np"
  local wall
  wall=$(launch "$np" segment --input "$file" --output "$dir" --k "$K" --seed "$SEED" --n-init 1 \
         --max-iter "$MAX_ITER" --tol 0 --threads "$THREADS" --overwrite --quiet)
  printf '{"kind": "%s", "ranks": %d, "rows": %d, "segment_wall_seconds": %s, "generate_wall_seconds": %s, "threads": %d, "cores": %d}\n' \
    "$kind" "$np" "$rows" "$wall" "$gen_seconds" "$THREADS" "$CORES" > "$dir/run.json"
  echo "  $kind np=$np rows=$rows: generate ${gen_seconds}s, segment ${wall}s"
}

MAX_NP=1
for np in $RANKS; do (( np > MAX_NP )) && MAX_NP=$np; done

if [[ "$MODE" != weak ]]; then
  echo "strong scaling: $ROWS rows, ranks: $RANKS"
  for np in $RANKS; do
    # Generation is itself a parallel job: time it at each rank count too.
    gen=$(generate "$np" "$ROWS" "$OUT/data/strong.h5")
    segment strong "$np" "$ROWS" "$OUT/data/strong.h5" "$gen"
  done
fi

if [[ "$MODE" != strong ]]; then
  echo "weak scaling: $ROWS_PER_RANK rows per rank, ranks: $RANKS"
  for np in $RANKS; do
    rows=$((ROWS_PER_RANK * np))
    gen=$(generate "$np" "$rows" "$OUT/data/weak-np$np.h5")
    segment weak "$np" "$rows" "$OUT/data/weak-np$np.h5" "$gen"
    [[ "$SKIP_IO" == 0 && "$np" == "$MAX_NP" ]] || rm -f "$OUT/data/weak-np$np.h5"  # kept for the I/O comparison
  done
fi

# Communication: MPI_Allreduce of 16-byte integers (custseg's exact sums) at the largest rank count.
if [[ -x "$BUILD/bench/custseg_bench_allreduce" ]]; then
  BENCH_BUILD="$BUILD/bench"  # built with custseg (top-level add_subdirectory(bench))
elif [[ -x "$BUILD/custseg_bench_allreduce" ]]; then
  BENCH_BUILD="$BUILD"        # copied next to custseg
else
  BENCH_BUILD="$OUT/build-bench"
  cmake -S "$ROOT/bench" -B "$BENCH_BUILD" -DCMAKE_BUILD_TYPE=Release > "$OUT/bench-build.log"
  cmake --build "$BENCH_BUILD" >> "$OUT/bench-build.log"
fi
AR_NP=$(( MAX_NP > 1 ? MAX_NP : 2 ))
echo "allreduce latency/bandwidth at $AR_NP ranks"
if [[ "$MPIRUN" == mpirun* ]] && (( AR_NP > CORES )); then extra=--oversubscribe; else extra=; fi
$MPIRUN $extra -np "$AR_NP" "$BENCH_BUILD/custseg_bench_allreduce" $((16 << 20)) 0.2 > "$OUT/allreduce.csv"

# I/O: custseg's collective read of the feature columns (its timing detail) against a plain
# sequential read of the same file: once through the page cache, once with O_DIRECT (no cache;
# dropping the page cache needs privileges a sandbox or a shared node does not give).
if [[ "$SKIP_IO" == 0 ]]; then
  if [[ "$MODE" == strong ]]; then io_file="$OUT/data/strong.h5"; else io_file="$OUT/data/weak-np$MAX_NP.h5"; fi
  echo "read bandwidth: $io_file"
  size=$(stat -c %s "$io_file")
  seq_read() {  # dd FLAGS -> seconds, as dd measures them (no process start-up)
    dd if="$io_file" of=/dev/null bs=8M "$@" 2>&1 | sed -n 's/.*copied, \([0-9.e+-]*\) s.*/\1/p'
  }
  cached=$(seq_read)
  direct=$(seq_read iflag=direct)
  printf '{"file": "%s", "bytes": %d, "dd_cached_seconds": %s, "dd_direct_seconds": %s}\n' \
    "$io_file" "$size" "$cached" "$direct" > "$OUT/io.json"
  rm -f "$io_file"
fi
rm -f "$OUT"/data/*.h5

python3 "$ROOT/scripts/bench_scaling.py" --out "$OUT" --model-ranks "$MODEL_RANKS" --model-rows "$MODEL_ROWS" \
  --model-dims "$MODEL_DIMS" --k "$K"
echo "results: $OUT/summary.md, $OUT/*.csv, $OUT/*.svg"
