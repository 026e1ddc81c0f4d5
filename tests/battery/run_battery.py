#!/usr/bin/python3
"""Run the battery (cases.tsv) against a built custseg at one rank count and print a markdown table.

usage: run_battery.py --custseg BIN --mpirun MPIRUN --np N [--work DIR] [--jobs 2] [--timeout 60]
                      [--expect-failures-from KIND,...] [--only REGEX]

Each case runs under mpirun at N ranks, two cases at a time, each under its own timeout (a hang is a
failure). Every rank runs through a small wrapper that records its own exit code, and the wrapper
itself exits 0, so mpirun never tears the job down early: a rank that fails while the others wait
in a collective shows up as a hang, not as mpirun's exit code. Checks per case: every rank's exit
code, the message regex on stderr, one "custseg JOB: error:" line and no HDF5-DIAG / MPI_ABORT /
internal-error noise for a failure, files that must not exist, inputs whose sha256 must not change.
Rows whose kind is listed in --expect-failures-from report "xfail" instead of failing the run.
Exit status: 0 when every case passed (or was skipped/xfail), 1 otherwise.
"""
import argparse
import concurrent.futures
import hashlib
import os
import re
import shlex
import shutil
import socket
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import fixtures

HERE = os.path.dirname(os.path.abspath(__file__))
NOISE = ("HDF5-DIAG", "MPI_ABORT", "internal error", "error on rank", "Segmentation fault", "core dumped")
WRAPPER = """#!/bin/sh
# One rank: run custseg, record this rank's exit code, and exit 0 so mpirun tears nothing down.
"$@"
code=$?
echo "$code" > "$BATTERY_RANKS/rank-${OMPI_COMM_WORLD_RANK:-0}"
exit 0
"""


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--custseg", required=True)
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--np", type=int, default=1)
    p.add_argument("--work", help="scratch folder (default: a temporary one, removed at the end)")
    p.add_argument("--source-dir", default=os.path.dirname(os.path.dirname(HERE)))
    p.add_argument("--cases", default=os.path.join(HERE, "cases.tsv"))
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per case; longer is a hang")
    p.add_argument("--expect-failures-from", default="", help="kinds whose failures are reported as xfail")
    p.add_argument("--only", default=os.environ.get("CUSTSEG_BATTERY_ONLY", ""),
                   help="regex: run the cases whose id matches (default: $CUSTSEG_BATTERY_ONLY, else all)")
    return p.parse_args()


def load_cases(path, only):
    cases = []
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t")
    for line in lines[1:]:
        fields = line.split("\t")
        if len(fields) != len(header):
            sys.exit(f"cases.tsv: {len(fields)} fields, expected {len(header)}: {line}")
        case = dict(zip(header, fields))
        if not only or re.search(only, case["id"]):
            cases.append(case)
    return cases


def base_env():
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    env.pop("CUSTSEG_TEST_ITERATION_DELAY_MS", None)
    return env


def sha256(path):
    if not os.path.isfile(path):
        return None
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def paths(field, places):
    return [] if field == "-" else [p.format(**places) for p in field.split(",")]


