#!/usr/bin/env python3
"""Reads the data-probe-* figures compare_probe.js wrote on <body> of each dumped page and checks
them (compare_in_chromium.sh). usage: check_compare_pages.py WORK ARTIFACTS "NAME WIDTH PREV CUR"..."""
import html
import json
import re
import struct
import sys

import h5py

work, artifacts, entries = sys.argv[1], sys.argv[2], sys.argv[3:]
failures = []


def expect(ok, what):
    if not ok:
        failures.append(what)


def segment_ids(run):
    with h5py.File(run + "/results.h5", "r") as f:
        return [int(i) for i in f["segments/segment_id"][()]]


for entry in entries:
    name, width, prev, cur = entry.split()
    width = int(width)
    tag = f"{name} at {width} px"
    dom = open(f"{work}/{name}-{width}.dom", encoding="utf-8").read()
    body = re.search(r"<body([^>]*)>", dom)
    attrs = {k: html.unescape(v) for k, v in re.findall(r'data-probe-([a-z-]+)="([^"]*)"', body.group(1) if body else "")}
    if attrs.get("done") != "yes":
        failures.append(f"{tag}: the probe did not run")
        continue
    expect(int(attrs["window-width"]) == width, f"{tag}: window {attrs['window-width']} px wide")
    expect(int(attrs["svgs"]) >= 1 and attrs["svgs-empty"] == "0", f"{tag}: {attrs['svgs-empty']} of {attrs['svgs']} svg empty")
    expect(attrs["svgs-outside"] == "0", f"{tag}: {attrs['svgs-outside']} svg wider than the window")
    expect(int(attrs["scroll-width"]) <= width, f"{tag}: page {attrs['scroll-width']} px wide scrolls sideways")
    expect(attrs["resources"] == "0", f"{tag}: fetched {attrs['resources']} resources")
    previous, current = segment_ids(prev), segment_ids(cur)
    if name.startswith("compare"):
        labels = json.loads(attrs.get("matrix-labels", "[]"))
        want = {str(i) for i in previous + current} | {"new", "lost"}
        expect(want <= set(labels), f"{tag}: matrix labels missing {sorted(want - set(labels))}")
        rows, cols = json.loads(attrs["matrix-rows"]), json.loads(attrs["matrix-columns"])
        want_rows = [str(i) for i in sorted(previous)] + ["new"]
        want_cols = [str(i) for i in sorted(current)] + ["lost"]
        expect(rows == want_rows, f"{tag}: matrix rows {rows}, want {want_rows}")
        expect(cols == want_cols, f"{tag}: matrix columns {cols}, want {want_cols}")
        expect(attrs["matrix-clipped"] == "0", f"{tag}: {attrs['matrix-clipped']} matrix labels cut off")
        expect(attrs["matrix-overlaps"] == "0", f"{tag}: {attrs['matrix-overlaps']} matrix labels overlap")
        expect(float(attrs["matrix-min-font"]) >= 10, f"{tag}: matrix text at {attrs['matrix-min-font']} px")
    else:
        rows = json.loads(attrs["segment-rows"])
        expect(rows == [str(i) for i in sorted(current)], f"{tag}: segment rows {rows}, want {sorted(current)}")
        matching = json.loads(attrs["matching-rows"])
        expect(matching == [str(i) for i in sorted(current)], f"{tag}: matching rows {matching}")
        expect(current != sorted(current), f"{tag}: the IDs {current} are in index order: the order is not exercised")
    png = open(f"{artifacts}/{name}-{width}.png", "rb").read()
    expect(png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", png[16:20])[0] == width, f"{tag}: screenshot")
    print(f"{tag}: {attrs['svgs']} svg, page {attrs['scroll-width']} px, {len(png)} byte screenshot")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
