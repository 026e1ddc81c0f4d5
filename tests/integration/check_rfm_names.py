#!/usr/bin/env python3
"""Recomputes the RFM segment map's names of a segment run with numpy, independently of custseg
(docs/outputs.md, "Segment names"), and compares them with results.h5 and segments.csv.

Each segment is scored 1..5 on recency (reversed) and frequency, from where its median falls in the
population's p5/p25/p50/p75/p95 (numpy's linear quantiles), interpolated linearly; the (R, F) pair
is looked up in the grid; names used twice get ", big/mid/low spenders" from the monetary score.

usage: check_rfm_names.py RUN_DIR INPUT_TABLE   (prints the names; exit 1 on a mismatch)
"""
import sys
from collections import Counter

import h5py
import numpy as np
import pandas as pd

P = [0.05, 0.25, 0.50, 0.75, 0.95]


def cdf(value, q):
    if value < q[0]:
        return P[0] / 2
    if value > q[-1]:
        return (1 + P[-1]) / 2
    equal = [i for i, x in enumerate(q) if x == value]
    if equal:
        return (P[equal[0]] + P[equal[-1]]) / 2
    for i in range(len(q) - 1):
        if q[i] < value < q[i + 1]:
            return P[i] + (P[i + 1] - P[i]) * (value - q[i]) / (q[i + 1] - q[i])
    return 0.5


def score(value, q):
    return min(5, max(1, 1 + int(np.floor(5 * cdf(value, q)))))


def grid(r, f):
    if r >= 5:
        return "New customers" if f == 1 else "Potential loyalists" if f <= 3 else "Champions"
    if r == 4:
        return "Promising" if f == 1 else "Potential loyalists" if f <= 3 else "Loyal customers"
    if r == 3:
        return "About to sleep" if f <= 2 else "Need attention" if f == 3 else "Loyal customers"
    if f <= 2:
        return "Lost" if r == 1 and f == 1 else "Hibernating"
    return "Can't lose them" if f == 5 else "At risk"


run, table = sys.argv[1], sys.argv[2]
with h5py.File(run + "/results.h5", "r") as res:
    labels = res["assignments/segment"][()]
    stored = [n.decode() if isinstance(n, bytes) else n for n in res["segments/names"][()]]
with h5py.File(table, "r") as t:
    columns = {c: t["customers/" + c][()].astype(float) for c in ("recency_days", "frequency", "monetary")}
k = len(stored)
assigned = labels >= 0
population = {c: np.quantile(v[assigned], P) for c, v in columns.items()}
scores = []
for c in range(k):
    rows = labels == c
    scores.append({name: score(np.median(v[rows]), population[name]) for name, v in columns.items()})
names = [grid(6 - s["recency_days"], s["frequency"]) for s in scores]
uses = Counter(names)
spend = lambda m: "big spenders" if m >= 4 else "low spenders" if m <= 2 else "mid spenders"
names = [n + ", " + spend(s["monetary"]) if uses[n] > 1 else n for n, s in zip(names, scores)]
seen = Counter()
for i, n in enumerate(names):
    seen[n] += 1
    if seen[n] > 1:
        names[i] = f"{n} ({seen[n]})"
csv_names = pd.read_csv(run + "/segments.csv")["name"].tolist()[:k]
for c in range(k):
    print(f"segment {c}: {names[c]}  (R {6 - scores[c]['recency_days']}, F {scores[c]['frequency']}, "
          f"M {scores[c]['monetary']}, {int((labels == c).sum())} customers)")
ok = names == stored and names == csv_names
if not ok:
    print("MISMATCH\n numpy:       ", names, "\n results.h5:  ", stored, "\n segments.csv:", csv_names)
sys.exit(0 if ok else 1)