def kill_tagged(tag):
    """SIGKILL every process this case started (they carry its tag in their environment)."""
    needle = f"BATTERY_TAG={tag}".encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    os.kill(int(pid), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            pass


class Launch:
    """One mpirun of one case's command (through the rank wrapper unless `wrapped` is False)."""

    def __init__(self, ctx, case, places, tag, wrapped=True, extra_env=None):
        self.ranks_dir = tempfile.mkdtemp(prefix="ranks-", dir=places["case"])
        env = dict(ctx.env, BATTERY_TAG=tag, BATTERY_RANKS=self.ranks_dir, **(extra_env or {}))
        argv = [case["job"]] + shlex.split(case["args"].format(**places))
        prefix = [ctx.wrapper] if wrapped else []
        cmd = [ctx.mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(ctx.np)] + prefix + [ctx.custseg] + argv
        self.wrapped, self.np = wrapped, ctx.np
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     errors="replace", start_new_session=True)
        self.out, self.err, self.hung = "", "", False
        self._readers = [threading.Thread(target=self._read, args=(s, n), daemon=True)
                         for s, n in ((self.proc.stdout, "out"), (self.proc.stderr, "err"))]
        for t in self._readers:
            t.start()

    def _read(self, stream, name):
        for line in stream:
            setattr(self, name, getattr(self, name) + line)

    def wait(self, deadline, tag):
        try:
            self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.hung = True
            kill_tagged(tag)
            self.proc.wait()
        for t in self._readers:
            t.join(timeout=5)
        return self

    def exit_codes(self):
        """Every rank's exit code ('killed' where a rank left none), or mpirun's when unwrapped."""
        if not self.wrapped:
            return [self.proc.returncode]
        codes = []
        for r in range(self.np):
            try:
                codes.append(int(open(os.path.join(self.ranks_dir, f"rank-{r}")).read()))
            except (OSError, ValueError):
                codes.append("killed")
        return codes


