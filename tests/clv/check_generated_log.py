#!/usr/bin/python3
"""Independent check of `custseg generate --transactions` (issue 14), run by ctest with /usr/bin/python3.

custseg's own tests check the generator through custseg (ingest, then clv recovers the truth); this
script checks it with nothing but the CSV text, the truth file and the papers' formulas:

1. The log's form: header customer_id,date,quantity,amount; ids 1..N in order; at most one line
   per customer and day, days in order; first purchases within the cohort weeks, every date within
   the log's period; amounts positive with two decimals; the truth file's counts equal the CSV's.
2. Purchases per customer: the mean of (lines + same-day merges) / customers equals the BG/NBD
   unconditional expectation 1 + E[X(t)] (Fader, Hardie & Lee 2005, eq. 9, with SciPy's hyp2f1)
   averaged over the first purchase time t0 ~ U[0, cohort) with t = end - t0, within 4 standard
   errors of the sample mean.
3. Customers with no repeat purchase: their share equals P(X(t) = 0) = (alpha / (alpha + t))^r
   (FHL05 eq. 8 at x = 0) averaged over t0, within 4 binomial standard errors.
4. Spend: the mean value of the customers' first purchase day equals the gamma-gamma E[z] =
   p gamma / (q - 1) (Fader & Hardie 2013), within 4 standard errors.

Usage: check_generated_log.py CUSTSEG WORKDIR   (runs `custseg generate --transactions` itself)
"""
import csv
import datetime
import json
import os
import subprocess
import sys

import numpy as np
from scipy.integrate import quad
from scipy.special import hyp2f1

CUSTOMERS = 40000
SEED = 11
Z_LIMIT = 4.0


def generate(binary, path):
    mpirun = os.environ.get("CUSTSEG_MPIEXEC", "mpirun")
    cmd = [mpirun, "--oversubscribe", "--allow-run-as-root", "-np", "2", binary, "generate", "--transactions",
           "--customers", str(CUSTOMERS), "--seed", str(SEED), "--output", path, "--overwrite", "-q"]
    subprocess.run(cmd, check=True, timeout=240)
    with open(path + ".truth.json") as f:
        return json.load(f)


def read_log(path, truth):
    """Per customer: number of lines, first day, first amount. Asserts the log's form (1.)."""
    start = datetime.date.fromisoformat(truth["start_date"])
    end_day = (datetime.date.fromisoformat(truth["log_end"]) - start).days
    cohort_days = 7 * truth["cohort_weeks"]
    lines, first_day, first_amount = [], [], []
    last = (0, -1)
    with open(path, newline="") as f:
        reader = csv.reader(f)
        assert next(reader) == ["customer_id", "date", "quantity", "amount"], "header"
        for cid, date, quantity, amount in reader:
            cid, day = int(cid), (datetime.date.fromisoformat(date) - start).days
            assert quantity == "1" and "." in amount and len(amount.split(".")[1]) == 2, (cid, amount)
            assert float(amount) >= 0.01, (cid, amount)
            assert 0 <= day <= end_day, (cid, date)
            if cid == last[0]:
                assert day > last[1], f"customer {cid}: day {date} not after its previous line"
                lines[-1] += 1
            else:
                assert cid == last[0] + 1, f"customer {cid} follows {last[0]}"
                assert day < cohort_days, f"customer {cid}: first purchase {date} after the cohort weeks"
                lines.append(1)
                first_day.append(day)
                first_amount.append(float(amount))
            last = (cid, day)
    assert len(lines) == truth["customers"] == CUSTOMERS, (len(lines), truth["customers"])
    assert sum(lines) == truth["transactions"], (sum(lines), truth["transactions"])
    assert truth["purchases_drawn"] == truth["transactions"] + truth["same_day_merged"]
    return np.array(lines, float), np.array(first_amount)


def expected_repeats(t, r, alpha, a, b):
    """BG/NBD E[X(t)], FHL05 eq. 9."""
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def over_cohort(f, truth):
    """f(t) averaged over the first purchase time t0 ~ U[0, cohort), t = the log's length - t0 (weeks)."""
    end = truth["calibration_weeks"] + truth["holdout_weeks"]
    cohort = truth["cohort_weeks"]
    return quad(lambda t0: f(end - t0), 0.0, cohort)[0] / cohort


def z_line(name, observed, expected, se):
    z = (observed - expected) / se
    print(f"{name}: observed {observed:.5f}, model {expected:.5f}, standard error {se:.5f}, z {z:+.2f}")
    return abs(z) <= Z_LIMIT


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    log = os.path.join(workdir, "generated.csv")
    truth = generate(binary, log)
    lines, first_amount = read_log(log, truth)
    bg, gg = truth["bgnbd"], truth["gamma_gamma"]
    r, alpha, a, b = bg["r"], bg["alpha"], bg["a"], bg["b"]
    n = len(lines)
    print(f"{n} customers, {int(lines.sum())} lines, {truth['same_day_merged']} same-day purchases merged "
          f"({truth['same_day_merged'] / truth['purchases_drawn']:.2%} of those drawn)")
    ok = True
    drawn = truth["purchases_drawn"] / n
    ok &= z_line("purchases per customer", drawn, 1 + over_cohort(lambda t: expected_repeats(t, r, alpha, a, b), truth),
                 lines.std() / np.sqrt(n))
    share = float((lines == 1).mean())
    no_repeat = over_cohort(lambda t: (alpha / (alpha + t)) ** r, truth)
    ok &= z_line("share without repeat purchases", share, no_repeat, np.sqrt(no_repeat * (1 - no_repeat) / n))
    ok &= z_line("mean value of the first purchase day", first_amount.mean(), gg["p"] * gg["gamma"] / (gg["q"] - 1),
                 first_amount.std() / np.sqrt(n))
    # Merges are rare (two purchases within a day): above 5% the log would no longer be the model's.
    ok &= truth["same_day_merged"] < 0.05 * truth["purchases_drawn"]
    print("OK" if ok else "FAILED: the log does not follow the models (|z| above 4 or too many merges)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
