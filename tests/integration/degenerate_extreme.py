#!/usr/bin/env python3
"""Tables and independent checks for test_degenerate_extreme.cpp (numpy, h5py, scikit-learn).

  degenerate_extreme.py make-dups TABLE          17 customers, 8 distinct (orders, spend) pairs
  degenerate_extreme.py check-dups TABLE OUTDIR K   one segment per distinct row, as numpy counts them
  degenerate_extreme.py make-huge TABLE          200 customers, monetary[57] = 1e200 (a sentinel)
  degenerate_extreme.py check-finite OUTDIR DROPPED
  degenerate_extreme.py make-scaled TABLE        one column at 1, 1e-300 and 1e100 times its values
  degenerate_extreme.py check-same OUT_A OUT_B RATIO   same segments, first feature's statistics x RATIO
  degenerate_extreme.py make-offset TABLE        timestamps ~1.7e9 and account numbers ~4.2e12
  degenerate_extreme.py check-offset TABLE OUTDIR raw|standardized   custseg against scikit-learn
Exit 0 when the check holds; otherwise the reason on stdout and exit 1.
"""
import json
import sys

import h5py
import numpy as np


def write_table(path, columns):
    n = len(next(iter(columns.values())))
    with h5py.File(path, "w") as f:
        g = f.create_group("customers")
        g["customer_id"] = np.arange(101, 101 + n, dtype=np.uint64)
        for name, values in columns.items():
            g[name] = np.asarray(values, dtype=float)


def features(table, names):
    with h5py.File(table) as f:
        return np.column_stack([f["customers"][n][:] for n in names])


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def make_dups(table):
    rows = [(2, 40)] * 3 + [(2, 41)] * 2 + [(5, 120)] * 2 + [(5, 121)] + [(9, 300)] * 2 + [(9, 310)] + \
           [(1, 15)] * 4 + [(1, 16)] * 2
    x = np.array(rows, float)
    write_table(table, {"orders": x[:, 0], "spend": x[:, 1]})


def check_dups(table, out, k):
    x = features(table, ["orders", "spend"])
    points, counts = np.unique(x, axis=0, return_counts=True)
    with h5py.File(f"{out}/results.h5") as f:
        c = f["model/centroids"][:]
        seg_counts = f["segments/count"][:]
        attrs = dict(f["model"].attrs)
        labels = f["assignments/segment"][:]
    report = json.load(open(f"{out}/report.json"))
    if len(c) != len(points):
        fail(f"{len(c)} centroids for {len(points)} distinct rows")
    # k-means stores the standardized rows in float32: the centroids are the distinct rows to
    # float32's resolution (relative 6e-8) once taken back to original units.
    order = np.lexsort(c.T[::-1])
    if not np.allclose(c[order], points, rtol=1e-6, atol=0):
        fail(f"centroids {c.tolist()} are not the distinct rows {points.tolist()}")
    if sorted(seg_counts.tolist()) != sorted(counts.tolist()):
        fail(f"segment counts {seg_counts.tolist()} != distinct-row counts {counts.tolist()}")
    for i, row in enumerate(x):  # every customer is in the segment of its own point
        if not np.allclose(c[labels[i]], row, rtol=1e-6, atol=0):
            fail(f"row {i} {row} assigned to centroid {c[labels[i]]}")
    if not attrs["converged"] or attrs["iterations"] > 5:
        fail(f"converged={attrs['converged']} after {attrs['iterations']} iterations")
    m = report["model"]
    if m.get("requested_k") != k or m.get("distinct_rows") != len(points) or report["k"] != len(points):
        fail(f"report.json says k={report['k']}, model {m.get('requested_k')}/{m.get('distinct_rows')}")
    expected = f"k = {k} requested, {len(points)} distinct customers: {len(points)} segments"
    if m.get("note") != expected:
        fail(f"note {m.get('note')!r} != {expected!r}")
    print(f"PASS: {len(points)} segments, counts {sorted(counts.tolist())}")


def make_huge(table):
    rng = np.random.default_rng(8)
    n = 200
    monetary = rng.gamma(2, 150, n)
    monetary[57] = 1e200
    write_table(table, {"monetary": monetary, "frequency": (rng.poisson(4, n) + 1).astype(float)})


def check_finite(out, dropped):
    with h5py.File(f"{out}/results.h5") as f:
        for p in ["model/centroids", "model/centroids_scaled", "segments/mean", "segments/std"]:
            if not np.isfinite(f[p][:]).all():
                fail(f"{p} is not finite: {f[p][:].tolist()}")
        if int(f["model"].attrs["n_rows_dropped"]) != dropped:
            fail(f"n_rows_dropped {f['model'].attrs['n_rows_dropped']} != {dropped}")
        if f["assignments/segment"][57] != -1:
            fail("row 57 (the sentinel) was assigned a segment")
    print("PASS: finite results, sentinel row dropped")


