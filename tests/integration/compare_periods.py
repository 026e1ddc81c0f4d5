#!/usr/bin/env python3
"""Two periods of one customer base for `custseg compare`, and the serial reference it is checked
against (pandas merge on id, crosstab, scikit-learn's adjusted_rand_score, numpy deciles and PSI).

usage:
  compare_periods.py make BASE.h5 A.h5 B.h5 [--text-ids]   # two periods from a generated table
  compare_periods.py check A.h5 B.h5 RUN_A RUN_B OUT [--permuted]
                         # OUT/migration.csv, report.json vs reference; --permuted: RUN_B's segment
                         # IDs must not be in k-means index order (made with segment --previous)
  compare_periods.py mark RESULTS.h5 FORMAT VERSION         # set the root format attributes
  compare_periods.py repeat IN.h5 OUT.h5                     # IN with one id on two kept rows
  compare_periods.py recorded RESULTS.h5 [PATH]              # set /model@input_path (no PATH: remove it)
  compare_periods.py drop RESULTS.h5 OBJECT                  # delete a group or dataset
  compare_periods.py permute IN.h5 OUT.h5                    # IN's rows, last third reversed
  compare_periods.py regenerate BASE.h5 LIKE.h5 OUT.h5       # another draw of BASE, as many rows as LIKE
  (permute and regenerate print the first row whose id differs, its new id and its old id)
"""
import json
import math
import sys

import h5py
import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

EPS = 1e-4
DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def read_table(path):
    with h5py.File(path, "r") as f:
        g = f["customers"]
        cols = {name: g[name][()] for name in g}
        attrs = {name: dict(g[name].attrs) for name in g}
    return cols, attrs


def write_table(path, cols, attrs, order):
    with h5py.File(path, "w") as f:
        g = f.create_group("customers")
        for name, values in cols.items():
            v = values[order]
            if v.dtype.kind == "O":
                d = g.create_dataset(name, data=v, dtype=h5py.string_dtype())
            else:
                d = g.create_dataset(name, data=v)
            for k, a in attrs[name].items():
                d.attrs[k] = a


