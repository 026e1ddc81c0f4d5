#!/usr/bin/python3
"""Test data and independent checks for tests/integration/test_privacy.cpp (docs/privacy.md).

  make DIR             inputs under DIR/in: tables whose ids are distinctive (9-digit numbers
                       starting 777, strings starting CUST-SECRET-), a consent column, a
                       transaction log, broken variants, and key files (DIR/in/key is private)
  hmac KEY H5 CSV COL [sorted]
                       every /customers/customer_id of H5 is HMAC-SHA256(KEY, id) of CSV's column
                       COL, row by row (sorted: the ids sorted, as a transaction log's table is)
  pseudonym KEY ID     prints HMAC-SHA256(KEY, ID) (Python's hmac module)
  excluded CSV COL     prints how many rows hold 0 in COL
  repeat SRC DST       DST: the customer table SRC with row 50's id set to row 20's
  negative SRC DST     DST: SRC with float64 ids, row 30's negative
  grep DIR IDS_FILE KEY
                       fails naming every file under DIR (logs included) that holds a customer id
                       listed in IDS_FILE, outside /assignments of an HDF5 file and
                       assignments.csv, or the key's
                       bytes (raw or hex) anywhere at all
"""
import csv
import hashlib
import hmac
import os
import pathlib
import re
import shutil
import sys

import h5py
import numpy as np

ROWS = 3000  # enough for several chunks per rank under a small --memory-limit


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def feature_rows(ids, rng):
    rows = []
    for i, cid in enumerate(ids):
        # Three clear groups, so k-means is stable; consent 0 on about a third of the rows.
        g = i % 3
        rows.append([cid, 10 + 100 * g + rng.integers(0, 20), 1 + 5 * g + rng.integers(0, 3),
                     round(50 + 300 * g + rng.uniform(0, 40), 2), 0 if rng.uniform() < 0.3 else 1])
    return rows


def make(root):
    d = pathlib.Path(root) / "in"
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    numbers = [str(777000000 + 331 * i) for i in range(ROWS)]
    strings = [f"CUST-SECRET-{i:05d}" for i in range(ROWS)]
    header = ["customer_id", "recency_days", "frequency", "monetary", "consent"]
    rows = feature_rows(numbers, rng)
    write_csv(d / "table.csv", header, rows)
    write_csv(d / "consenting.csv", header, [r for r in rows if r[4] == 1])
    write_csv(d / "text.csv", header, feature_rows(strings, rng))
    write_csv(d / "dup.csv", header, rows[:50] + [[numbers[20]] + rows[50][1:]] + rows[51:])
    write_csv(d / "badid.csv", header, rows[:30] + [["-" + numbers[30]] + rows[30][1:]] + rows[31:])
    bad_consent = [list(r) for r in rows]
    bad_consent[17][4] = 2
    write_csv(d / "badconsent.csv", header, bad_consent)
    log = [["Invoice", "StockCode", "Quantity", "InvoiceDate", "Price", "Customer ID", "Country"]]
    for i in range(ROWS * 3):
        cid = numbers[(i * 13) % ROWS]
        log.append([f"5{i:05d}", f"P{i % 17}", 1 + i % 4, f"2011-0{1 + i % 9}-1{i % 10} 10:00:00", "2.50", cid, "UK"])
    write_csv(d / "log.csv", log[0], log[1:])
    bad_log = [list(r) for r in log]
    bad_log[40][5] = numbers[40] + ".5"
    write_csv(d / "badlog.csv", bad_log[0], bad_log[1:])
    (d / "ids.txt").write_text("\n".join(numbers + strings) + "\n")
    # The key: bytes that are easy to find if they ever leak, kept private.
    key = d / "key"
    key.write_bytes(b"KEY-BYTES-5ecret-do-not-leak-0123456789")
    key.chmod(0o600)
    (d / "key-open").write_bytes(key.read_bytes())
    (d / "key-open").chmod(0o644)
    (d / "key-empty").write_bytes(b"")
    (d / "key-empty").chmod(0o600)


def pseudonym(key, cid):
    return hmac.new(key, cid.encode(), hashlib.sha256).hexdigest()


