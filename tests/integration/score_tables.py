#!/usr/bin/python3
"""Inputs for tests/integration/test_score.cpp, written with h5py (independent of custseg's writer).

usage: score_tables.py permute SRC DST SEED [N]  copy of a customer table with its rows shuffled
                                                 (only the first N of the shuffled rows when given)
       score_tables.py drop SRC DST COL[,COL]   copy of a customer table without those columns
       score_tables.py version RESULTS VERSION  set the root attribute format_version in place
       score_tables.py config RESULTS INI       write /model/config (the fit's options) to INI
       score_tables.py textids SRC DST          copy with string ids holding commas, quotes and line
                                                breaks, and NaN in `monetary` on every 7th row
"""
import sys

import h5py
import numpy as np


def copy_table(src, dst, keep, order=None):
    with h5py.File(src, "r") as fin, h5py.File(dst, "w") as fout:
        group = fout.create_group("customers")
        for name, value in fin["customers"].attrs.items():
            group.attrs[name] = value
        for name, ds in fin["customers"].items():
            if not keep(name):
                continue
            data = ds[()]
            out = group.create_dataset(name, data=data if order is None else data[order])
            for attr, value in ds.attrs.items():
                out.attrs[attr] = value


def main(argv):
    mode = argv[1]
    if mode == "permute":
        with h5py.File(argv[2], "r") as f:
            n = f["customers/customer_id"].shape[0]
        order = np.random.default_rng(int(argv[4])).permutation(n)
        if len(argv) > 5:
            order = order[: int(argv[5])]
        copy_table(argv[2], argv[3], lambda name: True, order)
    elif mode == "drop":
        dropped = set(argv[4].split(","))
        copy_table(argv[2], argv[3], lambda name: name not in dropped)
    elif mode == "version":
        with h5py.File(argv[2], "r+") as f:
            f.attrs["format_version"] = argv[3]
    elif mode == "config":
        with h5py.File(argv[2], "r") as f, open(argv[3], "w") as out:
            text = f["model/config"][0]
            out.write(text.decode() if isinstance(text, bytes) else text)
    elif mode == "textids":
        copy_table(argv[2], argv[3], lambda name: True)
        with h5py.File(argv[3], "r+") as f:
            group = f["customers"]
            n = group["customer_id"].shape[0]
            ids = [f'C{i},"{i % 10}"' if i % 3 == 0 else (f"C{i}\nx" if i % 3 == 1 else f"C{i}") for i in range(n)]
            del group["customer_id"]
            group.create_dataset("customer_id", data=np.array(ids, dtype=object), dtype=h5py.string_dtype())
            monetary = group["monetary"][()]
            monetary[::7] = np.nan
            group["monetary"][...] = monetary
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
