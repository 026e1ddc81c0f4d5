#!/usr/bin/env bash
# tests/browser/report_in_chromium.sh CUSTSEG ARTIFACT_DIR
# Generates 20000 customers, runs `custseg sweep --k 2:6` on 2 ranks (segments with fewer than 300
# customers are suppressed), opens report.html in headless Chromium with no network and checks the
# rendered DOM:
#   - every <svg class="chart"> laid out with a non-empty box and shapes (the page's own check
#     writes data-charts-rendered / data-charts-total on <body> after load);
#   - the size, heatmap, box-plot, sweep and fairness parts are present;
#   - the page fetched no resource at all (Performance API count written on <body> by the page):
#     the report is one self-contained file.
# Saves ARTIFACT_DIR/report.png (1400x2400 screenshot), report.html and dom.html.
set -euo pipefail
me=browser-report
fail() { echo "[$me] FAIL: $*" >&2; exit 1; }
log() { echo "[$me] $*"; }
[[ $# -eq 2 ]] || { echo "usage: $0 CUSTSEG ARTIFACT_DIR" >&2; exit 2; }
custseg=$1 artifacts=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "[$me] SKIP: chromium is not installed (scripts/setup.sh installs it: apt-get install chromium)" >&2
  exit 77
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d "${TMPDIR:-/tmp}/custseg-browser.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"

"$custseg" generate --rows 20000 --seed 42 --output "$work/customers.h5" -q
mpirun --oversubscribe -np 2 "$custseg" sweep --input "$work/customers.h5" --output "$work/out" --k 2:6 --restarts 2 \
  --seed 1 --min-segment-size 300 --protected gender,age --silhouette-sample 1000 -q \
  --transform recency_days:log1p,frequency:log1p,monetary:log1p,tenure_days:log1p,avg_basket:log1p
report=$work/out/report.html
[[ -s $report ]] || fail "no report.html"
cp "$report" "$artifacts/report.html"

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars)
# --virtual-time-budget lets the load handler run before the DOM is dumped.
timeout 90 "$browser" "${flags[@]}" --user-data-dir="$work/profile-dom" --virtual-time-budget=5000 \
  --dump-dom "file://$report" >"$work/dom.html" 2>"$work/chromium-dom.log" ||
  { cat "$work/chromium-dom.log" >&2; fail "chromium --dump-dom failed"; }
cp "$work/dom.html" "$artifacts/dom.html"
timeout 90 "$browser" "${flags[@]}" --user-data-dir="$work/profile-shot" --window-size=1400,2400 \
  --screenshot="$artifacts/report.png" "file://$report" >"$work/chromium-shot.log" 2>&1 ||
  { cat "$work/chromium-shot.log" >&2; fail "chromium --screenshot failed"; }

/usr/bin/python3 - "$work/dom.html" "$artifacts/report.png" <<'PY' || fail "rendered report check failed"
import re, struct, sys
dom = open(sys.argv[1], encoding="utf-8").read()
body = re.search(r"<body([^>]*)>", dom)
assert body, "no <body> in the dumped DOM"
total = re.search(r'data-charts-total="(\d+)"', body.group(1))
rendered = re.search(r'data-charts-rendered="(\d+)"', body.group(1))
assert total and rendered, "the page's render check did not run (no data-charts-* on <body>)"
total, rendered = int(total.group(1)), int(rendered.group(1))
print(f"charts rendered: {rendered}/{total}")
assert total >= 10 and rendered == total, f"{total - rendered} of {total} charts did not lay out"
svgs = re.findall(r'<svg class="chart" id="([^"]+)"[^>]*data-rendered="(yes|no)"', dom)
ids = {i for i, _ in svgs}
for required in ["chart-sizes", "chart-heatmap", "chart-box-monetary", "chart-sweep-silhouette",
                 "chart-sweep-stability", "chart-sweep-inertia"]:
    assert required in ids, f"missing chart {required}"
assert all(r == "yes" for _, r in svgs), [i for i, r in svgs if r != "yes"]
assert dom.count('class="bar-size"') >= 2, "size bars missing"
assert dom.count('class="cell"') >= 10, "heatmap cells missing"
assert dom.count('class="box"') >= 10, "box plots missing"
assert "fairness-table" in dom, "fairness table missing"
assert "Recommended k" in dom, "sweep recommendation missing"
# The screenshot: a PNG of the requested size that is not blank.
png = open(sys.argv[2], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG"
width, height = struct.unpack(">II", png[16:24])
assert (width, height) == (1400, 2400), (width, height)
assert len(png) > 50_000, f"screenshot only {len(png)} bytes: blank page?"
requests = re.search(r'data-resource-requests="(\d+)"', body.group(1))
assert requests and int(requests.group(1)) == 0, "the report fetched resources: it is not self-contained"
print(f"screenshot {width}x{height}, {len(png)} bytes; no resources fetched")
PY
log "PASS (screenshot: $artifacts/report.png)"
