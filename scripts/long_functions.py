#!/usr/bin/python3
"""List functions longer than a limit (default 80 lines) in C++ sources.

A function starts at a line whose code ends in `) {`, `) const {`, `) override {`, `) final {`,
`) noexcept {` or `) -> T {` (a signature, possibly continued from earlier lines) and ends at its
matching brace. Lambdas and local classes count toward their enclosing function. A heuristic for
this codebase's formatting (clang-format, braces on the signature line), not a C++ parser.

  scripts/long_functions.py [--limit N] DIR...     exit 1 when any function is longer
"""
import argparse
import pathlib
import re
import sys

SIGNATURE_END = re.compile(r"\)\s*(const\s*)?(noexcept\s*)?(override\s*|final\s*)?(->\s*[\w:<>, *&]+\s*)?\{\s*(//.*)?$")
NOT_FUNCTIONS = re.compile(r"^\s*(if|for|while|switch|catch|else|do|return|namespace|struct|class|enum)\b|=\s*\[|\]\s*\(")


def strip_strings(line):
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    return re.sub(r"'(\\.|[^'\\])*'", "''", line)


def functions(path):
    lines = path.read_text(errors="replace").splitlines()
    i = 0
    while i < len(lines):
        code = strip_strings(lines[i]).split("//")[0].rstrip()
        if SIGNATURE_END.search(code + (" " if code else "")) and not NOT_FUNCTIONS.search(code) and "[" not in code.split("(")[0]:
            depth, j = 0, i
            while j < len(lines):
                text = strip_strings(lines[j]).split("//")[0]
                depth += text.count("{") - text.count("}")
                if depth <= 0 and j >= i:
                    break
                j += 1
            yield i + 1, j - i + 1, lines[i].strip()
            i = j + 1
            continue
        i += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=80)
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    long_ones = []
    for d in args.dirs:
        for path in sorted(pathlib.Path(d).rglob("*")):
            if path.suffix in (".cpp", ".hpp"):
                for line, length, text in functions(path):
                    if length > args.limit:
                        long_ones.append(f"{path}:{line}: {length} lines: {text[:90]}")
    print("\n".join(long_ones) if long_ones else f"no function over {args.limit} lines")
    return 1 if long_ones else 0


if __name__ == "__main__":
    sys.exit(main())
