#!/usr/bin/python3
"""Independent check of ingest --calibration-end on the CDNOW master file (csv-free parsing, plain
Python and NumPy): per customer, purchases on the same day are one transaction (free ones
included); days up to CAL_END (inclusive) are the calibration period, later ones the holdout.

  check_calibration.py CDNOW_master.txt TABLE.h5 CAL_END(YYYY-MM-DD) UNIT_DAYS(1|7)
Checks frequency, recency, T, monetary_value, holdout_frequency and holdout_value (NaN for a
customer whose first purchase is after CAL_END) and the group attributes. Exit 0 when right.
"""
import datetime
import sys
from collections import defaultdict

import h5py
import numpy as np


def fail(message):
    print(message)
    sys.exit(1)


def expected(path, cal_end, unit):
    daily = defaultdict(lambda: defaultdict(float))
    last = None
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) != 4 or not fields[0].isdigit():
                continue
            day = datetime.datetime.strptime(fields[1], "%Y%m%d").date()
            daily[int(fields[0])][day] += float(fields[3])
            last = day if last is None or day > last else last
    out = {}
    for cid, by_day in daily.items():
        days = sorted(by_day)
        cal = [d for d in days if d <= cal_end]
        hold = [d for d in days if d > cal_end]
        if not cal:
            out[cid] = [np.nan] * 6
            continue
        repeat = [by_day[d] for d in cal[1:]]
        out[cid] = [len(cal) - 1, (cal[-1] - cal[0]).days / unit, (cal_end - cal[0]).days / unit,
                    sum(repeat) / len(repeat) if repeat else 0.0, len(hold), sum(by_day[d] for d in hold)]
    return out, last


def main(master, table, cal_end_text, unit_days):
    cal_end, unit = datetime.date.fromisoformat(cal_end_text), int(unit_days)
    want, last = expected(master, cal_end, unit)
    names = ["frequency", "recency", "T", "monetary_value", "holdout_frequency", "holdout_value"]
    with h5py.File(table, "r") as f:
        g = f["customers"]
        ids = g["customer_id"][()]
        got = np.column_stack([g[n][()] for n in names])
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
        has_invoices = "invoices" in g
    if sorted(want) != [int(i) for i in ids]:
        fail(f"customer ids differ: {len(want)} expected, {len(ids)} in the table")
    ref = np.array([want[int(i)] for i in ids], dtype=float)
    if not np.array_equal(np.isnan(ref), np.isnan(got)):
        fail(f"NaN rows differ: {int(np.isnan(ref[:, 0]).sum())} expected, {int(np.isnan(got[:, 0]).sum())} in the table")
    ok = ~np.isnan(ref)
    worst = np.max(np.abs(got[ok] - ref[ok]) / np.maximum(1.0, np.abs(ref[ok])))
    if worst > 1e-12:
        fail(f"values differ: worst relative difference {worst:g}")
    want_attrs = {"calibration_end": cal_end_text, "time_unit": "weeks" if unit == 7 else "days",
                  "holdout_end": last.isoformat(), "holdout_length": f"{(last - cal_end).days / unit:.10g}"}
    for key, value in want_attrs.items():
        if attrs.get(key) != value:
            fail(f"attribute {key}: {attrs.get(key)!r}, expected {value!r}")
    if not has_invoices:
        fail("the invoice count is not in the table as 'invoices'")
    print(f"{len(ids)} customers ({int(np.isnan(ref[:, 0]).sum())} outside the cohort) match; worst relative "
          f"difference {worst:g}; attributes {want_attrs}")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        fail(__doc__)
    main(*sys.argv[1:])