def check_hmac(key_path, h5, csv_path, column, order=""):
    key = pathlib.Path(key_path).read_bytes()
    with open(csv_path, newline="") as f:
        ids = [row[column] for row in csv.DictReader(f)]
    if order == "sorted":
        ids = sorted(set(ids), key=lambda s: (0, int(s)) if s.isdigit() else (1, s.encode()))
    with h5py.File(h5, "r") as f:
        got = [v.decode() if isinstance(v, bytes) else str(v) for v in f["customers/customer_id"][()]]
    want = [pseudonym(key, i) for i in ids]
    if got != want:
        bad = next(i for i in range(min(len(got), len(want))) if got[i] != want[i]) if len(got) == len(want) else -1
        sys.exit(f"{h5}: {len(got)} pseudonyms, {len(want)} expected; first difference at row {bad}")
    print(f"{len(got)} pseudonyms match HMAC-SHA256")


def excluded(csv_path, column):
    with open(csv_path, newline="") as f:
        print(sum(1 for row in csv.DictReader(f) if float(row[column]) == 0))


def h5_leaks(path, ids, id_numbers):
    """Names of the objects of an HDF5 file, outside /assignments, that hold an id."""
    found = []
    with h5py.File(path, "r") as f:
        def check(name, value):
            a = np.asarray(value)
            if a.dtype.kind in "iuf" and a.size and np.isin(a.astype(np.float64).ravel(), id_numbers).any():
                found.append(name)
            elif a.dtype.kind in "OSU" and text_leaks(repr(a.tolist()).encode(), ids):
                found.append(name)

        def visit(name, obj):
            if name == "assignments" or name.startswith("assignments/"):
                return
            if isinstance(obj, h5py.Dataset):
                check(name, obj[()])
            for attr, value in obj.attrs.items():
                check(f"{name}@{attr}", value)
        visit("", f)
        f.visititems(visit)
    return found


ID_PATTERN = re.compile(rb"(?<![0-9])777[0-9]{6}(?![0-9])|CUST-SECRET-[0-9]{5}")


def text_leaks(data, ids):
    # Whole ids only (a 9-digit id inside a longer number is not that id), of the test's own.
    return sorted({m.decode() for m in ID_PATTERN.findall(data)} & set(ids))


def grep(root, ids_file, key_path):
    ids = [line for line in pathlib.Path(ids_file).read_text().split("\n") if line]
    id_numbers = np.array([float(i) for i in ids if i.isdigit()])
    key = pathlib.Path(key_path).read_bytes()
    problems, files = [], 0
    for path in sorted(pathlib.Path(root).rglob("*")):
        if not path.is_file():
            continue
        files += 1
        data = path.read_bytes()
        if key in data or key.hex().encode() in data:
            problems.append(f"{path}: holds the key")
        if path.name == "assignments.csv":
            continue  # the per-customer export: the assignments, ids kept as in the input
        if data.startswith(b"\x89HDF"):
            leaks = h5_leaks(path, ids, id_numbers)
            if leaks:
                problems.append(f"{path}: customer ids in {', '.join(leaks[:5])}")
        else:
            leaks = text_leaks(data, ids)
            if leaks:
                problems.append(f"{path}: customer ids {', '.join(leaks[:3])}")
    if files == 0:
        sys.exit(f"no files under {root}")
    if problems:
        sys.exit("\n".join(problems))
    print(f"{files} files, no customer id outside the assignments, no key")


def edited_ids(src, dst, edit):
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        ids = f["customers/customer_id"]
        attrs = dict(ids.attrs)
        values = edit(ids[()])
        del f["customers/customer_id"]
        out = f.create_dataset("customers/customer_id", data=values)
        for k, v in attrs.items():
            out.attrs[k] = v


def repeat(values):
    values[50] = values[20]
    return values


def negative(values):
    values = values.astype(np.float64)
    values[30] = -values[30]
    return values


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "make":
        make(*args)
    elif cmd == "hmac":
        check_hmac(*args)
    elif cmd == "pseudonym":
        print(pseudonym(pathlib.Path(args[0]).read_bytes(), args[1]))
    elif cmd == "excluded":
        excluded(*args)
    elif cmd == "repeat":
        edited_ids(*args, repeat)
    elif cmd == "negative":
        edited_ids(*args, negative)
    elif cmd == "grep":
        grep(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
