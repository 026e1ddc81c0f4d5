#!/usr/bin/python3
"""Stop a `custseg segment` run mid-fit, resume it with --resume, and compare with a run never stopped.

usage: checkpoint_resume.py CASE CUSTSEG MPIRUN WORKDIR [NP_STOP [NP_RESUME]]

Cases (docs/checkpoint-resume.md):
  sigterm-ranks   SIGTERM to every rank mid-iteration -> exit 75, checkpoint, no results; resume
  sigterm-mpirun  SIGTERM to mpirun itself: Open MPI 4.1 aborts the job, sending SIGTERM to the
                  ranks and SIGKILL 1 s later (odls_base_sigkill_timeout); mpirun exits 1, but
                  the ranks wrote the checkpoint (an iteration here is far below 1 s)
  sigusr1-mpirun  SIGUSR1 to mpirun: forwarded to the ranks (ess_base_forward_signals), exit 75
  sigusr1-one     SIGUSR1 to ONE rank only: the flag riding on the reduction stops them all
  sigkill         --checkpoint-every 2, then SIGKILL to one rank -> the job dies; resume from
                  the last periodic checkpoint
  bounds          stopped while iterating with --algorithm hamerly, resumed with yinyang: the
                  fresh step rebuilds its bounds from the saved centroids (reference: lloyd)
  streamed        like sigterm-ranks with --memory-limit (features streamed in chunks)
  fitted          SIGTERM to the ranks after the fit (CUSTSEG_TEST_PHASE_DELAY_MS holds them at
                  the phase boundary): resumes from the "fitted" checkpoint without refitting
  refuse          a checkpoint of another seed / k / input is refused with one message (exit 2)
The reference is the same run without interruption (at NP_STOP ranks, no delay); results must be
bitwise identical in every /assignments, /model and /segments dataset and the fit's attributes.
CUSTSEG_TEST_ITERATION_DELAY_MS (tests only) makes each iteration wait so that the stop lands
mid-fit on a small table.
"""
import os
import re
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

CASE, BIN, MPIRUN, WORK = sys.argv[1:5]
NP_STOP = int(sys.argv[5]) if len(sys.argv) > 5 else 2
NP_RESUME = int(sys.argv[6]) if len(sys.argv) > 6 else NP_STOP
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
OPTIONS = {"--k": "6", "--seed": "3", "--n-init": "2", "--max-iter": "60", "--tol": "0",
           "--features": "recency_days,frequency,monetary,tenure_days", "--silhouette-sample": "0"}


def segment_options(**changes):
    """The run's options, with `k=5` style changes."""
    options = dict(OPTIONS, **{"--" + name.replace("_", "-"): value for name, value in changes.items()})
    return [word for pair in options.items() for word in pair]


SEGMENT = segment_options()


def fail(message):
    print(f"FAIL ({CASE}): {message}", flush=True)
    sys.exit(1)


def mpirun(np_, args):
    return [MPIRUN, "--oversubscribe", "--allow-run-as-root", "-np", str(np_), BIN] + args


def run(np_, args, expect=0, env=ENV):
    p = subprocess.run(mpirun(np_, args), env=env, capture_output=True, text=True, timeout=120)
    if p.returncode != expect:
        fail(f"{' '.join(args[:1])} at {np_} ranks: exit {p.returncode}, expected {expect}\n{p.stdout}\n{p.stderr}")
    return p


def rank_pids(launcher_pid):
    out = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(launcher_pid)], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "custseg" in line]


