#!/usr/bin/python3
"""Tables, plots and the communication-cost model for scripts/bench-scaling.sh.

Reads OUT/runs/*/run.json + report.json (the segment job's "timing_detail"), OUT/allreduce.csv
(bench/allreduce_bench.cpp) and OUT/io.json, and writes:

  phases.csv      one row per run, phase and rank: per-rank seconds
  strong.csv      per rank count: phase times (max over ranks), speedup, efficiency, imbalance,
  weak.csv        allreduce time and bytes per iteration
  model.csv       predicted per-iteration time and parallel efficiency at --model-ranks
  speedup.svg, efficiency.svg, model.svg
  summary.md      the tables above in Markdown

Standard library only. Assumptions of the model: docs/scaling.md.
"""
import argparse
import csv
import json
import math
import os
import sys

PHASES = ["read", "transform", "init", "iterations", "statistics", "write"]


def load_runs(out):
    runs = []
    root = os.path.join(out, "runs")
    for name in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        run_file = os.path.join(root, name, "run.json")
        report_file = os.path.join(root, name, "report.json")
        if not (os.path.exists(run_file) and os.path.exists(report_file)):
            continue
        with open(run_file) as f:
            run = json.load(f)
        with open(report_file) as f:
            report = json.load(f)
        detail = report.get("timing_detail")
        if detail is None:
            sys.exit(f"bench_scaling.py: {report_file} has no timing_detail (custseg too old?)")
        run["detail"] = detail
        run["iterations"] = report.get("iterations", 0)
        run["dims"] = len(report.get("features", [])) or 1
        run["k"] = report.get("k", 0)
        runs.append(run)
    return runs


def phase_max(run, phase):
    return run["detail"]["seconds_max"].get(phase, 0.0)


def summarise(runs, kind):
    rows = sorted((r for r in runs if r["kind"] == kind), key=lambda r: r["ranks"])
    if not rows:
        return []
    base = rows[0]
    out = []
    for r in rows:
        d = r["detail"]
        total = sum(d["seconds_max"].get(p, 0.0) for p in d["phases"])
        base_total = sum(base["detail"]["seconds_max"].get(p, 0.0) for p in base["detail"]["phases"])
        ar = d["allreduce"]
        calls = max(ar["calls"], 1.0)
        iters = phase_max(r, "iterations")
        # Every rank leaves the iteration loop together (the allreduce waits for the slowest), so
        # the imbalance is in the compute part: iterations less the time inside the allreduce.
        compute = [it - c for it, c in zip(d["seconds_per_rank"].get("iterations", []), ar["seconds_per_rank"])]
        compute_mean = sum(compute) / len(compute) if compute else 0.0
        imbalance_compute = max(compute) / compute_mean if compute_mean > 0 else 1.0
        if kind == "strong":
            speedup = base["ranks"] * base_total / total if total > 0 else 0.0
            efficiency = speedup / r["ranks"]
        else:
            efficiency = base_total / total if total > 0 else 0.0
            speedup = efficiency * r["ranks"] / base["ranks"]
        out.append({
            "ranks": r["ranks"],
            "rows": r["rows"],
            "rows_per_rank": r["rows"] // r["ranks"],
            "generate_s": r["generate_wall_seconds"],
            "segment_wall_s": r["segment_wall_seconds"],
            **{f"{p}_s": phase_max(r, p) for p in PHASES},
            "total_s": total,
            "speedup": speedup,
            "efficiency": efficiency,
            "imbalance_iterations": d["imbalance_max_over_mean"].get("iterations", 1.0),
            "imbalance_compute": imbalance_compute,
            "iterations_speedup": (base["ranks"] * phase_max(base, "iterations") / iters if kind == "strong"
                                   else phase_max(base, "iterations") / iters * r["ranks"] / base["ranks"]) if iters > 0 else 0.0,
            "imbalance_read": d["imbalance_max_over_mean"].get("read", 1.0),
            "allreduce_calls": int(ar["calls"]),
            "allreduce_bytes_per_iteration": ar["bytes_per_call"],
            "allreduce_s_max": ar["seconds_max"],
            "allreduce_s_min": ar["seconds_min"],
            "allreduce_us_per_call": 1e6 * ar["seconds_min"] / calls,
            "comm_share_of_iterations": ar["seconds_min"] / iters if iters > 0 else 0.0,
            "lloyd_passes": int(ar["calls"]),
            "peak_rss_max_mib": max(d["peak_rss_bytes_per_rank"]) / 2**20,
            "hdf5_independent_transfers": int(d["hdf5"]["independent_transfers"]),
        })
    return out


