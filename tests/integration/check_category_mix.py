#!/usr/bin/python3
"""Independent check of report.json's category_mix (--profile, --bands) and column metadata with
h5py, numpy and pandas, from the input table and results.h5's per-customer assignments.

  check_category_mix.py TABLE.h5 RUN_DIR COLUMN[:CUT,CUT,...] ...
Exit 0 when every share equals pandas' to 1e-12; a message and exit 1 otherwise.
"""
import json
import sys

import h5py
import numpy as np
import pandas as pd


def fail(message):
    print(message)
    sys.exit(1)


def main(table, run, specs):
    report = json.load(open(f"{run}/report.json"))
    mixes = {m["column"]: m for m in report["category_mix"]}
    with h5py.File(f"{run}/results.h5", "r") as r:
        assigned = pd.DataFrame({"customer_id": r["/assignments/customer_id"][()], "segment": r["/assignments/segment"][()]})
    with h5py.File(table, "r") as t:
        g = t["customers"]
        frame = pd.DataFrame({"customer_id": g["customer_id"][()]})
        attrs = {}
        for spec in specs:
            column = spec.split(":")[0]
            frame[column] = g[column][()]
            attrs[column] = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g[column].attrs.items()}
        for f in report["features"]:
            a = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g[f["name"]].attrs.items()}
            for key in ("label", "unit", "higher_is"):
                if a.get(key) != f.get(key):
                    fail(f"feature {f['name']}: report.json {key} = {f.get(key)!r}, the table's attribute {a.get(key)!r}")
    data = frame.merge(assigned, on="customer_id")
    data = data[data["segment"] >= 0]
    for spec in specs:
        column, _, cuts = spec.partition(":")
        mix = mixes.get(column) or fail(f"report.json has no category_mix for {column}")
        if cuts:
            edges = [float(c) for c in cuts.split(",")]
            groups = pd.cut(data[column], [-np.inf] + edges + [np.inf], right=False, labels=False)
            want_labels = [f"{column} < {cuts.split(',')[0]}"] + \
                [f"{a} <= {column} < {b}" for a, b in zip(cuts.split(",")[:-1], cuts.split(",")[1:])] + \
                [f"{column} >= {cuts.split(',')[-1]}"]
        else:
            categories = attrs[column].get("categories")
            want_labels = [c.decode() if isinstance(c, bytes) else str(c) for c in categories]
            groups = data[column]
        if mix["groups"] != want_labels:
            fail(f"{column}: groups {mix['groups']}, expected {want_labels}")
        unknown = int(len(groups) - groups.isin(range(len(want_labels))).sum())
        if mix.get("unknown") != unknown:
            fail(f"{column}: report.json unknown = {mix.get('unknown')!r}, pandas counts {unknown} segmented customers without a value")
        pop = groups.value_counts(normalize=True).reindex(range(len(want_labels)), fill_value=0.0)
        if not np.allclose(mix["population_share"], pop.values, rtol=0, atol=1e-12):
            fail(f"{column}: population shares {mix['population_share']} vs pandas {list(pop.values)}")
        for seg in mix["segments"]:
            if seg["suppressed"]:
                continue
            in_seg = groups[data["segment"] == seg["segment"]]
            share = in_seg.value_counts(normalize=True).reindex(range(len(want_labels)), fill_value=0.0)
            if not np.allclose(seg["share"], share.values, rtol=0, atol=1e-12):
                fail(f"{column} segment {seg['segment']}: {seg['share']} vs pandas {list(share.values)}")
        print(f"{column}: {len(want_labels)} groups, {len(mix['segments'])} segments match pandas")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        fail(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
