"""The battery's input files, built fresh in a folder: real tables from `custseg generate` and
`custseg segment`, damaged copies of them, small h5py tables with one defect each, CSVs and INI
files. cases.tsv names them as {fx}/NAME."""
import os
import shutil
import subprocess

import h5py
import numpy as np


def build(fx, custseg, mpirun, env):
    os.makedirs(fx, exist_ok=True)
    _custseg_files(fx, custseg, mpirun, env)
    _damaged_files(fx)
    _small_tables(fx)
    _modified_copies(fx)
    _csv_files(fx)
    _ini_files(fx)


def _run(mpirun, custseg, args, env):
    cmd = [mpirun, "--oversubscribe", "--allow-run-as-root", "-np", "1", custseg] + args
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"fixture command failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")


def _custseg_files(fx, custseg, mpirun, env):
    """A generated table and two fitted models on it (score and compare read them)."""
    good = os.path.join(fx, "good.h5")
    _run(mpirun, custseg, ["generate", "-q", "--rows", "3000", "--seed", "1", "--output", good], env)
    _run(mpirun, custseg, ["segment", "-q", "--k", "4", "--input", good, "--output", os.path.join(fx, "model")], env)
    _run(mpirun, custseg, ["segment", "-q", "--k", "3", "--seed", "2", "--input", good, "--output",
                           os.path.join(fx, "model2")], env)


def _flip(src, dst, offset, count):
    """A copy of src with `count` bytes inverted from `offset` on."""
    data = bytearray(open(src, "rb").read())
    for i in range(offset, offset + count):
        data[i] ^= 0xFF
    open(dst, "wb").write(bytes(data))


