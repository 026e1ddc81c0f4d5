#!/usr/bin/env bash
# The fixed set of runs whose results must keep their bits across refactorings (issue 9): every
# dataset and model attribute of results.h5, as sha256 (h5digest.py), for
#   {generated demo table, Online Retail customer table} x {1, 3 ranks}
#   x {lloyd, hamerly, yinyang in memory; lloyd streamed under --memory-limit}
# plus, on Online Retail, a run that drops rows for NaN (--nan-policy drop).
#
#   tests/golden/golden_runs.sh CUSTSEG_BIN WORKDIR            prints the digests
#   tests/golden/golden_runs.sh CUSTSEG_BIN WORKDIR --check    compares with results_sha256.txt
#
# The Online Retail CSV comes from CUSTSEG_SHARED_DATA (or ../shared/data, /work/shared/data);
# without it the check fails rather than passing on half the runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$1 work=$2 mode=${3:-print}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
shared=${CUSTSEG_SHARED_DATA:-$here/../../../shared/data}
[[ -d $shared ]] || shared=/work/shared/data
retail_csv=$shared/online-retail/online_retail.csv
[[ -f $retail_csv ]] || { echo "golden: $retail_csv not found (set CUSTSEG_SHARED_DATA)" >&2; exit 2; }

rm -rf "$work"; mkdir -p "$work"
run() { mpirun --oversubscribe -np "$1" "$bin" "${@:2}" > "$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }; }
# A --memory-limit that holds the per-row vectors (32 bytes a row) and a third of the float32
# features of the largest block: every rank streams its block in about three chunks.
streaming_limit() {  # TABLE NP DIMS
  local rows
  rows=$(/usr/bin/python3 -c "import h5py,sys; f=h5py.File(sys.argv[1]); print(f['customers/customer_id'].shape[0])" "$1")
  echo $(( (rows + $2 - 1) / $2 * (32 + $3 * 4 / 3) ))
}

run 2 generate --rows 30000 --seed 7 --output "$work/demo.h5"
run 2 ingest --config "$here/../../configs/ingest-online-retail.ini" --transactions "$retail_csv" \
  --output "$work/retail.h5"

demo_dims=5 retail_dims=4
demo_args=(--input "$work/demo.h5" --k 5 --seed 3 --n-init 2
           --transform "recency_days:log1p,frequency:log1p,monetary:log1p,tenure_days:log1p,avg_basket:log1p")
retail_args=(--input "$work/retail.h5" --k 4 --seed 1 --n-init 2 --features frequency,distinct_products,revenue,monetary
             --transform "frequency:log1p,distinct_products:log1p,revenue:log1p")
# Rows dropped for NaN (34 customers with only returns have no recency): explicit global rows.
retail_dropped_args=(--input "$work/retail.h5" --k 4 --seed 1 --n-init 2 --features recency_days,frequency,monetary
                     --transform "recency_days:log1p,frequency:log1p" --nan-policy drop)
digests=$work/digests.txt
: > "$digests"
for data in demo retail; do
  declare -n args=${data}_args dims=${data}_dims
  for np in 1 3; do
    variants=(lloyd hamerly yinyang streamed)
    [[ $data == retail ]] && variants+=(dropped)
    for variant in "${variants[@]}"; do
      name=$data-np$np-$variant
      options=("${args[@]}" --algorithm "$variant")
      [[ $variant == dropped ]] && options=("${retail_dropped_args[@]}")
      [[ $variant == streamed ]] &&
        options=("${args[@]}" --algorithm lloyd --memory-limit "$(streaming_limit "$work/$data.h5" "$np" "$dims")")
      run "$np" segment "${options[@]}" --output "$work/$name"
      if [[ $variant == streamed ]] && ! grep -q "streamed in" "$work/last.log"; then
        echo "golden: $name did not stream" >&2; cat "$work/last.log" >&2; exit 1
      fi
      /usr/bin/python3 "$here/h5digest.py" "$work/$name/results.h5" | sed "s|^|$name |" >> "$digests"
    done
  done
done

if [[ $mode == --check ]]; then
  if diff -u "$here/results_sha256.txt" "$digests"; then
    echo "golden: $(wc -l < "$digests") digests of 18 runs equal the recorded ones"
  else
    echo "golden: results changed (above: - recorded, + now)" >&2; exit 1
  fi
else
  cat "$digests"
fi
