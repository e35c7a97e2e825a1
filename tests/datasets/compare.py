#!/usr/bin/env python3
"""compare.py EXPECTED ACTUAL [--subset] - compares two "key<TAB>value" files (from
expected.py / crosscheck.sh and from a dataset's SQL queries over the database);
lines starting with "#" are comments.

Prints one result line per check for the calling shell test to number as TAP:
"ok DESCRIPTION" or "not ok DESCRIPTION", followed by "#" lines with the differences.
A key "name[arg]" belongs to group "name": a group passes when its values agree for
every arg and neither side has an arg the other lacks. A plain key is its own check.
With --subset, only the keys of EXPECTED are checked (ACTUAL may have more groups).
"""
import sys


def load(path):
    groups = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("\t")
            if not sep:
                sys.exit(f"compare.py: {path}:{n}: no tab in line '{line}'")
            name, bracket, _ = key.partition("[")
            groups.setdefault(name if bracket else key, {})[key] = value
    return groups


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: compare.py EXPECTED ACTUAL [--subset]\n")
        return 2
    exp, act = load(argv[1]), load(argv[2])
    subset = "--subset" in argv[3:]
    names = list(exp) + ([] if subset else [n for n in act if n not in exp])
    failed = 0
    for name in names:
        e, a = exp.get(name, {}), act.get(name, {})
        diffs = []
        for key in sorted(set(e) | set(a)):
            if key not in a:
                diffs.append(f"{key}: expected {e[key]!r}, missing from the database")
            elif key not in e:
                diffs.append(f"{key}: unexpected {a[key]!r} in the database")
            elif e[key] != a[key]:
                diffs.append(f"{key}: expected {e[key]!r}, got {a[key]!r}")
        if len(e) == 1 and name in e:
            what = f"{name} = {e[name]}"
        elif e:
            what = f"{name}: {len(e)} values"
        else:
            what = f"{name}: not expected at all"
        if diffs:
            failed += 1
            print(f"not ok {what}")
            for d in diffs[:8]:
                print(f"#   {d}")
            if len(diffs) > 8:
                print(f"#   ... and {len(diffs) - 8} more")
        else:
            print(f"ok {what}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