def _damaged_files(fx):
    good = os.path.join(fx, "good.h5")
    data = open(good, "rb").read()
    open(os.path.join(fx, "empty.h5"), "wb").close()
    with open(os.path.join(fx, "text.h5"), "w") as f:
        f.write("customer_id,monetary\n1,10.5\n2,3.25\n")
    open(os.path.join(fx, "truncated.h5"), "wb").write(data[: len(data) // 2])
    model = open(os.path.join(fx, "model", "results.h5"), "rb").read()
    open(os.path.join(fx, "model-truncated.h5"), "wb").write(model[: len(model) // 2])
    with h5py.File(good, "r") as f:
        header = h5py.h5o.get_info(f["customers/monetary"].id).addr
    _flip(good, os.path.join(fx, "corrupt-header.h5"), header, 64)
    # A local heap (link names of a group) and the fractal heap (dense attribute storage): flip
    # the bytes right after the signature (sizes and addresses) as a bad sector would.
    _flip(good, os.path.join(fx, "corrupt-heap.h5"), data.find(b"HEAP") + 8, 24)
    _flip(good, os.path.join(fx, "corrupt-fheap.h5"), data.find(b"FRHP") + 8, 48)
    os.makedirs(os.path.join(fx, "adir"), exist_ok=True)
    for a, b in (("loop.h5", "loop2.h5"), ("loop2.h5", "loop.h5")):
        if not os.path.lexists(os.path.join(fx, a)):
            os.symlink(b, os.path.join(fx, a))


def _table(path, columns):
    with h5py.File(path, "w") as f:
        for name, values in columns.items():
            f["customers/" + name] = values


def _small_tables(fx):
    n = 300
    ids = np.arange(1, n + 1, dtype="u8")
    ramp = (np.arange(n) % 17).astype("f8")
    freq = (np.arange(n) % 5).astype("f8")

    def with_value(row, value, base=ramp):
        v = base.copy()
        v[row] = value
        return v

    _table(os.path.join(fx, "nan.h5"), {"customer_id": ids, "monetary": with_value(42, np.nan), "frequency": freq})
    _table(os.path.join(fx, "inf.h5"), {"customer_id": ids, "monetary": with_value(17, np.inf), "frequency": freq})
    _table(os.path.join(fx, "huge.h5"), {"customer_id": ids, "monetary": with_value(42, 1e155), "frequency": freq})
    _table(os.path.join(fx, "big.h5"), {"customer_id": ids, "monetary": with_value(42, 1e130), "frequency": freq})
    _table(os.path.join(fx, "allnan.h5"), {"customer_id": ids, "monetary": np.full(n, np.nan), "frequency": freq})
    _table(os.path.join(fx, "ragged.h5"), {"customer_id": ids, "monetary": ramp, "frequency": freq[:-1]})
    dup = ids.copy()
    dup[200] = dup[100]
    _table(os.path.join(fx, "dupids.h5"), {"customer_id": dup, "monetary": ramp, "frequency": freq})
    neg = ids.astype("i8")
    neg[150] = -7
    _table(os.path.join(fx, "negids.h5"), {"customer_id": neg, "monetary": ramp, "frequency": freq})
    _table(os.path.join(fx, "zerorows.h5"), {"customer_id": np.zeros(0, "u8"), "monetary": np.zeros(0),
                                             "frequency": np.zeros(0)})
    _table(os.path.join(fx, "tworows.h5"), {"customer_id": ids[:2], "monetary": np.array([1.0, 5.0]),
                                            "frequency": np.array([2.0, 3.0])})
    # Two columns equal but for case: --features income is ambiguous, not missing.
    _table(os.path.join(fx, "casefold.h5"), {"customer_id": ids, "Income": ramp, "INCOME": freq, "frequency": freq})
    pair = np.zeros(n, dtype=[("a", "f8"), ("b", "i4")])
    _table(os.path.join(fx, "types.h5"), {
        "customer_id": ids, "monetary": ramp, "label": np.array([b"x"] * n, dtype=h5py.string_dtype()),
        "pair": pair, "matrix": np.zeros((n, 2)), "scalar": np.float64(3.5)})


def _modified_copies(fx):
    """good.h5 with one defect each, for score (the model's features are all there)."""
    good = os.path.join(fx, "good.h5")
    for name, edit in (("good-nan.h5", lambda f: _set(f, "monetary", 5, np.nan)),
                       ("good-huge.h5", lambda f: _set(f, "monetary", 5, 1e155)),
                       ("good-dupids.h5", lambda f: _set(f, "customer_id", 9, f["customers/customer_id"][3]))):
        path = os.path.join(fx, name)
        shutil.copyfile(good, path)
        with h5py.File(path, "r+") as f:
            edit(f)


def _set(f, column, row, value):
    ds = f["customers/" + column]
    ds[row] = value


def _rows_with(bad, line=60):
    """An aggregated table (id,name,value) whose line `line` (1-based, the header is line 1) is `bad`."""
    out = [b"id,name,value\n"]
    for i in range(1, 120):
        out.append(bad if i == line - 1 else b"%d,name %d,%d\n" % (i, i, i * 3))
    return b"".join(out)


def _csv_files(fx):
    def write(name, content):
        open(os.path.join(fx, name), "wb").write(content)

    write("table.csv", _rows_with(b"59,name 59,177\n"))
    write("ragged.csv", _rows_with(b"59,short\n"))
    write("quotes.csv", _rows_with(b'59,"never closed,1\n'))
    write("utf8.csv", _rows_with(b"59,caf\xe9,1\n"))
    write("nul.csv", _rows_with(b"59,na\x00me,1\n"))
    write("dupids.csv", _rows_with(b"58,again,1\n"))
    write("negid.csv", _rows_with(b"-7,minus,1\n", line=5))
    write("empty.csv", b"")
    write("header-only.csv", b"id,name,value\n")
    # Line 3 holds a 50 MB field: a reader must refuse it by name, not swallow memory or crash.
    with open(os.path.join(fx, "longline.csv"), "wb") as f:
        f.write(b"id,name,value\n1,a,1\n2,")
        f.write(b"x" * (50 * 1024 * 1024))
        f.write(b",2\n3,c,3\n")
    header = b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    rows = [b"5360%02d,P%d,MUG,%d,2011-0%d-15 10:00:00,%d.25,%d.0,France\n" % (i, i % 7, 1 + i % 5, 1 + i % 9, 1 + i % 4,
                                                                              12000 + i % 11) for i in range(40)]
    write("tx.csv", header + b"".join(rows))
    bad = list(rows)
    bad[2] = b"536002,P2,MUG,3,2011-13-45 10:00:00,3.25,12002.0,France\n"  # line 4
    write("tx-bad-date.csv", header + b"".join(bad))


def _ini_files(fx):
    def write(name, content):
        with open(os.path.join(fx, name), "w") as f:
            f.write(content)

    write("bad-syntax.ini", "# a section that never closes, then a line without '='\n[segment\nk 5\n")
    write("bad-value.ini", "k = five\n")
    write("unknown-key.ini", "colour = blue\n")
