#!/usr/bin/env python3
"""Reads the data-probe-* figures layout_probe.js wrote on <body> of each dumped report.html and
checks them (report_layout_in_chromium.sh). usage: check_report_layout.py WORK ARTIFACTS "NAME WIDTH FEATURES"..."""
import html
import json
import re
import struct
import sys

MIN_FONT_PX = 9.0
work, artifacts, entries = sys.argv[1], sys.argv[2], sys.argv[3:]
failures = []


def expect(ok, what):
    if not ok:
        failures.append(what)


for entry in entries:
    name, width, features = entry.split()
    width, features = int(width), int(features)
    tag = f"{name} at {width} px"
    dom = open(f"{work}/{name}-{width}.dom", encoding="utf-8").read()
    body = re.search(r"<body([^>]*)>", dom)
    attrs = {k: html.unescape(v) for k, v in re.findall(r'data-probe-([a-z-]+)="([^"]*)"', body.group(1) if body else "")}
    if attrs.get("done") != "yes":
        failures.append(f"{tag}: the probe did not run")
        continue
    expect(int(attrs["window-width"]) == width, f"{tag}: window {attrs['window-width']} px wide")
    expect(int(attrs["svgs"]) >= 3 and attrs["svgs-empty"] == "0", f"{tag}: {attrs['svgs-empty']} of {attrs['svgs']} charts empty")
    expect(attrs["svgs-outside"] == "0", f"{tag}: {attrs['svgs-outside']} charts end outside the window")
    expect(int(attrs["scroll-width"]) <= width, f"{tag}: page {attrs['scroll-width']} px wide scrolls sideways")
    expect(attrs["resources"] == "0", f"{tag}: fetched {attrs['resources']} resources")
    for key, what in (("clipped", "cut off at the chart's edge"), ("overlaps", "drawn over each other"),
                      ("truncated", "shortened with an ellipsis")):
        found = json.loads(attrs[key])
        expect(not found, f"{tag}: {len(found)} texts {what}, e.g. {found[:4]}")
    expect(float(attrs["min-font"]) >= MIN_FONT_PX,
           f"{tag}: text drawn at {attrs['min-font']} px (< {MIN_FONT_PX}): {attrs['min-font-text']}")
    expect(int(attrs["heatmap-columns"]) >= features,
           f"{tag}: {attrs['heatmap-columns']} heatmap headers for {features} features")
    png = open(f"{artifacts}/layout-{name}-{width}.png", "rb").read()
    expect(png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", png[16:20])[0] == width, f"{tag}: screenshot")
    print(f"{tag}: {features} features, {attrs['svgs']} charts, page {attrs['scroll-width']} px, "
          f"smallest text {attrs['min-font']} px, {len(png)} byte screenshot")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
