#!/usr/bin/python3
"""custseg end to end against what a Python user writes instead, on the same table, in one run.

Issue 15's benchmark. `custseg generate` writes the customer table (HDF5); then, each in its own
process so that its peak memory is its own:

  custseg   mpirun -np RANKS custseg segment --input T --k K (default options: k-means||, 3
            restarts, statistics, reports; --export none), phases from report.json;
  python    h5py reads the same feature columns, z-scores them (as custseg's default
            standardization), scikit-learn KMeans (k-means++ greedy seeding, lloyd) runs the same
            number of restarts, each its own fit (n_init=1, random_state=i) so that the best and
            the median restart are both known.

Quality is compared in one space: custseg's assignments (results.h5 /assignments/segment) are
scored on the Python side's float64 z-scored data (centroid = the segment's mean), the same
objective scikit-learn minimised. Prints the table of phases, totals, the speed ratio, the
inertia ratios (custseg / scikit-learn best and median) and the peak memory per process; writes
OUT/bench_end_to_end.json.

  scripts/bench_end_to_end.py                       # 10M x 8, k = 8, 2 ranks (issue 15's cell)
  scripts/bench_end_to_end.py --rows 2000000 --wide --k 16
  scripts/bench_end_to_end.py --quick               # CI smoke: 100k x 8, k = 8 (seconds)

Exit 1 when a run fails or the quick mode's inertia is more than 5% worse than scikit-learn's
best (a broken seeding, not noise); speed targets are reported, never failed.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time


def run_custseg(args, table, out):
    cmd = [args.mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(args.ranks), args.custseg, "segment",
           "--input", table, "--output", out, "--k", str(args.k), "--seed", "1", "--n-init", str(args.restarts),
           "--export", "none", "--threads", "1", "--overwrite", "--quiet"]
    t0 = time.time()
    subprocess.run(cmd, check=True)
    wall = time.time() - t0
    report = json.load(open(os.path.join(out, "report.json")))
    return wall, report


def python_peer(table, features, k, restarts, result_path):
    """The script a Python user writes: h5py, z-score, scikit-learn. Runs in a child process."""
    import h5py
    import numpy as np
    from sklearn.cluster import KMeans
    t0 = time.time()
    with h5py.File(table, "r") as f:
        x = np.column_stack([f["customers"][name][()].astype(np.float64) for name in features])
    t_read = time.time() - t0
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    t_prep = time.time() - t0 - t_read
    inertias = []
    for seed in range(restarts):
        km = KMeans(n_clusters=k, n_init=1, random_state=seed, algorithm="lloyd").fit(x)
        inertias.append(float(km.inertia_))
    total = time.time() - t0
    json.dump({"read": t_read, "prepare": t_prep, "kmeans": total - t_read - t_prep, "total": total,
               "inertias": inertias, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0},
              open(result_path, "w"))


def custseg_inertia_in_python_space(table, features, results):
    """custseg's segments scored on float64 z-scored data: sum of squared distances to the segment means."""
    import h5py
    import numpy as np
    with h5py.File(table, "r") as f:
        x = np.column_stack([f["customers"][name][()].astype(np.float64) for name in features])
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    with h5py.File(results, "r") as f:
        labels = f["assignments"]["segment"][()]
    total = 0.0
    for c in np.unique(labels[labels >= 0]):
        rows = x[labels == c]
        total += float(((rows - rows.mean(axis=0)) ** 2).sum())
    return total


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="CI smoke: 100k rows")
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--k", type=int, default=8)
    p.add_argument("--wide", action="store_true", help="16 behavioural columns instead of 8 (generate --wide)")
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--restarts", type=int, default=3)
    p.add_argument("--custseg", default=os.environ.get("CUSTSEG_BIN", "build/custseg"))
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--out", default="bench-out/end-to-end")
    p.add_argument("--peer", help=argparse.SUPPRESS)  # internal: run the Python peer in this process
    args = p.parse_args()
    if args.peer:
        spec = json.loads(args.peer)
        python_peer(spec["table"], spec["features"], spec["k"], spec["restarts"], spec["result"])
        return 0
    if args.quick:
        args.rows = 100_000
    os.makedirs(args.out, exist_ok=True)
    table = os.path.join(args.out, f"customers_{args.rows}{'_wide' if args.wide else ''}.h5")
    if not os.path.exists(table):
        subprocess.run([args.mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(args.ranks), args.custseg,
                        "generate", "--rows", str(args.rows), "--output", table, "--quiet"] + (["--wide"] if args.wide else []),
                       check=True)
    seg_out = os.path.join(args.out, "segment")
    wall, report = run_custseg(args, table, seg_out)
    custseg_peak = max(report["timing_detail"]["peak_rss_bytes_per_rank"]) / 2**20  # the ranks' own measure
    features = [f["name"] for f in report["features"]]
    peer_result = os.path.join(args.out, "python_peer.json")
    spec = {"table": table, "features": features, "k": args.k, "restarts": args.restarts, "result": peer_result}
    subprocess.run([sys.executable, os.path.abspath(__file__), "--peer", json.dumps(spec)], check=True)
    peer = json.load(open(peer_result))
    ours = custseg_inertia_in_python_space(table, features, os.path.join(seg_out, "results.h5"))
    best, median = min(peer["inertias"]), sorted(peer["inertias"])[len(peer["inertias"]) // 2]
    phases = dict(report["timings_seconds"]) if isinstance(report["timings_seconds"], dict) else \
        {name: sec for name, sec in report["timings_seconds"]}
    result = {"rows": args.rows, "features": len(features), "k": args.k, "ranks": args.ranks, "restarts": args.restarts,
              "custseg": {"wall": wall, "phases": phases, "inertia": ours, "iterations": report["iterations"],
                          "peak_mib_per_rank": custseg_peak},
              "python": peer, "speedup": peer["total"] / wall,
              "inertia_vs_best": ours / best - 1.0, "inertia_vs_median": ours / median - 1.0}
    json.dump(result, open(os.path.join(args.out, "bench_end_to_end.json"), "w"), indent=2)
    print(f"\n{args.rows:,} customers x {len(features)} features, k = {args.k}, {args.restarts} restarts, "
          f"custseg at {args.ranks} ranks x 1 thread")
    print(f"{'':<28}{'custseg':>12}{'h5py+sklearn':>14}")
    for name, sec in phases.items():
        print(f"  {name:<26}{sec:>12.2f}")
    print(f"  {'read+prepare (python)':<26}{'':>12}{peer['read'] + peer['prepare']:>14.2f}")
    print(f"  {'k-means (python)':<26}{'':>12}{peer['kmeans']:>14.2f}")
    print(f"{'total (s)':<28}{wall:>12.2f}{peer['total']:>14.2f}   custseg {result['speedup']:.2f}x faster")
    features_mib = args.rows * len(features) * 4 / args.ranks / 2**20
    print(f"{'peak memory (MiB/process)':<28}{custseg_peak:>12.0f}{peer['peak_mib']:>14.0f}   custseg "
          f"{custseg_peak / features_mib:.2f}x its float32 features ({features_mib:.0f} MiB per rank)")
    print(f"{'inertia (z-scored, float64)':<28}{ours:>12.6g}{best:>14.6g}   custseg / best {1 + result['inertia_vs_best']:.4f},"
          f" / median {1 + result['inertia_vs_median']:.4f}")
    print(f"  scikit-learn restarts: {', '.join(f'{v:.6g}' for v in peer['inertias'])}")
    if args.quick and result["inertia_vs_best"] > 0.05:
        print("FAIL: custseg's inertia is more than 5% worse than scikit-learn's best restart")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
