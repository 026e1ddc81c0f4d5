#!/usr/bin/python3
"""Independent checks of segment names and actions (--segment-labels, score, segment --previous)
with h5py and pandas, as a user reads the outputs.

  check_segment_labels.py applied RUN LABELS.csv   the file's names/actions on its IDs everywhere
  check_segment_labels.py carried RUN MODEL_RUN [person-only]
      every ID both runs have carries the model's name and action (person-only: only the names
      a person gave carry; generated ones are the run's own)
Exit 0 when right; a message and exit 1 otherwise.
"""
import sys

import h5py
import pandas as pd


def segments_of(run):
    with h5py.File(f"{run}/results.h5", "r") as f:
        ids = [int(i) for i in f["/segments/segment_id"][()]]
        def strings(path):
            return [v.decode() if isinstance(v, bytes) else str(v) for v in f[path][()]]
        names, actions, sources = strings("/segments/names"), strings("/segments/actions"), strings("/segments/name_source")
    return {i: (n, a, s) for i, n, a, s in zip(ids, names, actions, sources)}


def fail(message):
    print(message)
    sys.exit(1)


def applied(run, labels_path):
    labels = pd.read_csv(labels_path, keep_default_na=False, dtype={"name": str, "action": str})
    h5 = segments_of(run)
    csv = pd.read_csv(f"{run}/segments.csv", keep_default_na=False).set_index("segment")
    assignments = pd.read_csv(f"{run}/assignments.csv", keep_default_na=False)
    for _, row in labels.iterrows():
        sid = int(row["segment_id"])
        if sid not in h5:
            continue
        name, action, source = h5[sid]
        want_name = row.get("name", "") or name  # an empty name keeps the generated one
        if name != want_name or action != row.get("action", ""):
            fail(f"results.h5 segment {sid}: ({name!r}, {action!r}), labels file says ({want_name!r}, {row.get('action', '')!r})")
        if row.get("name", "") and source != "labels file":
            fail(f"results.h5 segment {sid}: name_source {source!r}, expected 'labels file'")
        if csv.loc[sid, "name"] != want_name or csv.loc[sid, "action"] != row.get("action", ""):
            fail(f"segments.csv segment {sid}: {csv.loc[sid, 'name']!r} / {csv.loc[sid, 'action']!r}")
        shown = set(assignments.loc[assignments["segment"] == sid, "segment_name"])
        if shown != {want_name}:
            fail(f"assignments.csv segment {sid}: names {shown}, expected {{{want_name!r}}}")
    if len(set(csv["name"])) != len(csv):
        fail(f"segments.csv names are not unique: {list(csv['name'])}")
    print(f"{run}: labels of {len(labels)} IDs applied in results.h5, segments.csv and assignments.csv")


def carried(run, model_run, person_only):
    now, before = segments_of(run), segments_of(model_run)
    shared = sorted(set(now) & set(before))
    if not shared:
        fail("the runs share no segment ID")
    for sid in shared:
        name, action, source = now[sid]
        old_name, old_action, old_source = before[sid]
        if action != old_action:
            fail(f"segment {sid}: action {action!r}, the model's is {old_action!r}")
        person = old_source != "generated"
        if source not in ("generated", "labels file"):
            fail(f"segment {sid}: name_source {source!r} (expected 'generated' or 'labels file')")
        if (person or not person_only) and source != old_source:
            fail(f"segment {sid}: name_source {source!r}, the model's is {old_source!r} (a carried name keeps its source)")
        if person_only and not person:
            if source != "generated":
                fail(f"segment {sid}: a generated name was carried by segment --previous ({name!r})")
            continue
        if name != old_name:
            fail(f"segment {sid}: name {name!r}, the model's is {old_name!r}")
    print(f"{run}: names and actions of IDs {shared} carried from {model_run}")


if __name__ == "__main__":
    if sys.argv[1] == "applied":
        applied(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "carried":
        carried(sys.argv[2], sys.argv[3], len(sys.argv) > 4 and sys.argv[4] == "person-only")
    else:
        fail(__doc__)