def write_csv(path, rows):
    if not rows:
        return
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})


def write_phases_csv(path, runs):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "ranks", "rows", "phase", "rank", "seconds"])
        for r in sorted(runs, key=lambda r: (r["kind"], r["ranks"])):
            d = r["detail"]
            for p in d["phases"]:
                for rank, s in enumerate(d["seconds_per_rank"][p]):
                    w.writerow([r["kind"], r["ranks"], r["rows"], p, rank, f"{s:.6g}"])
            for rank, s in enumerate(d["allreduce"]["seconds_per_rank"]):
                w.writerow([r["kind"], r["ranks"], r["rows"], "allreduce", rank, f"{s:.6g}"])


def load_allreduce(path):
    points = []
    if not os.path.exists(path):
        return None
    with open(path) as f:
        for row in csv.DictReader(f):
            points.append((int(row["ranks"]), int(row["bytes"]), float(row["seconds_median"])))
    if not points:
        return None
    ranks = points[0][0]
    # Latency: the smallest message. Bandwidth: least-squares slope over 64 KiB..4 MiB, where the
    # per-byte cost dominates but the buffers still fit the caches the way k x (d+1) sums do.
    alpha = min(points, key=lambda p: p[1])[2]
    big = [(b, t) for _, b, t in points if 64 * 1024 <= b <= 4 * 2**20]
    if len(big) >= 2:
        mb = sum(b for b, _ in big) / len(big)
        mt = sum(t for _, t in big) / len(big)
        slope = sum((b - mb) * (t - mt) for b, t in big) / sum((b - mb) ** 2 for b, _ in big)
    else:
        slope = (points[-1][2] - alpha) / max(points[-1][1], 1)
    slope = max(slope, 1e-13)
    # A measurement at P ranks went through ceil(log2 P) steps: per-step figures for the model.
    steps = max(1, math.ceil(math.log2(ranks)))
    return {"ranks": ranks, "alpha_s": alpha / steps, "bandwidth_Bps": steps / slope, "points": points}


def message_bytes(k, d):
    # ClusterSums.pack(): k*d sums + k counts + inertia, plus the rows-searched statistic; Int128.
    return 16 * (k * (d + 1) + 2)


def model(per_row_s, k, d, rows, ranks_list, alpha, bandwidth, imbalance, node_efficiency):
    """Per Lloyd iteration at P ranks: the busiest rank's compute, then ceil(log2 P) allreduce steps.

    efficiency_comm: ideal compute / (compute with imbalance + communication): what the
    allreduce and the imbalance cost. efficiency: the same times node_efficiency, the measured
    efficiency of the iteration phase with every core of one node busy (shared memory bandwidth),
    which a full cluster node pays whatever the network does."""
    m = message_bytes(k, d)
    out = []
    for p in ranks_list:
        ideal = rows / p * per_row_s
        compute = ideal * imbalance
        steps = math.ceil(math.log2(p)) if p > 1 else 0
        comm = steps * (alpha + m / bandwidth)
        e_comm = ideal / (compute + comm)
        out.append({"ranks": p, "rows_per_rank": rows / p, "compute_s": compute, "comm_s": comm,
                    "iteration_s": compute / node_efficiency + comm, "efficiency_comm": e_comm,
                    "efficiency": e_comm * node_efficiency})
    return out


