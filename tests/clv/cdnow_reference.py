#!/usr/bin/python3
"""Independent reference for the CLV fits (issue 14), run by ctest with /usr/bin/python3.

1. Computes the CDNOW 39-week calibration statistics itself from CDNOW_master.txt: purchases on
   the same day are one transaction; calibration 1997-01-01 .. 1997-09-30 (inclusive); time in
   weeks; frequency = repeat purchase days, recency = weeks from the first to the last purchase,
   T = weeks from the first purchase to the calibration end; monetary_value = mean dollar value
   of the repeat purchase days (0 without any).
2. Fits BG/NBD (Fader, Hardie & Lee 2005, eq. 6) and gamma-gamma (Fader & Hardie 2013) by maximum
   likelihood with SciPy's Nelder-Mead on its own NumPy log-likelihoods (no gradients: nothing is
   shared with the C++ code but the formulas of the papers).
3. Writes the statistics to an HDF5 customer table (h5py), runs the C++ fit (clv_fit_table) under
   mpirun at 1, 2, 3 and 4 ranks, and checks: the parameters agree with SciPy's to 4 significant
   digits, and they (and the log-likelihood) have the same bits at every rank count.
4. Runs `custseg clv` on the same table at 3 ranks: its clv.json must hold the same parameters, and
   its per-customer P(alive), expected purchases (39 weeks) and expected spend in clv.h5 must equal
   this script's own evaluation of the papers' formulas (SciPy's hyp2f1) at those parameters.

Usage: cdnow_reference.py CLV_FIT_TABLE CUSTSEG WORKDIR   (exit 77 = skipped: the data set is absent)
"""
import datetime
import json
import os
import subprocess
import sys
import time
from collections import defaultdict

import h5py
import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

SKIP = 77
CAL_START = datetime.date(1997, 1, 1)
CAL_END = datetime.date(1997, 9, 30)


def find_master():
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get("CUSTSEG_SHARED_DATA") or os.path.join(here, "..", "..", "..", "shared", "data")
    path = os.path.join(shared, "cdnow", "CDNOW_master.txt")
    return path if os.path.isfile(path) else None


def calibration_statistics(path):
    """Per customer (in file order of first appearance): frequency, recency, T, monetary_value."""
    daily = defaultdict(lambda: defaultdict(float))  # id -> day -> dollars that day
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) != 4 or not fields[0].isdigit():
                continue  # a header line
            day = datetime.datetime.strptime(fields[1], "%Y%m%d").date()
            if CAL_START <= day <= CAL_END:
                daily[int(fields[0])][day] += float(fields[3])
    ids = sorted(daily)
    x, t_x, T, m = [], [], [], []
    for cid in ids:
        days = sorted(daily[cid])
        first, last = days[0], days[-1]
        x.append(len(days) - 1)
        t_x.append((last - first).days / 7.0)
        T.append((CAL_END - first).days / 7.0)
        repeat = [daily[cid][d] for d in days[1:]]
        m.append(sum(repeat) / len(repeat) if repeat else 0.0)
    return np.array(ids, dtype=np.uint64), np.array(x, float), np.array(t_x), np.array(T), np.array(m)


def bgnbd_loglik(log_params, x, t_x, T):
    r, alpha, a, b = np.exp(log_params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
    return np.sum(a1 + a2 + np.logaddexp(a3, a4))


def gamma_gamma_loglik(log_params, x, m):
    p, q, g = np.exp(log_params)
    return np.sum(gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(g) + (p * x - 1) * np.log(m)
                  + p * x * np.log(x) - (p * x + q) * np.log(g + m * x))


def scipy_fit(loglik, n_params, args):
    """Nelder-Mead in log space, restarted from its own result until it stops moving (the usual
    guard against a simplex that collapsed early). fatol is absolute on the log-likelihood; 1e-9
    is 1e-14 relative, just above the rounding noise of a sum of 1e4 terms (a tighter one is never
    met and burns the evaluation limit)."""
    start = np.zeros(n_params)
    for _ in range(10):
        res = minimize(lambda v: -loglik(v, *args), start, method="Nelder-Mead",
                       options={"xatol": 1e-10, "fatol": 1e-9, "maxiter": 40000, "maxfev": 40000})
        if np.max(np.abs(res.x - start)) < 1e-10:
            break
        start = res.x
    return np.exp(res.x), -res.fun


def write_table(path, ids, x, t_x, T, m):
    with h5py.File(path, "w") as f:
        g = f.create_group("customers")
        g["customer_id"] = ids
        g["frequency"] = x.astype(np.int64)
        g["recency"] = t_x
        g["T"] = T
        g["monetary_value"] = m


def run_cpp(binary, table, np_):
    mpirun = os.environ.get("CUSTSEG_MPIEXEC", "mpirun")
    cmd = [mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(np_), binary, table]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=240)
    return json.loads(out.stdout)


