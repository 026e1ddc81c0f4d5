#!/usr/bin/python3
"""Helpers of test_segment_ids.cpp (Debian's python3 with numpy and h5py).

blobs OUT.h5 PERIOD: a customer table with features x, y: four well separated blobs of 500
  customers around (0,0), (10,0), (0,10), (10,10) (sd 0.5). Period 2 is the same customers with
  every blob moved by (0.3, -0.2) except the last, which moves to (30,30): far beyond one previous
  standard deviation. Rows are written in a different order in period 2.
check-period2 P1.h5 P2.h5 P2_DRIFT0.h5: checks generate --period 2 against period 1 (proportions
  lost/kept/new, ids, demographics, the drift); prints what failed and exits 1, else prints ok.
"""
import sys

import h5py
import numpy as np

CENTRES = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
PERIOD2 = np.array([[0.3, -0.2], [10.3, -0.2], [0.3, 9.8], [30.0, 30.0]])


def blobs(out, period):
    rng = np.random.default_rng(7)
    per = 500
    blob = np.repeat(np.arange(4), per)
    noise = rng.normal(0.0, 0.5, size=(4 * per, 2))
    centres = CENTRES if period == 1 else PERIOD2
    xy = centres[blob] + noise
    ids = np.arange(1, 4 * per + 1, dtype=np.uint64) * 7
    order = np.arange(4 * per) if period == 1 else np.random.default_rng(3).permutation(4 * per)
    with h5py.File(out, "w") as f:
        g = f.create_group("customers")
        g["customer_id"] = ids[order]
        g["x"] = xy[order, 0]
        g["y"] = xy[order, 1]
        g["blob"] = blob[order].astype(np.int32)


def check_period2(p1_path, p2_path, drift0_path):
    problems = []
    with h5py.File(p1_path, "r") as a, h5py.File(p2_path, "r") as b, h5py.File(drift0_path, "r") as z:
        p1, p2, p0 = a["customers"], b["customers"], z["customers"]
        ids1, ids2 = p1["customer_id"][:], p2["customer_id"][:]
        n = len(ids1)
        lost, added = int(np.floor(0.10 * n + 0.5)), int(np.floor(0.15 * n + 0.5))
        if sorted(p1.keys()) != sorted(p2.keys()):
            problems.append(f"columns differ: {sorted(p1.keys())} vs {sorted(p2.keys())}")
        if len(ids2) != n - lost + added:
            problems.append(f"{len(ids2)} rows, expected {n} - {lost} lost + {added} new")
        if len(np.unique(ids2)) != len(ids2):
            problems.append("repeated ids in period 2")
        kept = np.isin(ids2, ids1)
        if kept.sum() != n - lost:
            problems.append(f"{kept.sum()} kept customers, expected {n - lost}")
        if not (ids2[~kept] > ids1.max()).all():
            problems.append("a new customer reuses an id of period 1 or lies below them")
        if np.all(np.diff(ids2.astype(np.int64)) > 0):
            problems.append("period 2 rows are in id order: not shuffled")
        row1 = (ids2[kept] - ids1[0]).astype(np.int64)  # period-1 row of each kept customer
        if not np.array_equal(ids1[row1], ids2[kept]):
            problems.append("period-1 ids are not 100000001 + row")
        for col in ("age", "region", "gender"):
            if not np.array_equal(p1[col][:][row1], p2[col][:][kept]):
                problems.append(f"{col} of kept customers changed")
        if not (p2["tenure_days"][:][kept] >= p1["tenure_days"][:][row1] + 91).all():
            problems.append("tenure of kept customers did not grow by a quarter")
        seg1, seg2 = p1["true_segment"][:][row1], p2["true_segment"][:][kept]
        loyal_or_bargain = (seg1 == 0) | (seg1 == 1)
        lapse = np.mean(seg2[loyal_or_bargain] == 3)
        if abs(lapse - 0.20) > 0.06:
            problems.append(f"{lapse:.3f} of kept loyal/bargain customers lapsed, expected 0.20 at drift 1")
        lapsed = loyal_or_bargain & (seg2 == 3)
        r1, r2 = p1["recency_days"][:][row1], p2["recency_days"][:][kept]
        if not (r2[lapsed] > r1[lapsed]).all():
            problems.append("lapsed customers' recency did not go up")
        if not (p2["true_segment"][:][~kept] == 2).all():
            problems.append("new customers are not drawn from the 'new customers' archetype")
        # drift 0: the same customers (same permutations), behaviour unchanged apart from tenure
        ids0 = p0["customer_id"][:]
        if not np.array_equal(ids0, ids2):
            problems.append("--drift changes which customers are kept or their order")
        for col in ("recency_days", "frequency", "avg_basket", "monetary", "true_segment"):
            if not np.array_equal(p0[col][:][kept], p1[col][:][row1]):
                problems.append(f"{col} moved at --drift 0")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    if sys.argv[1] == "blobs":
        blobs(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "check-period2":
        check_period2(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit("unknown command " + sys.argv[1])
