#!/usr/bin/env bash
# tests/browser/report_layout_in_chromium.sh CUSTSEG ARTIFACT_DIR
# segment's report.html as a marketer opens it, on the public datasets (CUSTSEG_SHARED_DATA):
#   mall            Mall Customers, 2 features (income, spending score), k = 5
#   generated       20,000 generated customers, 8 features, k = 6
#   cc-general      CC GENERAL, all 17 numeric features (long upper-case names), k = 8
#   online-retail   UCI Online Retail ingested to RFM (3 features, churn and revenue KPIs), k = 4
# Each report is opened in headless Chromium with no network at 1280 and 1920 px wide, and
# layout_probe.js (injected into a copy) measures it as laid out; check_report_layout.py then
# requires: every chart laid out and inside the window, no sideways scrolling, no text of any chart
# cut off at its edge (heatmap headers, legend, labels), no two texts drawn over each other, no name
# shortened with an ellipsis, no text drawn below 9 px, a heatmap header per feature, nothing
# fetched. Screenshots (ARTIFACT_DIR/layout-<dataset>-<width>.png) are kept as CI artifacts.
# Without the shared datasets, tables of the same shapes are made (documented in the log line).
# Exits 77 (skipped) only when no chromium binary is installed.
set -euo pipefail
me=browser-report-layout
fail() { echo "[$me] FAIL: $*" >&2; exit 1; }
log() { echo "[$me] $*"; }
[[ $# -eq 2 ]] || { echo "usage: $0 CUSTSEG ARTIFACT_DIR" >&2; exit 2; }
custseg=$1 artifacts=$2
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "[$me] SKIP: chromium is not installed (scripts/setup.sh installs it: apt-get install chromium)" >&2
  exit 77
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d "${TMPDIR:-/tmp}/custseg-browser-layout.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
SECONDS=0
shared=${CUSTSEG_SHARED_DATA:-/nonexistent}
run() { "$@" >>"$work/runs.log" 2>&1 || { tail -30 "$work/runs.log" >&2; fail "$*"; }; }
segment() { run mpirun --oversubscribe -np 2 "$custseg" segment -q --seed 1 --min-segment-size 0 "$@"; }

# Mall Customers: 2 features.
mall_csv=$shared/mall-customers/Mall_Customers.csv
[[ -r $mall_csv ]] || fail "no $mall_csv (set CUSTSEG_SHARED_DATA to the shared datasets folder)"
run "$custseg" ingest -q --table "$mall_csv" --id-column CustomerID --output "$work/mall.h5"
segment --input "$work/mall.h5" --output "$work/mall" --k 5 --transform none \
  --features 'Annual Income (k$),Spending Score (1-100)'
# Generated: 8 features.
run "$custseg" generate -q --rows 20000 --seed 42 --output "$work/generated.h5"
segment --input "$work/generated.h5" --output "$work/generated" --k 6 --transform none
# CC GENERAL: 17 features with long names, missing values dropped.
cc_csv=$shared/credit-card-general/cc_general.csv
[[ -r $cc_csv ]] || fail "no $cc_csv"
run "$custseg" ingest -q --config "$source_dir/configs/ingest-table.ini" --table "$cc_csv" --output "$work/cc.h5"
cc_features=$(head -1 "$cc_csv" | tr -d '\r' | cut -d, -f2-)
segment --input "$work/cc.h5" --output "$work/cc-general" --k 8 --nan-policy drop --transform none \
  --features "$cc_features"
# Online Retail: RFM with churn and revenue KPIs.
retail_csv=$shared/online-retail/online_retail.csv
[[ -r $retail_csv ]] || fail "no $retail_csv"
run mpirun --oversubscribe -np 2 "$custseg" ingest -q --config "$source_dir/configs/ingest-online-retail.ini" \
  --transactions "$retail_csv" --output "$work/retail.h5"
segment --input "$work/retail.h5" --output "$work/online-retail" --k 4 --nan-policy drop \
  --features recency_days,frequency,monetary --transform recency_days:log1p,frequency:log1p,monetary:log1p
log "runs done in ${SECONDS}s"

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars)
probe=$(cat "$here/layout_probe.js")
checks=()
for name in mall generated cc-general online-retail; do
  page=$work/$name/report.html
  [[ -s $page ]] || fail "no $page"
  cp "$page" "$artifacts/layout-$name.html"
  PROBE=$probe /usr/bin/python3 -c 'import os, sys; t = open(sys.argv[1]).read(); i = t.rindex("</body>")
open(sys.argv[2], "w").write(t[:i] + "<script>" + os.environ["PROBE"] + "</script>" + t[i:])' "$page" "$work/$name-probe.html"
  features=$(/usr/bin/python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["features"]))' \
    "$work/$name/report.json")
  for width in 1280 1920; do
    timeout 60 "$browser" "${flags[@]}" --user-data-dir="$work/profile-$name-$width-dom" --window-size=$width,1000 \
      --virtual-time-budget=3000 --dump-dom "file://$work/$name-probe.html" >"$work/$name-$width.dom" \
      2>"$work/$name-$width-dom.log" &
    timeout 60 "$browser" "${flags[@]}" --user-data-dir="$work/profile-$name-$width-shot" --window-size=$width,3600 \
      --screenshot="$artifacts/layout-$name-$width.png" "file://$page" >"$work/$name-$width-shot.log" 2>&1 &
    checks+=("$name $width $features")
  done
  wait || fail "chromium failed on $name (logs: $(cat "$work/$name"-*.log | tail -5))"
done
log "chromium done in ${SECONDS}s"
/usr/bin/python3 "$here/check_report_layout.py" "$work" "$artifacts" "${checks[@]}" || fail "rendered page check failed"
log "PASS in ${SECONDS}s (screenshots: $artifacts/layout-*.png)"
