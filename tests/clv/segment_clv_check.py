#!/usr/bin/python3
"""segment --clv on CDNOW (issue 14), checked against independent computations at one rank count.

1. `custseg ingest --calibration-end 1997-09-30` writes the CDNOW customer table (39 weeks), then
   `custseg clv` and `custseg segment --clv` run on it at NP ranks.
2. The fits in report.json are clv.json's, bit for bit (the same rows, the same reduction), and
   within 4 significant digits of the published-method reference (cdnow_reference.py's SciPy fit
   is checked by ctest clv_cdnow_reference; here the parameters are only carried).
3. Per customer: assignments.csv's p_alive, expected_purchases, expected_spend and clv equal
   cdnow_reference.py's own evaluation of the papers' formulas (SciPy's hyp2f1) at those
   parameters, on calibration statistics this script computes from CDNOW_master.txt; results.h5
   /assignments holds the same numbers.
4. Per segment: segments.csv's clv_sum, clv_mean, p_alive_mean and expected_purchases_mean equal
   Python sums over assignments.csv grouped by segment.
5. Calibration check: report.json's buckets (calibration frequency 0..6, 7+) hold the customer
   counts and mean holdout purchase days this script counts from the log, and the mean of the
   formula's E[X(39) | x, t_x, T]; report.html draws the chart.
6. Usage and input errors: --horizon without --clv and --horizon 0 (exit 2); --clv on a table
   without the calibration columns (exit 3, naming the ingest option) or with a negative monetary
   value (exit 3, naming the row), before the k-means fit and with no result set written.

Usage: segment_clv_check.py CUSTSEG WORKDIR NP   (exit 77 = skipped: the data set is absent)
"""
import csv
import datetime
import json
import math
import os
import shutil
import subprocess
import sys
from collections import defaultdict

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdnow_reference as ref  # noqa: E402  (the formulas: FHL05 eq. 10, FH13, lifetimes' CLV sum)

SKIP = 77
HORIZON = 39.0
REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def run(binary, np_, args, expect=0):
    mpirun = os.environ.get("CUSTSEG_MPIEXEC", "mpirun")
    cmd = [mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(np_), binary] + args
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if out.returncode != expect:
        sys.exit(f"FAIL: {' '.join(args)} exited {out.returncode}, expected {expect}\n{out.stdout}\n{out.stderr}")
    return out


def holdout_days(master):
    """Purchase days after the calibration end, per customer id (the holdout runs to the log's end)."""
    days = defaultdict(set)
    with open(master) as f:
        for line in f:
            fields = line.split()
            if len(fields) != 4 or not fields[0].isdigit():
                continue
            day = datetime.datetime.strptime(fields[1], "%Y%m%d").date()
            if day > ref.CAL_END:
                days[int(fields[0])].add(day)
    return {cid: len(d) for cid, d in days.items()}


def read_assignments(path):
    rows = list(csv.DictReader(open(path, newline="")))
    number = lambda v: float(v) if v != "" else math.nan  # noqa: E731
    ids = np.array([int(r["customer_id"]) for r in rows], dtype=np.uint64)
    segment = np.array([int(r["segment"]) for r in rows])
    figures = {k: np.array([number(r[k]) for r in rows]) for k in ("p_alive", "expected_purchases", "expected_spend", "clv")}
    return ids, segment, figures


