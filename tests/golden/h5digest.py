#!/usr/bin/python3
"""Print one sha256 per dataset and attribute of an HDF5 file: "<object>[@attribute] <sha256>".

The digest covers the dtype, the shape and the raw bytes, so any change of a value's bits shows.
Attributes that describe the run rather than its result (wall-clock time, timings, the build's
version) are left out: they differ between two runs that compute the same thing.
"""
import hashlib
import sys

import h5py
import numpy as np

VOLATILE_ATTRIBUTES = {"created_utc", "custseg_version", "input_path", "scored_with_model"}
# Provenance datasets that name where the run read and wrote (absolute paths), not what it computed.
VOLATILE_DATASETS = {"model/config"}


def digest(value):
    h = hashlib.sha256()
    if isinstance(value, (bytes, str)):
        h.update(b"str:" + (value.encode() if isinstance(value, str) else value))
        return h.hexdigest()
    array = np.asarray(value)
    if array.dtype.kind == "O":  # variable-length strings
        h.update(b"strs:" + repr([v.decode() if isinstance(v, bytes) else str(v) for v in array.ravel()]).encode())
        h.update(repr(array.shape).encode())
        return h.hexdigest()
    h.update(array.dtype.str.encode() + repr(array.shape).encode())
    h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def volatile(name):
    return name in VOLATILE_ATTRIBUTES or name.endswith("_seconds") or name.startswith("seconds")


def main(path):
    lines = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and name not in VOLATILE_DATASETS:
                lines.append(f"/{name} {digest(obj[()])}")
            for attr in sorted(obj.attrs):
                if not volatile(attr):
                    lines.append(f"/{name}@{attr} {digest(obj.attrs[attr])}")
        visit("", f)
        f.visititems(visit)
    print("\n".join(sorted(lines)))


if __name__ == "__main__":
    main(sys.argv[1])