# ---------------------------------------------------------------- SVG
def svg_chart(path, title, xlabel, ylabel, series, log_x=False, y_max=None):
    """series: [(label, colour, [(x, y)...], dashed)] -> a self-contained SVG line chart."""
    w, h, ml, mr, mt, mb = 640, 400, 70, 170, 40, 55
    xs = [x for _, _, pts, _ in series for x, _ in pts]
    ys = [y for _, _, pts, _ in series for _, y in pts]
    if not xs:
        return
    fx = (lambda v: math.log2(v)) if log_x else (lambda v: v)
    x0, x1 = fx(min(xs)), fx(max(xs))
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    y1 = y_max if y_max is not None else max(ys) * 1.1
    y0 = 0.0

    def px(v):
        return ml + (fx(v) - x0) / (x1 - x0) * (w - ml - mr)

    def py(v):
        return h - mb - (v - y0) / (y1 - y0) * (h - mt - mb)

    e = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
         f'<rect width="{w}" height="{h}" fill="white"/>',
         f'<text x="{w / 2 - mr / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>',
         f'<line x1="{ml}" y1="{h - mb}" x2="{w - mr}" y2="{h - mb}" stroke="black"/>',
         f'<line x1="{ml}" y1="{mt}" x2="{ml}" y2="{h - mb}" stroke="black"/>',
         f'<text x="{(ml + w - mr) / 2}" y="{h - 15}" text-anchor="middle">{xlabel}</text>',
         f'<text x="18" y="{(mt + h - mb) / 2}" text-anchor="middle" transform="rotate(-90 18 {(mt + h - mb) / 2})">{ylabel}</text>']
    for xv in sorted(set(xs)):
        e.append(f'<line x1="{px(xv):.1f}" y1="{h - mb}" x2="{px(xv):.1f}" y2="{h - mb + 5}" stroke="black"/>')
        e.append(f'<text x="{px(xv):.1f}" y="{h - mb + 18}" text-anchor="middle">{xv:g}</text>')
    for i in range(6):
        yv = y0 + (y1 - y0) * i / 5
        e.append(f'<line x1="{ml}" y1="{py(yv):.1f}" x2="{w - mr}" y2="{py(yv):.1f}" stroke="#ddd"/>')
        e.append(f'<text x="{ml - 6}" y="{py(yv) + 4:.1f}" text-anchor="end">{yv:.3g}</text>')
    for n, (label, colour, pts, dashed) in enumerate(series):
        pts = sorted(pts)
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        path_d = " ".join(f"{'M' if i == 0 else 'L'}{px(x):.1f},{py(y):.1f}" for i, (x, y) in enumerate(pts))
        e.append(f'<path d="{path_d}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for x, y in pts:
            e.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{colour}"><title>{label}: {x:g} -> {y:.3g}</title></circle>')
        ly = mt + 10 + 20 * n
        e.append(f'<line x1="{w - mr + 12}" y1="{ly}" x2="{w - mr + 34}" y2="{ly}" stroke="{colour}" stroke-width="2"{dash}/>')
        e.append(f'<text x="{w - mr + 40}" y="{ly + 4}">{label}</text>')
    e.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(e) + "\n")


# ---------------------------------------------------------------- Markdown
def md_table(rows, columns):
    head = "| " + " | ".join(h for h, _, _ in columns) + " |"
    sep = "|" + "|".join("---:" for _ in columns) + "|"
    lines = [head, sep]
    for r in rows:
        lines.append("| " + " | ".join(fmt.format(r[key]) for _, key, fmt in columns) + " |")
    return "\n".join(lines)