def start_and_wait(np_, args, min_iteration, extra_env=None, marker=None):
    """Start a slow run; return (process, stdout so far) once rank 0 logged `min_iteration`
    (or a line matching `marker`)."""
    env = dict(ENV, CUSTSEG_TEST_ITERATION_DELAY_MS="150")
    env.update(extra_env or {})
    p = subprocess.Popen(mpirun(np_, args), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen, deadline = [], time.time() + 60
    for line in p.stdout:
        seen.append(line)
        m = re.search(r"iteration\s+(\d+)", line)
        if (marker and re.search(marker, line)) or (not marker and m and int(m.group(1)) >= min_iteration):
            return p, seen
        if time.time() > deadline:
            break
    p.kill()
    fail("the run never reached iteration %d:\n%s" % (min_iteration, "".join(seen)))


def finish(p, seen, timeout=60):
    rest, _ = p.communicate(timeout=timeout)
    return p.returncode, "".join(seen) + rest


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and name.split("/")[0] in ("assignments", "model", "segments"):
                out[name] = obj[()]
                if name == "model/config":  # the options as INI text: equal but for the algorithm (a
                    # resume may switch it: same labels at every iteration)
                    text = out[name][0].decode() if isinstance(out[name][0], bytes) else str(out[name][0])
                    keep = [l for l in text.splitlines() if not l.startswith("algorithm = ")]
                    out[name] = np.array(keep, dtype=object)
        f.visititems(visit)
        for a in ("inertia", "iterations", "converged", "k", "seed"):
            out["model@" + a] = f["model"].attrs[a]
    return out


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "O" or b.dtype.kind == "O":
        return a.shape == b.shape and list(a.ravel()) == list(b.ravel())
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def compare(ref_dir, got_dir):
    ref, got = datasets(f"{ref_dir}/results.h5"), datasets(f"{got_dir}/results.h5")
    if sorted(ref) != sorted(got):
        fail(f"different datasets: {sorted(set(ref) ^ set(got))}")
    differ = [name for name in ref if not same(ref[name], got[name])]
    if differ:
        fail(f"resumed results differ from the uninterrupted run in {differ}")
    if os.path.exists(f"{got_dir}/checkpoint.h5"):
        fail("checkpoint.h5 left after the outputs were complete")
    print(f"  {len(ref)} datasets/attributes bitwise identical to the uninterrupted run", flush=True)


def expect_stopped(code, log, out_dir, signame, codes=(75,)):
    if code not in codes:
        fail(f"stopped run exited {code}, expected 75:\n{log}")
    if not re.search(rf"stopped by {signame}; checkpoint (written to )?\S*checkpoint\.h5( kept)?; rerun with --resume", log):
        fail(f"no 'stopped by {signame}' message:\n{log}")
    if log.count("stopped by ") != 1:
        fail(f"the stop message appears {log.count('stopped by ')} times (one expected):\n{log}")
    for name in ("results.h5", "report.json", "segments.csv"):
        if os.path.exists(f"{out_dir}/{name}"):
            fail(f"{name} exists after the stop (looks complete)")
    if not os.path.exists(f"{out_dir}/checkpoint.h5"):
        fail("no checkpoint.h5 after the stop")


def stop_by_signal(out_dir, how, extra=()):
    args = ["segment", "--input", table, "--output", out_dir] + SEGMENT + list(extra)
    p, seen = start_and_wait(NP_STOP, args, 3)
    ranks = rank_pids(p.pid)
    if len(ranks) != NP_STOP:
        fail(f"found {len(ranks)} rank processes under mpirun, expected {NP_STOP}")
    if how == "ranks":
        for pid in ranks:
            os.kill(pid, signal.SIGTERM)
    elif how == "one":
        os.kill(ranks[-1], signal.SIGUSR1)
    elif how == "mpirun-usr1":
        p.send_signal(signal.SIGUSR1)
    else:
        p.send_signal(signal.SIGTERM)
    code, log = finish(p, seen)
    # mpirun reports its own SIGTERM with exit 1 after the ranks stopped (docs/checkpoint-resume.md).
    expect_stopped(code, log, out_dir, "SIGUSR1" if how in ("one", "mpirun-usr1") else "SIGTERM",
                   (1, 75) if how == "mpirun" else (75,))
    return log


def resume(out_dir, extra=()):
    args = ["segment", "--input", table, "--output", out_dir, "--resume"] + SEGMENT + list(extra)
    log = run(NP_RESUME, args).stdout
    if "checkpoint: resuming" not in log:
        fail(f"the resumed run does not say it resumed:\n{log}")
    return log


os.makedirs(WORK, exist_ok=True)
table = f"{WORK}/table.h5"
run(2, ["generate", "--rows", "6000", "--seed", "11", "--output", table, "--overwrite"])
ref = f"{WORK}/reference"
run(NP_STOP, ["segment", "--input", table, "--output", ref, "--overwrite"] + SEGMENT)
out = f"{WORK}/stopped"
subprocess.run(["rm", "-rf", out])

HOW = {"sigterm-ranks": "ranks", "sigterm-mpirun": "mpirun", "sigusr1-mpirun": "mpirun-usr1", "sigusr1-one": "one"}
if CASE in HOW:
    stop_by_signal(out, HOW[CASE])
    resume(out)
    compare(ref, out)
elif CASE == "bounds":
    if "algorithm hamerly" not in stop_by_signal(out, "ranks", ["--algorithm", "hamerly"]):
        fail("the stopped run did not use hamerly")
    log = resume(out, ["--algorithm", "yinyang"])
    if "algorithm yinyang" not in log:
        fail(f"the resumed run did not use yinyang:\n{log}")
    compare(ref, out)
elif CASE == "streamed":
    # Per-rank limits that make both rank counts stream (--memory-limit is not part of the
    # configuration fingerprint: streaming gives the same bits).
    log = stop_by_signal(out, "ranks", ["--memory-limit", "110K"])
    if "chunks" not in log:
        fail(f"the stopped run did not stream:\n{log}")
    log = resume(out, ["--memory-limit", "80K"])
    if "chunks" not in log:
        fail(f"the resumed run did not stream:\n{log}")
    compare(ref, out)
elif CASE == "sigkill":
    args = ["segment", "--input", table, "--output", out, "--checkpoint-every", "2"] + SEGMENT
    p, seen = start_and_wait(NP_STOP, args, 5)
    os.kill(rank_pids(p.pid)[-1], signal.SIGKILL)
    code, log = finish(p, seen)
    if code in (0, 75):
        fail(f"a run with a killed rank exited {code}")
    if not os.path.exists(f"{out}/checkpoint.h5") or os.path.exists(f"{out}/results.h5"):
        fail("after SIGKILL: expected checkpoint.h5 and no results.h5")
    resume(out)
    compare(ref, out)
elif CASE == "fitted":
    args = ["segment", "--input", table, "--output", out] + SEGMENT
    p, seen = start_and_wait(NP_STOP, args, 0, {"CUSTSEG_TEST_ITERATION_DELAY_MS": "0",
                                                "CUSTSEG_TEST_PHASE_DELAY_MS": "2500"}, r"checkpoint: fitted")
    for pid in rank_pids(p.pid):
        os.kill(pid, signal.SIGTERM)
    code, log = finish(p, seen)
    expect_stopped(code, log, out, "SIGTERM")
    log = resume(out)
    if "resuming after the fit" not in log or re.search(r"iteration\s+\d+", log):
        fail(f"the resumed run did not continue from the fitted state without iterating:\n{log}")
    compare(ref, out)
elif CASE == "refuse":
    stop_by_signal(out, "ranks")
    for what, change in (("seed", segment_options(seed="4")), ("k", segment_options(k="5"))):
        args = ["segment", "--input", table, "--output", out, "--resume"] + change
        p = run(NP_RESUME, args, expect=2)
        if p.stderr.count("was written with other options") != 1:
            fail(f"other {what}: expected one refusal message, got:\n{p.stderr}")
    other = f"{WORK}/other.h5"
    run(2, ["generate", "--rows", "6000", "--seed", "12", "--output", other, "--overwrite"])
    p = run(NP_RESUME, ["segment", "--input", other, "--output", out, "--resume"] + SEGMENT, expect=2)
    if p.stderr.count("is of another input") != 1:
        fail(f"other input: expected one refusal message, got:\n{p.stderr}")
    p = run(NP_RESUME, ["segment", "--input", table, "--output", out] + SEGMENT, expect=4)
    if "pass --resume to continue it" not in p.stderr:
        fail(f"a fresh run over a checkpoint was not refused:\n{p.stderr}")
    empty = f"{WORK}/empty"
    p = run(NP_RESUME, ["segment", "--input", table, "--output", empty, "--resume"] + SEGMENT, expect=2)
    if "--resume: no checkpoint" not in p.stderr:
        fail(f"--resume without a checkpoint: {p.stderr}")
    for name in ("results.h5", "report.json", "segments.csv"):
        if os.path.exists(f"{out}/{name}") or os.path.exists(f"{empty}/{name}"):
            fail(f"{name} written by a refused run")
    print("  refused: other seed, other k, other input, fresh run over a checkpoint, --resume without one")
else:
    fail("unknown case")
print(f"PASS {CASE} (stopped at {NP_STOP} ranks, resumed at {NP_RESUME})")
