#!/usr/bin/env python3
"""Writes small HDF5 inputs with h5py and copies of them with bytes flipped in one structure each
(test_corrupt_hdf5.cpp): an object header, a local heap, a global heap, a B-tree, the superblock.
Offsets come from h5py (get_offset, id.get_info().addr) or from the structures' signatures
("HEAP", "GCOL", "TREE", ...), so the damage lands where it is meant to whatever h5py lays out.

usage: make_corrupt_hdf5.py DIR   (prints one line per file: NAME<TAB>OBJECT the damage is in)
"""
import os
import sys

import h5py
import numpy as np


def write_table(path, rows=300, chunked=False):
    rng = np.random.default_rng(7)
    with h5py.File(path, "w") as f:
        g = f.create_group("customers")
        ids = np.array([f"C{i:06d}" for i in range(rows)], dtype=object)
        g.create_dataset("customer_id", data=ids, dtype=h5py.string_dtype())
        for name in ("recency_days", "frequency", "monetary"):
            kw = {"chunks": (50,)} if chunked else {}
            g.create_dataset(name, data=rng.gamma(2.0, 10.0, rows), **kw)
        g["monetary"].attrs["role"] = "feature"


def flip(src, dst, offset, count):
    data = bytearray(open(src, "rb").read())
    for i in range(offset, min(offset + count, len(data))):
        data[i] ^= 0xFF
    open(dst, "wb").write(bytes(data))


def find_all(path, signature):
    data = open(path, "rb").read()
    out, at = [], data.find(signature)
    while at >= 0:
        out.append(at)
        at = data.find(signature, at + 1)
    return out


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    good = os.path.join(d, "good.h5")
    chunked = os.path.join(d, "chunked.h5")
    write_table(good)
    write_table(chunked, chunked=True)
    with h5py.File(good, "r") as f:
        dataset_header = h5py.h5o.get_info(f["customers/monetary"].id).addr
        group_header = h5py.h5o.get_info(f["customers"].id).addr
    cases = {
        # body of the object header after its prefix: the messages (dtype, dataspace, layout, attribute)
        "dataset-header.h5": (good, dataset_header + 16, 48, "/customers/monetary"),
        "group-header.h5": (good, group_header + 16, 32, "/customers"),
        # the local heap holding the group's link names (its data block follows the 32-byte header)
        "local-heap.h5": (good, find_all(good, b"HEAP")[-1] + 8, 24, "/customers"),
        # the global heap collection holding the variable-length customer ids: its version (libhdf5
        # then frees a pointer it never allocated: an abort) and its size
        "global-heap.h5": (good, find_all(good, b"GCOL")[0] + 4, 4, "/customers/customer_id"),
        "global-heap-size.h5": (good, find_all(good, b"GCOL")[0] + 8, 8, "/customers/customer_id"),
        # the v1 B-tree indexing the chunks of a chunked column
        "chunk-btree.h5": (chunked, find_all(chunked, b"TREE")[-1] + 8, 40, "/customers"),
        # the superblock's addresses (base, free space, end of file, root group)
        "superblock.h5": (good, 24, 40, "/"),
    }
    for name, (src, offset, count, obj) in cases.items():
        flip(src, os.path.join(d, name), offset, count)
        print(f"{name}\t{obj}")


if __name__ == "__main__":
    main()
