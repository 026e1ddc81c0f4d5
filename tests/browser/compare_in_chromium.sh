#!/usr/bin/env bash
# tests/browser/compare_in_chromium.sh CUSTSEG ARTIFACT_DIR
# Re-segmenting every period, as a reader sees it: two periods of 20000 generated customers
# (generate --period 2 --drift 1), each segmented at k = 2 and k = 16 on 2 ranks, the second period
# with --previous (stable IDs, not in k-means index order), then `custseg compare` of each pair.
# Opens compare's report.html (k = 2 and k = 16) and segment's report.html made with --previous
# (k = 16) in headless Chromium with no network, at 1280 and 1920 px wide, and checks the DOM as
# laid out (compare_probe.js, injected into a copy of each page, measures it):
#   - every <svg> has a non-empty box and ends inside the window;
#   - no horizontal overflow: document.scrollingElement.scrollWidth <= the window width;
#   - the migration chart has a label for every segment ID of both runs (read from results.h5
#     /segments/segment_id, not from compare's outputs) and 'new' / 'lost'; no label clipped by
#     the chart or overlapping another, none below 10 px;
#   - segment's tables list segments in stable-ID order;
#   - the page fetched no resource (Performance API).
# Saves ARTIFACT_DIR/<page>-<width>.png (screenshots) and the pages. Exits 77 (skipped) only when
# no chromium binary is installed.
set -euo pipefail
me=browser-compare
fail() { echo "[$me] FAIL: $*" >&2; exit 1; }
log() { echo "[$me] $*"; }
[[ $# -eq 2 ]] || { echo "usage: $0 CUSTSEG ARTIFACT_DIR" >&2; exit 2; }
custseg=$1 artifacts=$2
here=$(cd "$(dirname "$0")" && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "[$me] SKIP: chromium is not installed (scripts/setup.sh installs it: apt-get install chromium)" >&2
  exit 77
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d "${TMPDIR:-/tmp}/custseg-browser-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
SECONDS=0

"$custseg" generate --rows 20000 --seed 42 --output "$work/q1.h5" -q
"$custseg" generate --rows 20000 --seed 42 --period 2 --drift 1 --output "$work/q2.h5" -q
run() { mpirun --oversubscribe -np 2 "$custseg" "$@" -q >>"$work/runs.log" 2>&1 || { cat "$work/runs.log" >&2; fail "custseg $*"; }; }
for k in 2 16; do
  run segment --input "$work/q1.h5" --output "$work/q1-k$k" --k "$k" --seed 1 --min-segment-size 0
  run segment --input "$work/q2.h5" --output "$work/q2-k$k" --k "$k" --seed 2 --min-segment-size 0 \
    --previous "$work/q1-k$k/results.h5"
  run compare --previous "$work/q1-k$k/results.h5" --current "$work/q2-k$k/results.h5" --output "$work/cmp-k$k"
done
log "runs done in ${SECONDS}s"

# page name, report.html, previous run, current run (the runs name the IDs the page must show)
pages=("compare-k2 $work/cmp-k2/report.html $work/q1-k2 $work/q2-k2"
       "compare-k16 $work/cmp-k16/report.html $work/q1-k16 $work/q2-k16"
       "segment-previous-k16 $work/q2-k16/report.html $work/q1-k16 $work/q2-k16")
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars)
probe=$(cat "$here/compare_probe.js")
checks=()
for entry in "${pages[@]}"; do
  read -r name page prev cur <<<"$entry"
  [[ -s $page ]] || fail "no $page"
  cp "$page" "$artifacts/$name.html"
  # The probe goes in a copy; the screenshot is of the page itself.
  PROBE=$probe /usr/bin/python3 -c 'import os, sys; t = open(sys.argv[1]).read(); i = t.rindex("</body>")
open(sys.argv[2], "w").write(t[:i] + "<script>" + os.environ["PROBE"] + "</script>" + t[i:])' "$page" "$work/$name-probe.html"
  for width in 1280 1920; do
    # --virtual-time-budget lets the load handler run before the DOM is dumped.
    timeout 60 "$browser" "${flags[@]}" --user-data-dir="$work/profile-$name-$width-dom" --window-size=$width,1000 \
      --virtual-time-budget=3000 --dump-dom "file://$work/$name-probe.html" >"$work/$name-$width.dom" \
      2>"$work/$name-$width-dom.log" &
    timeout 60 "$browser" "${flags[@]}" --user-data-dir="$work/profile-$name-$width-shot" --window-size=$width,3600 \
      --screenshot="$artifacts/$name-$width.png" "file://$page" >"$work/$name-$width-shot.log" 2>&1 &
    checks+=("$name $width $prev $cur")
  done
  wait || fail "chromium failed on $name (logs: $(cat "$work/$name"-*.log | tail -5))"
done
log "chromium done in ${SECONDS}s"
/usr/bin/python3 "$here/check_compare_pages.py" "$work" "$artifacts" "${checks[@]}" || fail "rendered page check failed"
log "PASS in ${SECONDS}s (screenshots: $artifacts/*.png)"