def relative(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def check_fits(report, fits, failures):
    for model in ("bgnbd", "gamma_gamma"):
        if report["clv"][model]["params"] != fits[model]["params"]:
            failures.append(f"{model}: segment --clv {report['clv'][model]['params']} != clv {fits[model]['params']}")
    print("fits equal to custseg clv's:", report["clv"]["bgnbd"]["params"], report["clv"]["gamma_gamma"]["params"])


def check_customers(report, ids, figures, stats, results_h5, failures):
    cal_ids, x, t_x, T, m = stats
    order = {int(c): i for i, c in enumerate(cal_ids)}
    index = np.array([order[int(c)] for c in ids])
    bg = [report["clv"]["bgnbd"]["params"][k] for k in ("r", "alpha", "a", "b")]
    gg = [report["clv"]["gamma_gamma"]["params"][k] for k in ("p", "q", "gamma")]
    want = ref.reference_predictions(bg, gg, x[index], t_x[index], T[index], m[index], HORIZON)
    with h5py.File(results_h5, "r") as f:
        stored = {k: f["assignments"][k][:] for k in figures}
    for name, values in want.items():
        worst = float(np.max(np.abs(figures[name] - values) / np.maximum(np.abs(values), 1e-300)))
        print(f"{name}: sum {np.nansum(figures[name]):.6f}, largest relative difference from the formula {worst:.2e}")
        if not worst < 1e-9:
            failures.append(f"{name}: differs from the formula by {worst:.2e} (relative)")
        if not np.array_equal(stored[name], figures[name]):
            failures.append(f"{name}: results.h5 /assignments/{name} differs from assignments.csv")
    return x[index], t_x[index], T[index], bg


def check_segments(out, segment, figures, failures):
    for row in csv.DictReader(open(os.path.join(out, "segments.csv"), newline="")):
        c = int(row["segment"])
        mine = segment == c
        for name in ("clv", "p_alive", "expected_purchases"):
            got_mean = float(row[f"{name}_mean"])
            want_mean = math.fsum(figures[name][mine]) / int(mine.sum())
            if relative(got_mean, want_mean) > 1e-9:
                failures.append(f"segment {c} {name}_mean {got_mean} != {want_mean}")
        got_sum, want_sum = float(row["clv_sum"]), math.fsum(figures["clv"][mine])
        print(f"segment {c}: {int(mine.sum())} customers, clv sum {got_sum:.2f} (Python {want_sum:.2f})")
        if relative(got_sum, want_sum) > 1e-9:
            failures.append(f"segment {c} clv_sum {got_sum} != {want_sum}")


def check_calibration(report, ids, x, t_x, T, bg, holdout, failures):
    r, alpha, a, b = bg
    within = ref.reference_predictions(bg, [1.0, 2.0, 1.0], x, t_x, T, np.zeros_like(x), HORIZON)["expected_purchases"]
    actual = np.array([holdout.get(int(c), 0) for c in ids], float)
    bucket = np.minimum(x, 7).astype(int)
    buckets = report["clv"]["calibration"]
    if len(buckets) != 8 or report["clv"]["holdout_length"] != HORIZON:
        failures.append(f"calibration: {len(buckets)} buckets, holdout {report['clv']['holdout_length']}")
        return
    for k, got in enumerate(buckets):
        mine = bucket == k
        want = (int(mine.sum()), actual[mine].mean(), within[mine].mean())
        print(f"calibration {got['frequency']}: {got['customers']} customers, actual {got['actual_mean']:.4f} "
              f"(Python {want[1]:.4f}), predicted {got['predicted_mean']:.4f} (formula {want[2]:.4f})")
        if got["customers"] != want[0] or relative(got["actual_mean"], want[1]) > 1e-12 or \
                relative(got["predicted_mean"], want[2]) > 1e-9:
            failures.append(f"calibration bucket {got['frequency']}: {got} != {want}")


def check_errors(binary, np_, table, workdir, failures):
    out = os.path.join(workdir, "no-clv")
    err = run(binary, np_, ["segment", "--input", table, "--output", out, "--horizon", "5"], expect=2)
    if "--horizon requires --clv" not in err.stderr:
        failures.append(f"--horizon without --clv: {err.stderr.strip()}")
    plain = os.path.join(workdir, "plain.h5")
    with h5py.File(plain, "w") as f:
        g = f.create_group("customers")
        g["customer_id"] = np.arange(200, dtype=np.int64)
        g["spend"] = np.linspace(1, 50, 200)
        g["visits"] = np.arange(200) % 7 + 1.0
    out = os.path.join(workdir, "no-columns")
    err = run(binary, np_, ["segment", "--input", plain, "--output", out, "--k", "2", "--features", "spend,visits",
                                "--clv"], expect=3)
    if "--calibration-end" not in err.stderr or "k-means:" in err.stdout + err.stderr or \
            os.path.exists(os.path.join(out, "results.h5")):
        failures.append(f"--clv without calibration columns: {err.stderr.strip()}")
    # A cohort row with a negative mean spend (ingest never writes one): named, before the fit.
    with h5py.File(plain, "a") as f:
        g = f["customers"]
        g["frequency"] = np.arange(200) % 3 * 1.0
        g["recency"] = np.where(np.arange(200) % 3 > 0, 5.0, 0.0)
        g["T"] = np.full(200, 20.0)
        monetary = np.where(np.arange(200) % 3 > 0, 30.0, 0.0)
        monetary[151] = -50.0
        g["monetary_value"] = monetary
    out = os.path.join(workdir, "negative-spend")
    err = run(binary, np_, ["segment", "--input", plain, "--output", out, "--k", "2", "--features", "spend,visits",
                            "--clv"], expect=3)
    if "row 151: monetary value is negative" not in err.stderr or "k-means:" in err.stdout + err.stderr:
        failures.append(f"--clv with a negative monetary value: {err.stderr.strip()}")
    err = run(binary, np_, ["segment", "--input", plain, "--output", out, "--clv", "--horizon", "0"], expect=2)
    if "--horizon must be a finite number > 0" not in err.stderr:
        failures.append(f"--horizon 0: {err.stderr.strip()}")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    binary, workdir, np_ = sys.argv[1], sys.argv[2], int(sys.argv[3])
    master = ref.find_master()
    if master is None:
        print("SKIPPED: CDNOW_master.txt not found (set CUSTSEG_SHARED_DATA to the shared/data folder)")
        return SKIP
    shutil.rmtree(workdir, ignore_errors=True)  # a result set from an earlier run would refuse the next
    os.makedirs(workdir)
    table = os.path.join(workdir, "cdnow.h5")
    run(binary, np_, ["ingest", "--config", os.path.join(REPO, "configs", "ingest-cdnow.ini"), "--transactions", master,
                      "--calibration-end", "1997-09-30", "--output", table, "--overwrite"])
    clv_out, seg_out = os.path.join(workdir, "clv"), os.path.join(workdir, "segment")
    common = ["--horizon", str(HORIZON), "--discount-rate", str(ref.DISCOUNT), "--overwrite"]
    run(binary, np_, ["clv", "--input", table, "--output", clv_out] + common)
    run(binary, np_, ["segment", "--input", table, "--output", seg_out, "--k", "4", "--nan-policy", "drop", "--clv"] + common)
    fits = json.load(open(os.path.join(clv_out, "clv.json")))
    report = json.load(open(os.path.join(seg_out, "report.json")))
    failures = []
    check_fits(report, fits, failures)
    ids, segment, figures = read_assignments(os.path.join(seg_out, "assignments.csv"))
    x, t_x, T, bg = check_customers(report, ids, figures, ref.calibration_statistics(master),
                                    os.path.join(seg_out, "results.h5"), failures)
    check_segments(seg_out, segment[segment >= 0], {k: v[segment >= 0] for k, v in figures.items()}, failures)
    check_calibration(report, ids, x, t_x, T, bg, holdout_days(master), failures)
    html = open(os.path.join(seg_out, "report.html")).read()
    for marker in ('id="clv"', 'id="chart-calibration"', 'class="card clv-card"'):
        if marker not in html:
            failures.append(f"report.html lacks {marker}")
    check_errors(binary, np_, table, workdir, failures)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"OK at {np_} ranks: segment --clv fits = custseg clv's; per-customer, per-segment and calibration "
              "figures equal the independent computations")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