MEASURED_COLUMNS = [
    ("ranks", "ranks", "{}"), ("rows", "rows", "{:,}"), ("generate s", "generate_s", "{:.2f}"),
    ("read s", "read_s", "{:.3f}"), ("transform s", "transform_s", "{:.3f}"), ("init s", "init_s", "{:.3f}"),
    ("iterations s", "iterations_s", "{:.3f}"), ("iter speedup", "iterations_speedup", "{:.2f}"), ("statistics s", "statistics_s", "{:.3f}"),
    ("write s", "write_s", "{:.3f}"), ("total s", "total_s", "{:.3f}"), ("speedup", "speedup", "{:.2f}"),
    ("efficiency", "efficiency", "{:.2f}"), ("imbalance (compute)", "imbalance_compute", "{:.3f}"),
    ("allreduce us/iter", "allreduce_us_per_call", "{:.1f}"),
    ("bytes/iter", "allreduce_bytes_per_iteration", "{:.0f}"), ("peak RSS MiB", "peak_rss_max_mib", "{:.0f}"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--model-ranks", default="64 128 256 512 1024 2048 4096")
    ap.add_argument("--model-rows", type=float, default=1e9)
    ap.add_argument("--model-dims", type=int, default=16)
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--net-latency-us", type=float, default=2.0,
                    help="assumed per-step latency of a cluster interconnect (not measured here)")
    ap.add_argument("--net-bandwidth-gbps", type=float, default=10.0,
                    help="assumed per-link bandwidth of a cluster interconnect in GB/s (not measured here)")
    a = ap.parse_args()

    runs = load_runs(a.out)
    if not runs:
        sys.exit(f"bench_scaling.py: no runs under {a.out}/runs")
    write_phases_csv(os.path.join(a.out, "phases.csv"), runs)
    strong, weak = summarise(runs, "strong"), summarise(runs, "weak")
    write_csv(os.path.join(a.out, "strong.csv"), strong)
    write_csv(os.path.join(a.out, "weak.csv"), weak)

    md = ["# custseg scale-out benchmark", ""]
    cores = runs[0].get("cores", "?")
    md.append(f"Machine: {cores} cores; {runs[0].get('threads', 1)} thread(s) per rank; k = {runs[0]['k']}, "
              f"d = {runs[0]['dims']}; phase times are the maximum over ranks (seconds).")
    md.append("")
    if strong:
        md += ["## Strong scaling (fixed rows)", "", md_table(strong, MEASURED_COLUMNS), ""]
    if weak:
        md += ["## Weak scaling (fixed rows per rank)", "", md_table(weak, MEASURED_COLUMNS), ""]

    # Plots of the measurements.
    series = []
    if strong:
        series.append(("strong (measured)", "#1f77b4", [(r["ranks"], r["speedup"]) for r in strong], False))
        series.append(("ideal", "#999999", [(r["ranks"], r["ranks"] / strong[0]["ranks"] * 1.0) for r in strong], True))
    if weak:
        series.append(("weak (scaled)", "#ff7f0e", [(r["ranks"], r["speedup"]) for r in weak], False))
    svg_chart(os.path.join(a.out, "speedup.svg"), "custseg speedup", "ranks", "speedup", series)
    series = []
    if strong:
        series.append(("strong", "#1f77b4", [(r["ranks"], r["efficiency"]) for r in strong], False))
    if weak:
        series.append(("weak", "#ff7f0e", [(r["ranks"], r["efficiency"]) for r in weak], False))
    svg_chart(os.path.join(a.out, "efficiency.svg"), "custseg parallel efficiency", "ranks", "efficiency", series,
              y_max=1.2)

    # The communication-cost model.
    ar = load_allreduce(os.path.join(a.out, "allreduce.csv"))
    base = strong[0] if strong else weak[0]
    base_run = next(r for r in runs if r["kind"] == ("strong" if strong else "weak") and r["ranks"] == base["ranks"])
    passes = max(base["lloyd_passes"], 1)
    # Per-row, per-pass compute: the iteration phase less its allreduce time, per Lloyd pass and
    # per row of the busiest rank; scaled to the model's d (distance work grows with k x d).
    per_row = (base["iterations_s"] - base["allreduce_s_min"]) / passes / (base["rows"] / base["ranks"])
    per_row_model = per_row * a.model_dims / base_run["dims"] * a.k / max(base_run["k"], 1)
    ranks_list = [int(x) for x in a.model_ranks.split()]
    imbalance = max([r["imbalance_compute"] for r in strong + weak] + [1.0])
    # On-node efficiency: the iteration phase at the largest strong-scaling rank count (all cores
    # of this machine), against the smallest.
    node_efficiency = 1.0
    if strong and strong[-1]["ranks"] > strong[0]["ranks"]:
        node_efficiency = min(1.0, strong[-1]["iterations_speedup"] / (strong[-1]["ranks"] / strong[0]["ranks"]))
    model_rows = []
    scenarios = []
    if ar:
        scenarios.append(("measured here", ar["alpha_s"], ar["bandwidth_Bps"]))
    scenarios.append(("assumed interconnect", a.net_latency_us * 1e-6, a.net_bandwidth_gbps * 1e9))
    for name, alpha, bw in scenarios:
        for r in model(per_row_model, a.k, a.model_dims, a.model_rows, ranks_list, alpha, bw, imbalance, node_efficiency):
            model_rows.append({"scenario": name, "alpha_us": alpha * 1e6, "bandwidth_GBps": bw / 1e9, **r})
    write_csv(os.path.join(a.out, "model.csv"), model_rows)

    m = message_bytes(a.k, a.model_dims)
    md += ["## Communication-cost model", ""]
    if ar:
        md.append(f"MPI_Allreduce of 16-byte integers with a user-defined sum, measured at {ar['ranks']} ranks "
                  f"(bench/allreduce_bench.cpp): latency alpha = {ar['alpha_s'] * 1e6:.2f} us per step, bandwidth "
                  f"B = {ar['bandwidth_Bps'] / 1e9:.2f} GB/s per step.")
    md.append(f"Per-row compute per Lloyd pass: {per_row * 1e9:.1f} ns measured at d = {base_run['dims']}, k = "
              f"{base_run['k']} ({base['ranks']} rank(s), {base['rows']:,} rows, {passes} passes); "
              f"{per_row_model * 1e9:.1f} ns scaled to d = {a.model_dims}, k = {a.k}.")
    md.append(f"Message per iteration: 16 x (k (d + 1) + 2) = {m:,} bytes. Load imbalance of the compute "
              f"(max/mean over ranks of iterations less allreduce time, largest measured): {imbalance:.3f}. On-node "
              f"efficiency of the iteration phase with all {strong[-1]['ranks'] if strong else 1} ranks of this machine busy: "
              f"{node_efficiency:.3f}. Model per iteration: T(P) = (N/P) t_row imbalance + ceil(log2 P) (alpha + m/B); "
              f"efficiency (comm) = (N/P) t_row / T(P); efficiency = efficiency (comm) x on-node efficiency. "
              f"N = {a.model_rows:.3g}.")
    md.append("")
    md.append(md_table([{**r, "comm_us": r["comm_s"] * 1e6} for r in model_rows],
                      [("scenario", "scenario", "{}"), ("ranks", "ranks", "{}"),
                       ("rows/rank", "rows_per_rank", "{:,.0f}"), ("compute s/iter", "compute_s", "{:.4f}"),
                       ("comm us/iter", "comm_us", "{:.1f}"), ("efficiency (comm)", "efficiency_comm", "{:.4f}"),
                       ("efficiency", "efficiency", "{:.3f}")]))
    md.append("")
    colours = ["#2ca02c", "#d62728"]
    svg_chart(os.path.join(a.out, "model.svg"), f"modelled efficiency, N = {a.model_rows:.0e}, d = {a.model_dims}, k = {a.k}",
              "ranks (log2)", "parallel efficiency",
              [(name, colours[i % 2], [(r["ranks"], r["efficiency"]) for r in model_rows if r["scenario"] == name], i > 0)
               for i, (name, _, _) in enumerate(scenarios)], log_x=True, y_max=1.05)

    io_path = os.path.join(a.out, "io.json")
    if os.path.exists(io_path):
        with open(io_path) as f:
            io = json.load(f)
        # The custseg run that read this file: the weak run at the largest rank count, or strong.
        kind = "weak" if weak else "strong"
        rows = weak if weak else strong
        run = next(r for r in runs if r["kind"] == kind and r["ranks"] == rows[-1]["ranks"])
        h5 = run["detail"]["hdf5"]
        read_bytes = sum(h5["read_bytes_per_rank"])
        read_s = max(h5["read_seconds_per_rank"])
        custseg_bw = read_bytes / read_s if read_s > 0 else 0.0
        cached_bw = io["bytes"] / io["dd_cached_seconds"]
        direct_bw = io["bytes"] / io["dd_direct_seconds"]
        md += ["## Read bandwidth", "",
               f"custseg collective HDF5 read ({run['ranks']} ranks, {read_bytes / 2**20:.0f} MiB of columns, page cache "
               f"warm from generation): {custseg_bw / 1e6:.0f} MB/s; parallel transfers: "
               f"{int(h5['collective_transfers'])} collective, {int(h5['independent_transfers'])} independent"
               + (f" ({h5['no_collective_cause']})" if h5["no_collective_cause"] else "") + ".",
               f"dd of the whole file ({io['bytes'] / 2**20:.0f} MiB), page cache: {cached_bw / 1e6:.0f} MB/s; "
               f"with O_DIRECT (no cache): {direct_bw / 1e6:.0f} MB/s.",
               f"Ratio custseg / dd (cached): {custseg_bw / cached_bw:.2f}; custseg / dd (O_DIRECT): "
               f"{custseg_bw / direct_bw:.2f}.", ""]
        with open(os.path.join(a.out, "io.csv"), "w") as f:
            f.write("what,bytes,seconds,MBps\n")
            f.write(f"custseg_collective_read,{read_bytes},{read_s:.6g},{custseg_bw / 1e6:.6g}\n")
            f.write(f"dd_page_cache,{io['bytes']},{io['dd_cached_seconds']},{cached_bw / 1e6:.6g}\n")
            f.write(f"dd_o_direct,{io['bytes']},{io['dd_direct_seconds']},{direct_bw / 1e6:.6g}\n")

    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
