#!/usr/bin/python3
"""Checks RUN/assignments.csv against RUN/results.h5 with pandas and h5py (independent readers).

usage: check_assignments_csv.py RUN_DIR

Every customer of /assignments appears once, in the same order, with the same id (strings byte for
byte), the same segment, the name segments.csv gives that segment, and the same float32 distance;
dropped rows (segment -1) have an empty name and distance. Prints one line per finding; exit 1 on any.
"""
import sys

import h5py
import numpy as np
import pandas as pd


def main(run):
    with h5py.File(f"{run}/results.h5", "r") as f:
        ids = f["assignments/customer_id"][()]
        segment = f["assignments/segment"][()]
        distance = f["assignments/distance"][()]
    text_ids = ids.dtype.kind in "OS"
    csv = pd.read_csv(f"{run}/assignments.csv", dtype={"customer_id": str if text_ids else np.uint64},
                      keep_default_na=False, na_values={"distance": [""]})
    problems = []
    if list(csv.columns) != ["customer_id", "segment", "segment_name", "distance"]:
        problems.append(f"columns {list(csv.columns)}")
    if len(csv) != len(ids):
        problems.append(f"{len(csv)} rows in the CSV, {len(ids)} in results.h5")
    else:
        expected_ids = [i.decode() if isinstance(i, bytes) else i for i in ids] if text_ids else ids
        if list(csv["customer_id"]) != list(expected_ids):
            problems.append("customer ids differ")
        if not np.array_equal(csv["segment"].to_numpy(), segment.astype(np.int64)):
            problems.append("segments differ")
        kept = segment >= 0
        got = csv["distance"].to_numpy(dtype=np.float64)
        if not np.array_equal(got[kept].astype(np.float32), distance[kept]):
            problems.append("distances differ from /assignments/distance")
        if not np.all(np.isnan(got[~kept])) or (csv["segment_name"][~kept] != "").any():
            problems.append("a dropped row has a name or a distance")
        names = pd.read_csv(f"{run}/segments.csv", keep_default_na=False).set_index("segment")["name"]
        if (csv["segment_name"][kept].to_numpy() != names.loc[segment[kept]].to_numpy()).any():
            problems.append("segment names differ from segments.csv")
    for p in problems:
        print(f"assignments.csv: {p}")
    print(f"assignments.csv: {len(csv)} rows checked, {int((segment < 0).sum())} dropped")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