def make(base, a_path, b_path, text_ids):
    cols, attrs = read_table(base)
    n = len(cols["customer_id"])
    rng = np.random.default_rng(7)
    if text_ids:
        cols["customer_id"] = np.array(["C%06d" % i for i in cols["customer_id"]], dtype=object)
    # Period A: 90% of the customers, some monetary values NaN (rows segment drops), shuffled.
    keep_a = np.flatnonzero(rng.random(n) < 0.9)
    a = {k: v.copy() for k, v in cols.items()}
    nan_rows = rng.choice(n, size=max(1, n // 100), replace=False)
    a["monetary"] = a["monetary"].astype(np.float64)
    a["monetary"][nan_rows] = np.nan
    write_table(a_path, a, attrs, rng.permutation(keep_a))
    # Period B: 85% kept (another draw), behaviour moved, plus new customers, shuffled.
    keep_b = np.flatnonzero(rng.random(n) < 0.85)
    fresh = rng.choice(n, size=n // 8, replace=False)
    b = {}
    for k, v in cols.items():
        b[k] = np.concatenate([v, v[fresh]])
    if text_ids:
        b["customer_id"][n:] = np.array(["N%06d" % i for i in range(len(fresh))], dtype=object)
    else:
        b["customer_id"][n:] = np.arange(len(fresh), dtype=b["customer_id"].dtype) + cols["customer_id"].max() + 1
    moved = rng.random(n + len(fresh)) < 0.3
    for name in ("monetary", "frequency", "recency_days"):
        b[name] = b[name].astype(np.float64)
        b[name][moved] *= rng.uniform(0.5, 1.6, size=int(moved.sum()))
    b["revenue_12m"] = b["revenue_12m"] * rng.uniform(0.8, 1.3, size=n + len(fresh))
    rows_b = np.concatenate([keep_b, np.arange(n, n + len(fresh))])
    write_table(b_path, b, attrs, rng.permutation(rows_b))


def run_frame(results, table):
    with h5py.File(results, "r") as f:
        ids = f["assignments/customer_id"][()]
        seg = f["assignments/segment"][()]
        kpis = [s.decode() if isinstance(s, bytes) else s for s in f["segments/kpi_names"][()]] if "segments/kpi_names" in f else []
        feats = [s.decode() if isinstance(s, bytes) else s for s in f["model/feature_names"][()]]
        k = f["model/centroids"].shape[0]
        sid = f["segments/segment_id"][()] if "segments/segment_id" in f else np.arange(k)
        model = {n: f["model/" + n][()] for n in ("centroids", "centroids_scaled", "transform/mean", "transform/scale")}
    ids = [i.decode() if isinstance(i, bytes) else i for i in ids]
    frame = pd.DataFrame({"id": ids, "segment": seg})
    cols, _ = read_table(table)
    for name in set(kpis) | set(feats):
        frame[name] = np.asarray(cols[name], dtype=np.float64)
    return frame[frame.segment >= 0], kpis, feats, list(sid), model


def expect(ok, what):
    if not ok:
        raise SystemExit("MISMATCH: " + what)


def check_matrix(csv, a, b, kpis):
    both = a.merge(b, on="id", suffixes=("_a", "_b"), how="outer", indicator=True)
    label_a = both.segment_a.map(lambda v: "new" if pd.isna(v) else str(int(v)))
    label_b = both.segment_b.map(lambda v: "lost" if pd.isna(v) else str(int(v)))
    counts = pd.crosstab(label_a, label_b)
    expect(csv.customers.sum() == len(both), "total customers")
    expect(not ((csv.previous_segment == "new") & (csv.current_segment == "lost")).any(), "a (new, lost) line")
    in_both = csv[(csv.previous_segment != "new") & (csv.current_segment != "lost")].customers.sum()
    expect(in_both == (both._merge == "both").sum(), "customers in both")
    for _, row in csv.iterrows():
        p, c = row.previous_segment, row.current_segment
        want = counts.loc[p, c] if p in counts.index and c in counts.columns else 0
        expect(row.customers == want, f"count {p}->{c}: {row.customers} vs {want}")
        sel = both[(label_a == p) & (label_b == c)]
        for k in kpis:  # previous value unless new
            vals = sel[k + "_b"] if p == "new" else sel[k + "_a"]
            ref = math.fsum(v for v in vals if np.isfinite(v))
            scale = max(1.0, np.nanmax(np.abs(np.concatenate([a[k], b[k]]))))
            expect(abs(row[k] - ref) <= 1e-12 * max(abs(ref), scale), f"{k} {p}->{c}: {row[k]!r} vs {ref!r}")
    return both[both._merge == "both"]


def check_order(csv, report, sid_a, sid_b, a, b):
    """Both runs' segments by stable ID, then new / lost; no (new, lost) line in migration.csv; the
    report.json matrix equals the crosstab laid out in that order."""
    rows = [str(i) for i in sorted(int(s) for s in sid_a)] + ["new"]
    cols = [str(i) for i in sorted(int(s) for s in sid_b)] + ["lost"]
    cells = [(r, c) for r in rows for c in cols if (r, c) != ("new", "lost")]
    expect(list(zip(csv.previous_segment, csv.current_segment)) == cells,
           f"migration.csv order {list(zip(csv.previous_segment, csv.current_segment))} vs {cells}")
    m = report["migration"]
    expect(m["rows"] == rows and m["columns"] == cols, f"report.json labels {m['rows']} {m['columns']} vs {rows} {cols}")
    both = a.merge(b, on="id", suffixes=("_a", "_b"), how="outer")
    label_a = both.segment_a.map(lambda v: "new" if pd.isna(v) else str(int(v)))
    label_b = both.segment_b.map(lambda v: "lost" if pd.isna(v) else str(int(v)))
    want = pd.crosstab(label_a, label_b).reindex(index=rows, columns=cols, fill_value=0)
    expect(want.to_numpy().tolist() == m["customers"], "report.json migration customers vs crosstab")


def check(a_table, b_table, run_a, run_b, out, *flags):
    a, kpis_a, feats_a, sid_a, model_a = run_frame(run_a + "/results.h5", a_table)
    b, kpis_b, feats_b, sid_b, model_b = run_frame(run_b + "/results.h5", b_table)
    if "--permuted" in flags:
        expect(list(sid_b) != sorted(sid_b), f"current run's segment IDs {list(sid_b)} are in index order")
    kpis = [k for k in kpis_a if k in kpis_b]
    csv = pd.read_csv(out + "/migration.csv", dtype={"previous_segment": str, "current_segment": str})
    for col in ["customers", "share_of_previous"] + kpis:
        expect(pd.api.types.is_numeric_dtype(csv[col]), "numeric column " + col)
    for col in ["customers"]:
        expect(pd.api.types.is_integer_dtype(csv[col]), "integer column " + col)
    both = check_matrix(csv, a, b, kpis)
    report = json.load(open(out + "/report.json"))
    check_order(csv, report, sid_a, sid_b, a, b)
    drift_ids = [s["segment_id"] for s in report["centroid_drift"]["segments"]]
    expect(drift_ids == sorted(drift_ids), f"centroid drift not in ID order: {drift_ids}")
    ari = adjusted_rand_score(both.segment_a, both.segment_b)
    expect(abs(report["adjusted_rand_index"] - ari) <= 1e-12, f"ARI {report['adjusted_rand_index']} vs {ari}")
    feats = [f for f in feats_a if f in feats_b]
    got = {s["feature"]: s for s in report["feature_stability"]["features"]}
    expect(sorted(got) == sorted(feats), f"PSI features {sorted(got)} vs {feats}")
    for name in feats:
        va, vb = a[name][np.isfinite(a[name])].to_numpy(), b[name][np.isfinite(b[name])].to_numpy()
        edges = np.quantile(va, DECILES)
        ca = np.bincount(np.searchsorted(edges, va, side="left"), minlength=10)
        cb = np.bincount(np.searchsorted(edges, vb, side="left"), minlength=10)
        sa, sb = np.maximum(ca / ca.sum(), EPS), np.maximum(cb / cb.sum(), EPS)
        psi = float(np.sum((sb - sa) * np.log(sb / sa)))
        expect(list(got[name]["previous_counts"]) == list(ca), f"PSI bins of {name}")
        expect(abs(got[name]["psi"] - psi) <= 1e-9, f"PSI {name}: {got[name]['psi']} vs {psi}")
    if feats_a == feats_b:
        drift = {s["segment_id"]: s for s in report["centroid_drift"]["segments"]}
        for ca_, ida in enumerate(sid_a):
            if ida not in sid_b:
                continue
            cb_ = sid_b.index(ida)
            f = model_b["centroids_scaled"][cb_] * model_b["transform/scale"] + model_b["transform/mean"]
            z = (f - model_a["transform/mean"]) / model_a["transform/scale"]
            dist = float(np.linalg.norm(z - model_a["centroids_scaled"][ca_]))
            expect(abs(drift[int(ida)]["distance_scaled"] - dist) <= 1e-9, f"drift of {ida}")
    print(f"ok: {len(both)} in both, ARI {ari:.6f}, {len(feats)} PSI features, KPIs {kpis}")


def mark(path, fmt, version):
    with h5py.File(path, "a") as f:
        f.attrs["format"] = fmt
        f.attrs["format_version"] = version


def recorded(path, input_path=None):
    with h5py.File(path, "a") as f:
        if input_path is None:
            del f["model"].attrs["input_path"]
        else:
            f["model"].attrs["input_path"] = input_path


def drop(path, name):
    with h5py.File(path, "a") as f:
        del f[name]


def repeat(src, dst):
    cols, attrs = read_table(src)
    # Two rows that segment keeps (finite features), so the repeat reaches compare.
    first, second = np.flatnonzero(np.isfinite(cols["monetary"]))[:2]
    cols["customer_id"][second] = cols["customer_id"][first]
    write_table(dst, cols, attrs, np.arange(len(cols["customer_id"])))
    print(cols["customer_id"][first])


def first_difference(old_ids, new_ids):
    row = int(np.flatnonzero(old_ids != new_ids)[0])
    show = lambda v: f"'{v}'" if isinstance(v, (str, bytes)) else str(v)
    text = lambda v: v.decode() if isinstance(v, bytes) else v
    print(f"{row} {show(text(new_ids[row]))} {show(text(old_ids[row]))}")


def permute(src, dst):
    """The same rows, the last third in reverse: prints the first row whose id moved, its new and old id."""
    cols, attrs = read_table(src)
    n = len(cols["customer_id"])
    order = np.arange(n)
    order[2 * n // 3:] = order[2 * n // 3:][::-1]
    write_table(dst, cols, attrs, order)
    first_difference(cols["customer_id"], cols["customer_id"][order])


def regenerate(base, like, dst):
    """Another draw of base's customers with as many rows as `like` (a period table made again)."""
    cols, attrs = read_table(base)
    n_like = len(read_table(like)[0]["customer_id"])
    order = np.random.default_rng(11).choice(len(cols["customer_id"]), size=n_like, replace=False)
    write_table(dst, cols, attrs, order)
    first_difference(read_table(like)[0]["customer_id"], cols["customer_id"][order])


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "make":
        make(args[0], args[1], args[2], "--text-ids" in args)
    elif cmd == "check":
        check(*args)
    elif cmd == "mark":
        mark(*args)
    elif cmd == "repeat":
        repeat(*args)
    elif cmd == "recorded":
        recorded(*args)
    elif cmd == "permute":
        permute(*args)
    elif cmd == "regenerate":
        regenerate(*args)
    elif cmd == "drop":
        drop(*args)
    else:
        raise SystemExit(__doc__)
