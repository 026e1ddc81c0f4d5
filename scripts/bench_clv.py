#!/usr/bin/python3
"""CLV at scale (issue 14): generate a BG/NBD + gamma-gamma transaction log of a given size,
ingest it, fit it with `custseg clv` at 1 and 2 ranks, and print what it cost and what came back.

  scripts/bench_clv.py                      # 100,000,000 transactions (about 36 M customers)
  scripts/bench_clv.py --quick              # about 1,000,000 transactions, plus SciPy on the same statistics
  scripts/bench_clv.py --transactions 2e7 --workdir /big/disk/bench-clv

Prints customers, transactions, generate and ingest seconds, per rank count the fit seconds, the
evaluations and the milliseconds per BG/NBD log-likelihood evaluation (the fit's wall time over
its evaluations plus the 8 of its Hessian), each parameter against the truth with its standard
error and |z|, and whether the parameters are bitwise identical at 1 and 2 ranks. With --quick (or
--scipy) it also evaluates tests/clv/cdnow_reference.py's NumPy log-likelihood on the same table
and fits it with SciPy's L-BFGS-B. Results also go to WORKDIR/bench.json.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BGNBD, GAMMA_GAMMA = ("r", "alpha", "a", "b"), ("p", "q", "gamma")
HESSIAN_EVALUATIONS = {"bgnbd": 8, "gamma_gamma": 6}  # central differences: 2 per parameter


PEAKS = {}  # job -> the largest peak resident memory of one rank (MiB), from /usr/bin/time


def mpirun(np_, args):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_)]
    peaks = None
    if os.access("/usr/bin/time", os.X_OK):  # each rank appends its peak (KiB) to one file
        peaks = os.path.join("/tmp", f"bench-clv-peaks-{os.getpid()}")
        if os.path.exists(peaks):
            os.remove(peaks)
        cmd += ["/usr/bin/time", "-a", "-o", peaks, "-f", "%M"]
    t0 = time.time()
    subprocess.run(cmd + args, check=True, env=env)
    seconds = time.time() - t0
    if peaks and os.path.exists(peaks):
        with open(peaks) as f:
            kib = [int(line) for line in f if line.strip().isdigit()]
        os.remove(peaks)
        if kib:
            PEAKS[f"{args[1]} on {np_} rank{'s' if np_ > 1 else ''}"] = max(kib) / 1024
    return seconds


def customers_for(custseg, workdir, transactions, seed):
    """Customers that give about `transactions` lines: the lines per customer of a 200,000-customer pilot."""
    pilot = os.path.join(workdir, "pilot.csv")
    mpirun(1, [custseg, "generate", "--transactions", "--customers", "200000", "--seed", str(seed), "--output", pilot,
               "--overwrite", "-q"])
    with open(pilot + ".truth.json") as f:
        truth = json.load(f)
    os.remove(pilot)
    os.remove(pilot + ".truth.json")
    return max(1, round(transactions * truth["customers"] / truth["transactions"]))


def fit(custseg, table, outdir, np_):
    seconds = mpirun(np_, [custseg, "clv", "--input", table, "--output", outdir, "--overwrite", "-q"])
    with open(os.path.join(outdir, "clv.json")) as f:
        return json.load(f), seconds


def scipy_comparison(table, fits):
    """SciPy on the same statistics: the log-likelihood at custseg's parameters, ms per evaluation
    and an L-BFGS-B fit (numeric gradient) from the same start as nothing: log-parameters 0."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "clv"))
    import h5py
    import numpy as np
    from cdnow_reference import bgnbd_loglik
    from scipy.optimize import minimize

    with h5py.File(table, "r") as f:
        c = f["customers"]
        x, t_x, T = (c[k][()].astype(float) for k in ("frequency", "recency", "T"))
    ours = np.log([fits["bgnbd"]["params"][k] for k in BGNBD])
    t0 = time.time()
    ll = bgnbd_loglik(ours, x, t_x, T)
    ms = 1000 * (time.time() - t0)
    t0 = time.time()
    res = minimize(lambda v: -bgnbd_loglik(v, x, t_x, T), np.zeros(4), method="L-BFGS-B")
    return {
        "log_likelihood": float(ll),
        "relative_difference": abs(ll - fits["bgnbd"]["log_likelihood"]) / abs(ll),
        "ms_per_evaluation": ms,
        "fit_seconds": time.time() - t0,
        "fit_evaluations": int(res.nfev),
        "params": dict(zip(BGNBD, np.exp(res.x).tolist())),
    }