def mount_tmpfs(where, options):
    os.makedirs(where, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", where], capture_output=True, text=True)
    return p.returncode == 0


def fill(where, leave):
    """Write until the file system is full, then give back `leave` bytes."""
    with open(os.path.join(where, "filler"), "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
        f.truncate(max(0, f.tell() - leave))


def prepare(case, places, fx):
    """Set up the case's folder; returns a reason to skip, or None."""
    mode, case_dir = case["mode"], places["case"]
    if mode.startswith("fulldisk") or mode == "romount":
        if mode.startswith("fulldisk") and mount_tmpfs(places["mnt"], "size=512k"):
            fill(places["mnt"], int(mode.partition("-")[2].rstrip("k") or 0) * 1024)
            return None
        if mode == "romount" and mount_tmpfs(places["mnt"], "ro,size=64k"):
            return None
        if mode == "romount" and os.geteuid() != 0:
            os.makedirs(places["mnt"], mode=0o555)  # not root: permissions make it unwritable too
            return None
        return "cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN)"
    if mode in ("input-in-out", "model-in-out"):
        os.makedirs(os.path.join(case_dir, "out"))
        src = "good.h5" if mode == "input-in-out" else os.path.join("model", "results.h5")
        shutil.copyfile(os.path.join(fx, src), os.path.join(case_dir, "out", "results.h5"))
    if mode == "dir-in-case":
        os.makedirs(os.path.join(case_dir, "adir"))
        with open(os.path.join(case_dir, "adir", "precious.txt"), "w") as f:
            f.write("a folder where the output file would go\n")
    if mode in ("stale-lock", "foreign-lock"):
        # A lock file in the format io/output_lock.cpp writes: a dead process of this host (taken
        # over with a warning), or a run on another host (whose liveness cannot be checked: refused).
        os.makedirs(os.path.join(case_dir, "out"))
        dead = subprocess.Popen(["true"])
        dead.wait()
        host = socket.gethostname() if mode == "stale-lock" else "another-host.example"
        with open(os.path.join(case_dir, "out", ".custseg.lock"), "w") as f:
            f.write(f"host={host}\npid={dead.pid}\nstarted=2026-01-01T00:00:00Z\njob=segment\n")
    if mode == "csv-in-case":
        shutil.copyfile(os.path.join(fx, "table.csv"), os.path.join(case_dir, "in.csv"))
    return None


def launch_modes(ctx, case, places, tag, deadline):
    """Runs the case's command as its mode says; returns (the launch judged, problems found so far)."""
    mode = case["mode"]
    if mode == "prerun":
        first = Launch(ctx, case, places, tag).wait(deadline, tag)
        if first.exit_codes() != [0] * ctx.np:
            return first, [f"the first run (which must succeed) exited {first.exit_codes()}: {first.err[-400:]}"]
    if mode == "concurrent":
        # Each iteration waits 100 ms, so the first run is still writing when the second starts.
        slow = {"CUSTSEG_TEST_ITERATION_DELAY_MS": "100"}
        a = Launch(ctx, case, places, tag, extra_env=slow)
        time.sleep(0.3)
        b = Launch(ctx, case, places, tag, extra_env=slow)
        a.wait(deadline, tag), b.wait(deadline, tag)
        ok = [x for x in (a, b) if x.exit_codes() == [0] * ctx.np]
        if len(ok) != 1:
            return b, [f"two runs on one output: exits {a.exit_codes()} and {b.exit_codes()}, expected one 0 and one "
                       f"{case['exit']}"]
        return (b if ok[0] is a else a), []
    if mode == "sigterm":
        return sigterm(ctx, case, places, tag, deadline), []
    return Launch(ctx, case, places, tag).wait(deadline, tag), []


def sigterm(ctx, case, places, tag, deadline):
    """SIGTERM to mpirun (what Slurm does at the time limit) once the fit is iterating. Unwrapped:
    mpirun forwards the signal to what it launched, which must be custseg itself."""
    run = Launch(ctx, case, places, tag, wrapped=False, extra_env={"CUSTSEG_TEST_ITERATION_DELAY_MS": "150"})
    start = time.monotonic()
    while run.proc.poll() is None and time.monotonic() - start < 10 and not re.search(r"iteration\s+2\b|k=2 ", run.out):
        time.sleep(0.05)
    if run.proc.poll() is None:
        run.proc.send_signal(signal.SIGTERM)
    return run.wait(min(deadline, time.monotonic() + 30), tag)


def check(case, run, places, before):
    expected = int(case["exit"])
    problems = []
    codes = run.exit_codes()
    if run.hung:
        problems.append("hang: killed after the timeout")
    elif case["mode"] == "sigterm":
        # The ranks exit 75; mpirun itself, signalled with SIGTERM, always exits 1 (Open MPI's rule,
        # README "Exit codes"). The message below says the ranks stopped on the signal.
        if codes != [1]:
            problems.append(f"mpirun exited {codes}, expected 1 after SIGTERM (its ranks {expected})")
    elif codes != [expected] * len(codes):
        problems.append(f"exit codes {codes}, expected {expected} on every rank")
    err = run.err
    if case["message"] != "-" and not re.search(case["message"], err, re.IGNORECASE):
        problems.append(f"stderr does not match /{case['message']}/")
    error_lines = [line for line in err.splitlines() if re.match(r"custseg( \w+)?: error", line)]
    if expected in (2, 3, 4) and len(error_lines) != 1:
        problems.append(f"{len(error_lines)} 'custseg JOB: error:' lines, expected one (from rank 0)")
    if expected == 0 and error_lines:
        problems.append("an error line in a successful run")
    problems += [f"stderr holds '{n}'" for n in NOISE if n in err and expected != 1]
    problems += [f"{p} exists afterwards" for p in paths(case["absent"], places) if os.path.lexists(p)]
    problems += [f"{p} changed" for p, digest in before.items() if sha256(p) != digest]
    return problems


def run_case(ctx, case):
    places = {"fx": ctx.fx, "src": ctx.source_dir, "case": os.path.join(ctx.work, "cases", case["id"])}
    places["mnt"] = os.path.join(places["case"], "mnt")
    shutil.rmtree(places["case"], ignore_errors=True)
    os.makedirs(places["case"])
    tag = uuid.uuid4().hex
    start = time.monotonic()
    result = {"case": case, "actual": "-", "seconds": 0.0, "problems": [], "detail": ""}
    try:
        skip = prepare(case, places, ctx.fx)
        if skip:
            result.update(status="skip", problems=[skip])
            return result
        before = {p: sha256(p) for p in paths(case["unchanged"], places)}
        missing = [p for p, digest in before.items() if digest is None and case["mode"] != "prerun"]
        run, problems = launch_modes(ctx, case, places, tag, start + ctx.timeout)
        if case["mode"] == "prerun":
            before = {p: sha256(p) for p in paths(case["unchanged"], places)}  # made by the first run
            run = Launch(ctx, case, places, tag).wait(start + ctx.timeout, tag)
        problems = problems or check(case, run, places, before)
        problems += [f"input {p} missing before the run (bad fixture)" for p in missing]
        codes = run.exit_codes()
        result["actual"] = "hang" if run.hung else (str(codes[0]) if len(set(codes)) == 1 else ",".join(map(str, codes)))
        result["detail"] = run.err.strip()[-1500:]
        result["problems"] = problems
        result["status"] = "pass" if not problems else ("xfail" if case["kind"] in ctx.expected_kinds else "FAIL")
    except Exception as e:  # a broken row or fixture fails its row, not the whole table
        result.update(status="FAIL", problems=[f"runner error: {e!r}"])
    finally:
        kill_tagged(tag)
        if case["mode"].startswith("fulldisk") or case["mode"] == "romount":
            subprocess.run(["umount", "-l", places["mnt"]], capture_output=True)
        result["seconds"] = time.monotonic() - start
    return result


def message(detail):
    """The run's one-line verdict: its 'custseg JOB: error:' (or stop) line, shortened for a table."""
    lines = [line for line in detail.splitlines() if re.match(r"custseg( \w+)?: (error|stopped)", line)]
    text = lines[0] if lines else "-"
    return (text if len(text) <= 140 else text[:137] + "...").replace("|", "\\|")


def markdown(results, np_):
    rows = ["| case | kind | command | ranks | expected | actual | s | result | message |",
            "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        c = r["case"]
        command = f"{c['job']} {c['args']}".replace("|", "\\|")
        rows.append(f"| {c['id']} | {c['kind']} | `{command}` | {np_} | {c['exit']} | {r['actual']} | "
                    f"{r['seconds']:.1f} | {r['status']} | {message(r['detail'])} |")
    return "\n".join(rows)


def main():
    a = parse_args()
    work = os.path.abspath(a.work) if a.work else tempfile.mkdtemp(prefix="custseg-battery-")
    for old in ("cases", "fixtures"):
        shutil.rmtree(os.path.join(work, old), ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    ctx = argparse.Namespace(custseg=os.path.abspath(a.custseg), mpirun=a.mpirun, np=a.np, work=work,
                             source_dir=os.path.abspath(a.source_dir), timeout=a.timeout, env=base_env(),
                             fx=os.path.join(work, "fixtures"), wrapper=os.path.join(work, "rank-wrapper.sh"),
                             expected_kinds={k for k in a.expect_failures_from.split(",") if k})
    with open(ctx.wrapper, "w") as f:
        f.write(WRAPPER)
    os.chmod(ctx.wrapper, 0o755)
    cases = load_cases(a.cases, a.only)
    t0 = time.monotonic()
    fixtures.build(ctx.fx, ctx.custseg, ctx.mpirun, ctx.env)
    print(f"fixtures built in {time.monotonic() - t0:.1f} s; {len(cases)} cases at {a.np} ranks, {a.jobs} at a time",
          flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        results = list(pool.map(lambda c: run_case(ctx, c), cases))
    print(markdown(results, a.np))
    for r in results:
        if r["status"] in ("FAIL", "xfail", "skip"):
            print(f"\n### {r['case']['id']} ({r['status']}, kind {r['case']['kind']})\n- " + "\n- ".join(r["problems"]))
            if r["status"] != "skip":
                print("stderr (tail):\n    " + r["detail"][-800:].replace("\n", "\n    "))
    tally = {s: sum(r["status"] == s for r in results) for s in ("pass", "FAIL", "xfail", "skip")}
    print(f"\n{len(results)} cases at {a.np} ranks in {time.monotonic() - t0:.0f} s: " +
          ", ".join(f"{n} {s}" for s, n in tally.items()))
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    elif not tally["FAIL"]:
        for done in ("cases", "fixtures"):  # kept only to debug a failure (the 50 MB CSV is among them)
            shutil.rmtree(os.path.join(work, done), ignore_errors=True)
    return 1 if tally["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
