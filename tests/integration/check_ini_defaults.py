#!/usr/bin/env python3
"""Every default written in configs/*.ini equals the built-in default that `custseg <job> --help`
prints, so the example files cannot drift from the code (issue 9, "defaults written once").

An active `key = value` line is a claim that value is the built-in default, unless the line is
marked: its trailing comment, or the comment lines directly above it, say "not the built-in
default". A marked line must then differ from the built-in default (a stale marker fails too).
For the files of one job (segment.ini, sweep.ini, ...) every option of --help must also appear in
the file, active or as a commented `# key = ...` example ("every option documented in place").

usage: check_ini_defaults.py CUSTSEG_BINARY CONFIGS_DIR
"""
import pathlib
import re
import subprocess
import sys

MARKER = "not the built-in default"
NOT_IN_INI = {"help", "config"}  # command-line only
# Files that configure one mode of a job: they set the options of that mode only.
PARTIAL = re.compile(r"^ingest-")

HELP_LINE = re.compile(r"^\s+(?:-\w \[ )?--([\w-]+)(?: \])?(?P<arg> \[?=?arg(?:\(=[^)]*\))?\]?)?(?: \(=(?P<default>[^)]*)\))?")


def builtin_defaults(binary, job):
    """{option: default text or None} from `custseg job --help`; bool switches default to false."""
    text = subprocess.run([binary, job, "--help"], check=True, capture_output=True, text=True, timeout=60).stdout
    options = {}
    for line in text.splitlines():
        m = HELP_LINE.match(line)
        if not m:
            continue
        default = m.group("default")
        if default is None and m.group("arg") is None:
            default = "false"  # a switch (po::bool_switch): off unless given
        options[m.group(1)] = default
    if not options:
        raise SystemExit(f"no options found in `{job} --help`:\n{text}")
    return options


def normalise(value):
    v = value.strip()
    if v.lower() in ("true", "yes", "on", "1"):
        return True
    if v.lower() in ("false", "no", "off", "0"):
        return False
    try:
        return float(v)
    except ValueError:
        return v


def same(ini_value, default):
    if default is None:  # no built-in value: the option's "default" is leaving it empty
        return ini_value.strip() == ""
    return normalise(ini_value) == normalise(default)


def ini_entries(path):
    """(line number, key, value, marked) of every active line; and the keys of commented examples."""
    entries, examples, comments = [], set(), []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line:
            comments = []
            continue
        if line.startswith("#"):
            m = re.match(r"#\s*([\w-]+)\s*=", line)
            if m:
                examples.add(m.group(1))
            comments.append(line)
            continue
        body, _, trailing = line.partition("#")  # Program_options strips '#' comments too
        key, eq, value = body.partition("=")
        if not eq:
            raise SystemExit(f"{path}:{number}: not a key = value line: {raw}")
        marked = MARKER in trailing or any(MARKER in c for c in comments)
        entries.append((number, key.strip(), value.strip(), marked))
        comments = []
    return entries, examples


def check_file(binary, path):
    job = re.split(r"[-.]", path.name)[0]
    defaults = builtin_defaults(binary, job)
    entries, examples = ini_entries(path)
    problems = []
    for number, key, value, marked in entries:
        where = f"{path.name}:{number}: {key}"
        if key not in defaults:
            problems.append(f"{where}: no such option in `custseg {job} --help`")
        elif marked and same(value, defaults[key]):
            problems.append(f"{where} = {value} is marked '{MARKER}' but equals it ({defaults[key]})")
        elif not marked and not same(value, defaults[key]):
            shown = "no value" if defaults[key] is None else defaults[key]
            problems.append(f"{where} = {value}, but the built-in default is {shown} "
                            f"(change one side, or mark the line '{MARKER}')")
    if not PARTIAL.match(path.name):
        documented = {key for _, key, _, _ in entries} | examples
        for option in sorted(set(defaults) - documented - NOT_IN_INI):
            problems.append(f"{path.name}: option --{option} of `custseg {job} --help` is not documented in the file")
    return len(entries), problems


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    binary, configs = sys.argv[1], pathlib.Path(sys.argv[2])
    files = sorted(configs.glob("*.ini"))
    if not files:
        raise SystemExit(f"no INI files in {configs}")
    failed = False
    for path in files:
        count, problems = check_file(binary, path)
        print(f"{path.name}: {count} settings checked, {len(problems)} problems")
        for p in problems:
            print("  " + p)
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