def table_lines(r):
    one, two, truth = r["fits"]["1"], r["fits"]["2"], r["truth"]
    out = [f"customers {r['customers']:,}, transactions {r['transactions']:,} ({r['merged']:,} same-day purchases "
           f"merged), log {r['log_bytes'] / 2**30:.2f} GiB",
           f"generate {r['generate_seconds']:.1f} s (2 ranks), ingest {r['ingest_seconds']:.1f} s (2 ranks)",
           "peak memory of one rank: " + ", ".join(f"{job} {mib:,.0f} MiB" for job, mib in r.get("peaks", {}).items()), ""]
    out.append("| ranks | clv wall s | BG/NBD fit s | evaluations | ms per evaluation | gamma-gamma fit s | evaluations |")
    out.append("|---|---|---|---|---|---|---|")
    for ranks in ("1", "2"):
        j, wall = r["fits"][ranks]["json"], r["fits"][ranks]["wall"]
        bg, gg = j["bgnbd"], j["gamma_gamma"]
        ms = 1000 * bg["seconds"] / (bg["evaluations"] + HESSIAN_EVALUATIONS["bgnbd"])
        out.append(f"| {ranks} | {wall:.1f} | {bg['seconds']:.2f} | {bg['evaluations']} | {ms:.1f} | "
                   f"{gg['seconds']:.2f} | {gg['evaluations']} |")
    out += ["", "| parameter | truth | estimate | standard error | abs(z) |", "|---|---|---|---|---|"]
    for model, names in (("bgnbd", BGNBD), ("gamma_gamma", GAMMA_GAMMA)):
        for k in names:
            est, se = two["json"][model]["params"][k], two["json"][model]["standard_errors"][k]
            z = abs(est - truth[model][k]) / se if se else float("nan")
            out.append(f"| {k} | {truth[model][k]:g} | {est:.6g} | {se:.3g} | {z:.2f} |")
    out.append("")
    out.append(f"parameters bitwise identical at 1 and 2 ranks: {'yes' if r['identical'] else 'NO'}")
    if "scipy" in r:
        s = r["scipy"]
        out.append(f"SciPy (tests/clv/cdnow_reference.py, NumPy): log-likelihood at custseg's parameters differs by "
                   f"{s['relative_difference']:.1e} (relative); {s['ms_per_evaluation']:.1f} ms per evaluation; "
                   f"L-BFGS-B fit {s['fit_seconds']:.1f} s, {s['fit_evaluations']} evaluations, " +
                   ", ".join(f"{k} {v:.5g}" for k, v in s["params"].items()))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--transactions", type=float, default=1e8, help="transactions (lines) of the log (default 1e8)")
    ap.add_argument("--quick", action="store_true", help="about 1,000,000 transactions, with the SciPy comparison")
    ap.add_argument("--scipy", action="store_true", help="compare with SciPy whatever the size")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--custseg", default=os.path.join(ROOT, "build", "custseg"))
    ap.add_argument("--workdir", default=os.path.join(ROOT, "out", "bench-clv"))
    ap.add_argument("--keep", action="store_true", help="keep the log and the table")
    args = ap.parse_args()
    wanted = 1e6 if args.quick else args.transactions
    os.makedirs(args.workdir, exist_ok=True)
    log, table = os.path.join(args.workdir, "log.csv"), os.path.join(args.workdir, "log.h5")

    customers = customers_for(args.custseg, args.workdir, wanted, args.seed)
    need = wanted * 30 * 2.5  # bytes: the log (~27 per line) and the table
    free = shutil.disk_usage(args.workdir).free
    if free < need:
        sys.exit(f"{args.workdir}: {free / 2**30:.1f} GiB free, about {need / 2**30:.1f} GiB needed")
    r = {"customers": customers}
    r["generate_seconds"] = mpirun(2, [args.custseg, "generate", "--transactions", "--customers", str(customers),
                                       "--seed", str(args.seed), "--output", log, "--overwrite", "-q"])
    with open(log + ".truth.json") as f:
        truth = json.load(f)
    r.update(truth=truth, transactions=truth["transactions"], merged=truth["same_day_merged"],
             log_bytes=os.path.getsize(log))
    r["ingest_seconds"] = mpirun(2, [args.custseg, "ingest", "--config", os.path.join(ROOT, "configs", "ingest-generated.ini"),
                                     "--transactions", log, "--calibration-end", truth["calibration_end"], "--output",
                                     table, "--overwrite", "-q"])
    r["fits"] = {}
    for ranks in (1, 2):
        j, wall = fit(args.custseg, table, os.path.join(args.workdir, f"clv-np{ranks}"), ranks)
        r["fits"][str(ranks)] = {"json": j, "wall": wall}
    one, two = r["fits"]["1"]["json"], r["fits"]["2"]["json"]
    r["identical"] = all(one[m]["params"][k].hex() == two[m]["params"][k].hex() and
                         one[m]["log_likelihood"] == two[m]["log_likelihood"]
                         for m, names in (("bgnbd", BGNBD), ("gamma_gamma", GAMMA_GAMMA)) for k in names)
    if args.quick or args.scipy:
        r["scipy"] = scipy_comparison(table, two)
    if not args.keep:
        for p in (log, table):
            os.remove(p)
    r["peaks"] = PEAKS
    with open(os.path.join(args.workdir, "bench.json"), "w") as f:
        json.dump(r, f, indent=2)
    print("\n".join(table_lines(r)))
    return 0 if r["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