def make_scaled(table):
    # The same column at three magnitudes: standardized k-means must not see the difference.
    rng = np.random.default_rng(8)
    monetary = rng.gamma(2, 150, 300)
    write_table(table, {"monetary": monetary, "tiny": monetary * 1e-300, "huge": monetary * 1e100,
                        "frequency": (rng.poisson(4, 300) + 1).astype(float)})


def check_same(out_a, out_b, ratio):
    # Same labels and inertia; the first feature's statistics scale by `ratio`.
    with h5py.File(f"{out_a}/results.h5") as a, h5py.File(f"{out_b}/results.h5") as b:
        if not (a["assignments/segment"][:] == b["assignments/segment"][:]).all():
            fail("labels differ")
        if a["model"].attrs["inertia"] != b["model"].attrs["inertia"]:
            fail(f"inertia {a['model'].attrs['inertia']} != {b['model'].attrs['inertia']}")
        for p in ["segments/mean", "segments/std", "model/centroids"]:
            x, y = a[p][:], b[p][:]
            if not np.allclose(x[..., 0] * ratio, y[..., 0], rtol=1e-12, atol=0):
                fail(f"{p}: {x[..., 0].tolist()} x {ratio} != {y[..., 0].tolist()}")
    print("PASS: same segments at both magnitudes")


def make_offset(table):
    # Three groups 300 s and 5000 account units apart, spread 20 and 200: invisible in float32
    # storage of the raw values (ulp 128 at 1.7e9, 2^19 at 4.2e12) unless k-means centres them.
    rng = np.random.default_rng(3)
    g = rng.integers(0, 3, 600)
    ts = 1.7e9 + 300.0 * g + rng.normal(0, 20, 600).round(3)
    acct = 4.2e12 + 5000.0 * g + rng.normal(0, 200, 600).round(0)
    write_table(table, {"ts": ts, "acct": acct})


def check_offset(table, out, standardized):
    from sklearn.cluster import KMeans
    x = features(table, ["ts", "acct"])
    mean, std = x.mean(axis=0), x.std(axis=0)
    with h5py.File(f"{out}/results.h5") as f:
        c = f["model/centroids"][:]
        labels = f["assignments/segment"][:]
        inertia = float(f["model"].attrs["inertia"])
        t_mean, t_scale = f["model/transform/mean"][:], f["model/transform/scale"][:]
    # The transform: the exact mean always (k-means runs centred), the population std when
    # standardizing (it used to round to 0 for the account numbers: "constant", scale 1).
    if not np.allclose(t_mean, mean, rtol=1e-14, atol=0):
        fail(f"transform mean {t_mean.tolist()} != {mean.tolist()}")
    expected_scale = std if standardized else np.ones(2)
    if not np.allclose(t_scale, expected_scale, rtol=1e-9, atol=0):
        fail(f"transform scale {t_scale.tolist()} != {expected_scale.tolist()}")
    z = (x - mean) / std if standardized else x
    ref = KMeans(n_clusters=3, n_init=10, random_state=0).fit(z)
    if standardized:
        ref.cluster_centers_ = ref.cluster_centers_ * std + mean
    # Same partition (up to the numbering of segments) ...
    pairs = {(a, b) for a, b in zip(labels.tolist(), ref.labels_.tolist())}
    if len(pairs) != 3:
        fail(f"partition differs from scikit-learn's: label pairs {sorted(pairs)}")
    # ... so the same centroids in original units, here to 1e-3 s and 1e-3 account units (1e-12
    # and 1e-15 relative), and the same inertia.
    ours = c[np.argsort(c[:, 0])]
    theirs = ref.cluster_centers_[np.argsort(ref.cluster_centers_[:, 0])]
    if not np.allclose(ours, theirs, rtol=0, atol=1e-3):
        fail(f"centroids {ours.tolist()} != scikit-learn {theirs.tolist()}")
    if abs(inertia - ref.inertia_) > 1e-6 * ref.inertia_:
        fail(f"inertia {inertia} != scikit-learn {ref.inertia_}")
    print(f"PASS: partition, centroids and inertia ({inertia:.6g}) equal scikit-learn's")


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    {"make-dups": make_dups, "make-huge": make_huge, "make-offset": make_offset, "make-scaled": make_scaled}.get(mode, lambda *a: None)(*args[:1])
    if mode == "check-dups":
        check_dups(args[0], args[1], int(args[2]))
    elif mode == "check-finite":
        check_finite(args[0], int(args[1]))
    elif mode == "check-same":
        check_same(args[0], args[1], float(args[2]))
    elif mode == "check-offset":
        check_offset(args[0], args[1], args[2] == "standardized")
