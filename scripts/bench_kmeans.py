#!/usr/bin/python3
"""custseg k-means against scikit-learn (lloyd, elkan) and FAISS on the same data.

One run, per grid cell (d, k): `custseg bench` generates the rows (a Gaussian mixture keyed by
row), picks the initial centroids with k-means||, times every custseg algorithm for a fixed
number of iterations and to convergence, and dumps rows + initial centroids; each peer then runs
in its own process (so its peak memory is its own) from the same centroids for the same number of
iterations. The machine's read bandwidth is measured in the same run (custseg bench, first cell).

Per-iteration time of a peer = (time for N iterations - time for 1) / (N - 1), which removes the
one-off input checks and copies from the figure; custseg reports the median of its per-iteration
times. The headline cell (d = 16, k = 16 when in the grid) also gets: scikit-learn lloyd to
convergence (tol 1e-4, as custseg), a float64 run in which the final inertias of custseg and
scikit-learn must agree to 1e-5 (relative), and custseg at 2 ranks x 1 thread.

Writes <out>/bench_kmeans.csv, <out>/bench_kmeans.svg, <out>/bench_kmeans.json and prints the
table. Exit status 1 when a correctness check fails (inertias disagree or custseg fails); missing
targets are reported, not failed (timings on shared machines are noisy).

  scripts/bench_kmeans.py                 # full grid: n = 10M, d in {8,16,32} x k in {4,16,64}
                                          # (runs to convergence capped at 100 iterations)
  scripts/bench_kmeans.py --quick         # CI smoke: n = 200k, d in {8,16} x k in {4,16}
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time

HEADLINE = (16, 16)
PEERS = ["sklearn-lloyd", "sklearn-elkan", "faiss"]


# ---------------------------------------------------------------------------------------------
# Peers, each run in a child process: python3 bench_kmeans.py --peer NAME ...
# ---------------------------------------------------------------------------------------------
def load(data_dir, n, d, k, dtype):
    import numpy as np
    x = np.fromfile(os.path.join(data_dir, "data.bin"), dtype=dtype).reshape(n, d)
    c0 = np.fromfile(os.path.join(data_dir, "init.bin"), dtype=np.float64).reshape(k, d).astype(dtype)
    return x, c0


def run_peer(a):
    import numpy as np
    dtype = np.float32 if a.precision == "float32" else np.float64
    x, c0 = load(a.data, a.rows, a.d, a.k, dtype)
    out = {"peer": a.peer}
    if a.peer.startswith("sklearn"):
        from threadpoolctl import threadpool_limits
        from sklearn.cluster import KMeans
        algorithm = a.peer.split("-")[1]

        def fit(max_iter, tol):
            km = KMeans(n_clusters=a.k, init=c0, n_init=1, max_iter=max_iter, tol=tol, algorithm=algorithm,
                        random_state=0)
            with threadpool_limits(limits=a.threads):
                t0 = time.perf_counter()
                km.fit(x)
                return time.perf_counter() - t0, km

        if a.converge:
            seconds, km = fit(300, 1e-4)
            out.update(converge_seconds=seconds, converge_iterations=int(km.n_iter_), converge_inertia=float(km.inertia_))
        else:
            fit(1, 0.0)  # warm-up: first-touch page faults and thread start-up would land in t1
            t1, _ = fit(1, 0.0)
            tn, km = fit(a.iterations, 0.0)
            iters = int(km.n_iter_)
            out.update(ms_per_iteration=1e3 * (tn - t1) / max(1, iters - 1), iterations=iters,
                       inertia=float(km.inertia_), seconds_total=tn)
    elif a.peer == "faiss":
        import faiss
        faiss.omp_set_num_threads(a.threads)
        xf = np.ascontiguousarray(x, dtype=np.float32)

        def train(niter):
            km = faiss.Kmeans(a.d, a.k, niter=niter, verbose=False, seed=1, max_points_per_centroid=10**9,
                              min_points_per_centroid=1)
            t0 = time.perf_counter()
            km.train(xf, init_centroids=np.ascontiguousarray(c0, dtype=np.float32))
            return time.perf_counter() - t0, km

        train(1)  # warm-up, as for scikit-learn
        t1, _ = train(1)
        tn, km = train(a.iterations)
        index = faiss.IndexFlatL2(a.d)
        index.add(km.centroids)
        dist, _ = index.search(xf, 1)
        out.update(ms_per_iteration=1e3 * (tn - t1) / max(1, a.iterations - 1), iterations=a.iterations,
                   inertia=float(dist.astype(np.float64).sum()), seconds_total=tn)
    out["peak_memory_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# The orchestrator
# ---------------------------------------------------------------------------------------------
def sh(cmd, env=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        raise RuntimeError("failed (%d): %s" % (p.returncode, " ".join(cmd)))
    return p.stdout


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no JSON in output:\n" + text[-2000:])


def custseg_bench(a, d, k, ranks, threads, extra):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    cmd = [a.mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(ranks), "--bind-to", "none",
           a.custseg, "bench", "--rows", str(a.rows), "--d", str(d), "--k", str(k), "--threads", str(threads),
           "--iterations", str(a.iterations), "--max-iter", str(a.max_iter), "--quiet"] + extra
    return last_json(sh(cmd, env))


def peer(a, name, data, d, k, precision, converge=False):
    cmd = [sys.executable, os.path.abspath(__file__), "--peer", name, "--data", data, "--rows", str(a.rows), "--d",
           str(d), "--k", str(k), "--iterations", str(a.iterations), "--threads", str(a.threads), "--precision",
           precision] + (["--converge"] if converge else [])
    return last_json(sh(cmd))


def have_peers():
    try:
        import sklearn  # noqa: F401
        import faiss  # noqa: F401
        import threadpoolctl  # noqa: F401
        return True
    except ImportError:
        return False


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def write_svg(path, rows):
    """Grouped bars (log scale) of ms per iteration per grid cell."""
    import math
    series = [("custseg lloyd", "lloyd_ms", "#1b6ca8"), ("custseg auto", "auto_ms", "#52a447"),
              ("sklearn lloyd", "sklearn-lloyd_ms", "#e08a1e"), ("sklearn elkan", "sklearn-elkan_ms", "#c44e52"),
              ("faiss", "faiss_ms", "#8172b2")]
    # A peer's (T(N) - T(1)) / (N - 1) can come out <= 0 on tiny, noisy runs: not drawable.
    values = [r[key] for r in rows for _, key, _ in series if r.get(key) and r[key] > 0]
    if not values:
        return
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values)))
    width, height, left, bottom, top = max(120 + 110 * len(rows), 70 + 120 * 5 + 20), 380, 70, 60, 40
    plot_h = height - bottom - top

    def y(v):
        return top + plot_h * (1 - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
           % (width, height),
           '<text x="%d" y="20" font-size="14">k-means: ms per iteration (log scale), n = %s, lower is better</text>'
           % (left, rows[0]["rows"])]
    decade = lo
    while decade <= hi * 1.0001:
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (left, width - 10, y(decade), y(decade)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (left - 5, y(decade) + 4, decade))
        decade *= 10
    bar = 18
    for i, r in enumerate(rows):
        x0 = left + 10 + i * 110
        for j, (_, key, colour) in enumerate(series):
            v = r.get(key)
            if not v or v <= 0:
                continue
            out.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s: %.1f ms</title></rect>'
                       % (x0 + j * bar, y(v), bar - 2, top + plot_h - y(v), colour, key, v))
        out.append('<text x="%d" y="%d" text-anchor="middle">d=%d k=%d</text>'
                   % (x0 + len(series) * bar / 2, height - bottom + 16, r["d"], r["k"]))
    for j, (label, _, colour) in enumerate(series):
        out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>'
                   % (left + j * 120, height - 20, colour, left + j * 120 + 14, height - 11, label))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="CI smoke size (seconds)")
    p.add_argument("--custseg", default=os.environ.get("CUSTSEG_BIN", "build/custseg"))
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--out", default="bench-out")
    p.add_argument("--rows", type=int)
    p.add_argument("--d", default=None, help="comma list")
    p.add_argument("--k", default=None, help="comma list")
    p.add_argument("--iterations", type=int)
    p.add_argument("--max-iter", type=int, help="cap of the runs to convergence (default 300; full grid 100)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-peers", action="store_true")
    p.add_argument("--precision", default="float32")
    # child mode
    p.add_argument("--peer", choices=PEERS)
    p.add_argument("--data")
    p.add_argument("--converge", action="store_true")
    a = p.parse_args()
    if a.peer:
        a.d, a.k = int(a.d), int(a.k)
        return run_peer(a)

    a.rows = a.rows or (200_000 if a.quick else 10_000_000)
    a.iterations = a.iterations or (4 if a.quick else 6)
    a.max_iter = a.max_iter or (300 if a.quick else 100)
    ds = [int(v) for v in (a.d or ("8,16" if a.quick else "8,16,32")).split(",")]
    ks = [int(v) for v in (a.k or ("4,16" if a.quick else "4,16,64")).split(",")]
    os.makedirs(a.out, exist_ok=True)
    data = os.path.join(a.out, "data")
    peers = not a.no_peers and have_peers()
    if not a.no_peers and not peers:
        print("note: scikit-learn/FAISS/threadpoolctl not importable: custseg only "
              "(apt-get install -y python3-sklearn python3-faiss)")
    failures, rows, bandwidth = [], [], None
    t_start = time.time()
    for d in ds:
        for k in ks:
            os.makedirs(data, exist_ok=True)
            headline = (d, k) == HEADLINE or (HEADLINE not in [(x, y) for x in ds for y in ks] and not rows)
            extra = ["--dump", data, "--precision", a.precision,
                     "--bandwidth-mib", "1024" if bandwidth is None else "0"]
            cs = custseg_bench(a, d, k, 1, a.threads, extra)
            if bandwidth is None:
                bandwidth = cs["read_bandwidth_bytes_per_s"]
            res = {r["algorithm"]: r for r in cs["results"]}
            row = {"rows": a.rows, "d": d, "k": k, "threads": a.threads, "precision": a.precision,
                   "init_s": cs["init_seconds"], "bandwidth_GBps": bandwidth / 1e9,
                   "peak_MiB": cs["peak_memory_bytes_per_rank"] / 2**20,
                   "peak_over_features": cs["peak_memory_bytes_per_rank"] / cs["feature_bytes_per_rank"]}
            for name, r in res.items():
                row[name + "_ms"] = r["ms_per_iteration"]
                row[name + "_conv_s"] = r.get("converge_seconds")
                row[name + "_conv_iter"] = r.get("converge_iterations")
                row[name + "_inertia"] = r["inertia"]
            row["auto_resolved"] = res.get("auto", {}).get("resolved")
            row["lloyd_bw_fraction"] = cs["bytes_per_full_pass"] / (row["lloyd_ms"] / 1e3) / bandwidth
            if peers:
                for name in PEERS:
                    pr = peer(a, name, data, d, k, a.precision)
                    row[name + "_ms"] = pr["ms_per_iteration"]
                    row[name + "_inertia"] = pr["inertia"]
                    row[name + "_peak_MiB"] = pr["peak_memory_bytes"] / 2**20
                    row[name + "_rel_inertia_diff"] = abs(pr["inertia"] - row["lloyd_inertia"]) / row["lloyd_inertia"]
                    row["speedup_vs_" + name] = pr["ms_per_iteration"] / row["lloyd_ms"]
            if headline:
                if peers:
                    conv = peer(a, "sklearn-lloyd", data, d, k, a.precision, converge=True)
                    row["sklearn-lloyd_conv_s"] = conv["converge_seconds"]
                    row["sklearn-lloyd_conv_iter"] = conv["converge_iterations"]
                    row["auto_conv_speedup_vs_sklearn"] = conv["converge_seconds"] / row["auto_conv_s"]
                two = custseg_bench(a, d, k, 2, 1, ["--algorithms", "lloyd", "--converge", "false",
                                                    "--precision", a.precision, "--bandwidth-mib", "0"])
                row["lloyd_2x1_ms"] = two["results"][0]["ms_per_iteration"]
                row["2x1_over_1x2"] = row["lloyd_2x1_ms"] / row["lloyd_ms"]
                # float64: final inertias must agree with scikit-learn to 1e-5 (relative).
                c64 = custseg_bench(a, d, k, 1, a.threads, ["--algorithms", "lloyd,auto", "--converge", "false",
                                                            "--precision", "float64", "--dump", data,
                                                            "--bandwidth-mib", "0"])
                row["lloyd64_ms"] = c64["results"][0]["ms_per_iteration"]
                if peers:
                    for name in ["sklearn-lloyd", "sklearn-elkan"]:
                        s64 = peer(a, name, data, d, k, "float64")
                        diff = abs(s64["inertia"] - c64["results"][0]["inertia"]) / s64["inertia"]
                        row[name + "_float64_rel_inertia_diff"] = diff
                        if diff > 1e-5:
                            failures.append("d=%d k=%d float64 inertia differs from %s by %.2e" % (d, k, name, diff))
                for r in c64["results"][1:]:
                    if r["inertia"] != c64["results"][0]["inertia"]:
                        failures.append("d=%d k=%d: %s inertia differs from lloyd" % (d, k, r["algorithm"]))
            for name, r in res.items():
                if r["inertia"] != res["lloyd"]["inertia"]:
                    failures.append("d=%d k=%d: %s inertia differs from lloyd (%r vs %r)"
                                    % (d, k, name, r["inertia"], res["lloyd"]["inertia"]))
            rows.append(row)
            shutil.rmtree(data, ignore_errors=True)
            with open(os.path.join(a.out, "bench_kmeans.partial.json"), "w") as f:  # survives an interrupted run
                json.dump(rows, f, indent=1)
            print("  [%5.0f s] d=%d k=%d done" % (time.time() - t_start, d, k), flush=True)

    # --- table ---
    algos = [x for x in ["lloyd", "hamerly", "yinyang", "auto"] if x + "_ms" in rows[0]]
    head = ["d", "k"] + [x + " ms/it" for x in algos] + ["lloyd %BW"]
    if peers:
        head += ["skl-lloyd ms", "skl-elkan ms", "faiss ms", "x skl-lloyd", "x skl-elkan", "x faiss"]
    head += ["auto conv s (it)", "peak MiB (x feat)"]
    lines = [" | ".join(head)]
    for r in rows:
        cells = [str(r["d"]), str(r["k"])] + [fmt(r.get(x + "_ms"), ".1f") for x in algos]
        cells.append(fmt(100 * r["lloyd_bw_fraction"], ".0f"))
        if peers:
            cells += [fmt(r.get(n + "_ms"), ".1f") for n in PEERS]
            cells += [fmt(r.get("speedup_vs_" + n), ".1f") for n in PEERS]
        cells.append("%s (%s)" % (fmt(r.get("auto_conv_s"), ".2f"), r.get("auto_conv_iter")))
        cells.append("%.0f (%.2f)" % (r["peak_MiB"], r["peak_over_features"]))
        lines.append(" | ".join(cells))
    print("\nn = %d rows, %s, %d threads, %d iterations from the same k-means|| centroids "
          "(convergence: tol 1e-4, at most %d iterations); read bandwidth %.1f GB/s"
          % (a.rows, a.precision, a.threads, a.iterations, a.max_iter, bandwidth / 1e9))
    print("\n".join(lines))
    for r in rows:
        if "2x1_over_1x2" in r:
            print("\nheadline d=%d k=%d: lloyd 1 rank x %d threads %.1f ms/it, 2 ranks x 1 thread %.1f ms/it (ratio %.2f);"
                  " float64 lloyd %.1f ms/it" % (r["d"], r["k"], a.threads, r["lloyd_ms"], r["lloyd_2x1_ms"],
                                                 r["2x1_over_1x2"], r["lloyd64_ms"]))
            if peers:
                print("  auto to convergence %.2f s (%s it) vs scikit-learn lloyd %.2f s (%s it): %.1fx"
                      % (r["auto_conv_s"], r["auto_conv_iter"], r["sklearn-lloyd_conv_s"], r["sklearn-lloyd_conv_iter"],
                         r["auto_conv_speedup_vs_sklearn"]))
                print("  float64 final inertia vs scikit-learn: lloyd %.1e, elkan %.1e (relative; must be <= 1e-5)"
                      % (r["sklearn-lloyd_float64_rel_inertia_diff"], r["sklearn-elkan_float64_rel_inertia_diff"]))
                targets = [("per-iteration vs sklearn lloyd >= 5x", r["speedup_vs_sklearn-lloyd"] >= 5),
                           ("per-iteration vs faiss >= 10x", r["speedup_vs_faiss"] >= 10),
                           ("lloyd >= 70% of read bandwidth", r["lloyd_bw_fraction"] >= 0.7),
                           ("auto to convergence vs sklearn lloyd >= 10x", r["auto_conv_speedup_vs_sklearn"] >= 10),
                           ("2x1 within 10% of 1x2", r["2x1_over_1x2"] <= 1.1)]
                for name, ok in targets:
                    print("  target %-45s %s" % (name, "met" if ok else "MISSED"))

    keys = sorted({key for r in rows for key in r})
    with open(os.path.join(a.out, "bench_kmeans.csv"), "w") as f:
        f.write(",".join(keys) + "\n")
        for r in rows:
            f.write(",".join("" if r.get(key) is None else str(r.get(key)) for key in keys) + "\n")
    with open(os.path.join(a.out, "bench_kmeans.json"), "w") as f:
        json.dump(rows, f, indent=1)
    write_svg(os.path.join(a.out, "bench_kmeans.svg"), rows)
    print("\nwrote %s/bench_kmeans.{csv,svg,json}" % a.out)
    for msg in failures:
        print("CHECK FAILED: " + msg)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
