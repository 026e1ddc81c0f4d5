#!/usr/bin/python3
"""Copies one chart of a report.html into a standalone SVG file (for the README and slides).

The report's charts are inline <svg class="chart" id="..."> elements styled by the page's CSS;
the copy carries the few rules they use, so it looks the same opened on its own.

Usage: extract_chart.py REPORT.html CHART_ID OUT.svg
"""
import re
import sys

STYLE = ("<style>text{font-family:'DejaVu Sans',Arial,sans-serif}.chart-title{font-size:13px;font-weight:bold;"
         "fill:#222}.tick{font-size:11px;fill:#555}.legend{font-size:12px;fill:#333}.label{font-size:12px;fill:#222}"
         "</style><rect width=\"100%\" height=\"100%\" fill=\"white\"/>")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    html, chart_id, out = sys.argv[1:]
    page = open(html, encoding="utf-8").read()
    match = re.search(r'<svg class="chart" id="%s".*?</svg>' % re.escape(chart_id), page, re.S)
    if not match:
        sys.exit(f"extract_chart: no chart with id {chart_id} in {html}")
    svg = match.group(0)
    head_end = svg.index(">") + 1
    with open(out, "w", encoding="utf-8") as f:
        f.write(svg[:head_end] + STYLE + svg[head_end:] + "\n")


if __name__ == "__main__":
    main()