DISCOUNT = 0.0018  # a week: about 10% a year


def run_custseg_clv(binary, table, outdir, np_=3, horizon=39.0):
    mpirun = os.environ.get("CUSTSEG_MPIEXEC", "mpirun")
    cmd = [mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(np_), binary, "clv", "--input", table,
           "--output", outdir, "--horizon", str(horizon), "--discount-rate", str(DISCOUNT), "--overwrite"]
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=240)
    with open(os.path.join(outdir, "clv.json")) as f:
        fits = json.load(f)
    with h5py.File(os.path.join(outdir, "clv.h5"), "r") as f:
        columns = {k: f["customers"][k][:] for k in ("p_alive", "expected_purchases", "expected_spend", "clv")}
    return fits, columns


def reference_predictions(bg, gg, x, t_x, T, m, horizon):
    """FHL05 eq. 10 and the P(alive) of FHL's note 021 (BG/NBD), FH13's E(M | m, x) (gamma-gamma),
    and the discounted CLV as lifetimes' customer_lifetime_value sums it: expected purchases of
    each unit step times the expected spend, divided by (1 + DISCOUNT)^t."""
    r, alpha, a, b = bg
    p, q, g = gg
    odds = np.where(x > 0, a / (b + np.maximum(x, 1) - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    p_alive = 1.0 / (1.0 + odds)

    def expected_within(t):
        z = t / (alpha + T + t)
        return ((a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
                                              * hyp2f1(r + x, b + x, a + b + x - 1, z)) * p_alive)

    expected = expected_within(horizon)
    has = (x > 0) & (m > 0)
    xs, ms = np.where(has, x, 0.0), np.where(has, m, 0.0)
    spend = (g + ms * xs) * p / (p * xs + q - 1)
    steps = [min(float(i), horizon) for i in range(1, int(np.ceil(horizon)) + 1)]
    within = [np.zeros_like(x)] + [expected_within(t) for t in steps]
    clv = spend * sum((within[i + 1] - within[i]) / (1.0 + DISCOUNT) ** t for i, t in enumerate(steps))
    return {"p_alive": p_alive, "expected_purchases": expected, "expected_spend": spend, "clv": clv}


def check_job(binary, table, workdir, one, stats):
    """custseg clv: the same fits as the driver, and per-customer figures equal to this script's."""
    failures = []
    fits, columns = run_custseg_clv(binary, table, os.path.join(workdir, "clv-job"))
    for model, names in (("bgnbd", ("r", "alpha", "a", "b")), ("gamma_gamma", ("p", "q", "gamma"))):
        for name in names:
            if fits[model]["params"][name] != float.fromhex(one[model]["bits"][name]):
                failures.append(f"custseg clv {model} {name} = {fits[model]['params'][name]!r}, driver "
                                f"{float.fromhex(one[model]['bits'][name])!r}")
    bg = [fits["bgnbd"]["params"][k] for k in ("r", "alpha", "a", "b")]
    gg = [fits["gamma_gamma"]["params"][k] for k in ("p", "q", "gamma")]
    want = reference_predictions(bg, gg, *stats, 39.0)
    for name, values in want.items():
        worst = float(np.max(np.abs(columns[name] - values) / np.maximum(np.abs(values), 1e-300)))
        print(f"custseg clv {name}: sum {columns[name].sum():.6f}, largest relative difference from SciPy {worst:.2e}")
        if not worst < 1e-9:
            failures.append(f"custseg clv {name}: differs from the formula by {worst:.2e} (relative)")
    return failures


def same_to_4_digits(a, b):
    # 4 significant digits: both round to the same 4-digit mantissa, or (at a rounding boundary)
    # differ by less than half a unit in the 4th digit.
    return abs(a - b) <= 0.5e-3 * abs(b)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    binary, custseg, workdir = sys.argv[1], sys.argv[2], sys.argv[3]
    master = find_master()
    if master is None:
        print("SKIPPED: CDNOW_master.txt not found (set CUSTSEG_SHARED_DATA to the shared/data folder)")
        return SKIP
    ids, x, t_x, T, m = calibration_statistics(master)
    # Gamma-gamma uses the customers with repeat purchases of positive mean value (a few CDNOW
    # repeat days total $0); the C++ fit must exclude and count the same ones.
    repeat = (x > 0) & (m > 0)
    print(f"CDNOW calibration: {len(ids)} customers, {int((x > 0).sum())} with repeat purchases "
          f"({int((x > 0).sum() - repeat.sum())} of them with mean repeat spend 0), {int(x.sum())} repeat transactions")
    t0 = time.time()
    bg, bg_ll = scipy_fit(bgnbd_loglik, 4, (x, t_x, T))
    gg, gg_ll = scipy_fit(gamma_gamma_loglik, 3, (x[repeat], m[repeat]))
    print(f"SciPy ({time.time() - t0:.1f} s): BG/NBD r, alpha, a, b = {bg} LL {bg_ll:.6f}; "
          f"gamma-gamma p, q, gamma = {gg} LL {gg_ll:.6f} on {int(repeat.sum())} customers")
    os.makedirs(workdir, exist_ok=True)
    table = os.path.join(workdir, "cdnow_calibration.h5")
    write_table(table, ids, x, t_x, T, m)

    failures = []
    results = {}
    for np_ in (1, 2, 3, 4):
        t0 = time.time()
        results[np_] = run_cpp(binary, table, np_)
        r = results[np_]
        print(f"C++ at {np_} ranks ({time.time() - t0:.1f} s with mpirun): "
              f"BG/NBD {r['bgnbd']['params']} se {r['bgnbd']['se']} LL {r['bgnbd']['log_likelihood']:.6f} "
              f"evaluations {r['bgnbd']['evaluations']} ({r['bgnbd']['stop']}, {r['bgnbd']['seconds']:.2f} s); "
              f"gamma-gamma {r['gamma_gamma']['params']} se {r['gamma_gamma']['se']} "
              f"LL {r['gamma_gamma']['log_likelihood']:.6f} evaluations {r['gamma_gamma']['evaluations']} "
              f"({r['gamma_gamma']['stop']}, {r['gamma_gamma']['seconds']:.2f} s), "
              f"excluded {r['gamma_gamma']['excluded']}")
    for model, names, ref in (("bgnbd", ("r", "alpha", "a", "b"), bg), ("gamma_gamma", ("p", "q", "gamma"), gg)):
        one = results[1][model]
        if not one["converged"]:
            failures.append(f"{model}: C++ fit did not converge ({one['stop']})")
        if one["customers"] != (len(ids) if model == "bgnbd" else int(repeat.sum())):
            failures.append(f"{model}: C++ used {one['customers']} customers")
        if model == "gamma_gamma" and one["excluded"] != len(ids) - int(repeat.sum()):
            failures.append(f"gamma_gamma: C++ excluded {one['excluded']} customers, not {len(ids) - int(repeat.sum())}")
        for name, want in zip(names, ref):
            got = one["params"][name]
            print(f"{model} {name}: C++ {got:.10g}, SciPy {want:.10g}, relative difference {abs(got - want) / abs(want):.1e}")
            if not same_to_4_digits(got, want):
                failures.append(f"{model} {name}: C++ {got!r} vs SciPy {want!r} (not 4 significant digits)")
        for np_ in (2, 3, 4):
            other = results[np_][model]
            if other["bits"] != one["bits"] or other["log_likelihood_bits"] != one["log_likelihood_bits"]:
                failures.append(f"{model}: bits at {np_} ranks {other['bits']} differ from 1 rank {one['bits']}")
    failures += check_job(custseg, table, workdir, results[1], (x, t_x, T, m))
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("OK: C++ equals SciPy to 4 significant digits, same bits at 1-4 ranks; custseg clv agrees")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
