#!/usr/bin/env python3
"""kpi_check.py EXPECTED.tsv KPI.csv DIM CHECK...: compares `embudo kpi --format csv`
output with figures derived from the raw CSV files (expected/*.tsv, made without
Embudo). Each CHECK is COLUMN=EXPR where EXPR names expected keys per dimension value:
  key          the expected value (an integer count)
  key/100      an amount in cents, as a decimal
  a/b          a ratio of two keys (a rate)
The dimension value is looked up as key[VALUE]. Prints TAP lines; exit 1 on a mismatch.
"""
import csv
import sys
from decimal import Decimal


def main():
    tsv, kpi, dim, checks = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    exp = {}
    for line in open(tsv, encoding="utf-8"):
        if "[" in line and not line.startswith("#"):
            key, value = line.rstrip("\n").split("\t")
            exp.setdefault(key[key.index("[") + 1:-1], {})[key[:key.index("[")]] = value
    rows = {r[dim]: r for r in csv.DictReader(open(kpi, encoding="utf-8"))}
    n = bad = 0
    for check in checks:
        column, expr = check.split("=", 1)
        first = expr.split("/")[0]
        for value, keys in sorted(exp.items()):
            if first not in keys or value == "(none)":
                continue
            if expr.endswith("/100"):
                want = Decimal(keys[first]) / 100
            elif "/" in expr:
                den = Decimal(keys.get(expr.split("/")[1], "0"))
                want = Decimal(keys[first]) / den if den else None
            else:
                want = Decimal(keys[first])
            row = rows.get(value)
            got = Decimal(row[column]) if row and row[column] != "" else None
            n += 1
            same = got is not None and want is not None and abs(got - want) <= Decimal("1e-9") * max(1, abs(want))
            if not same:
                bad += 1
                print("not ok %d - %s for %s=%s: expected %s, got %s" % (n, column, dim, value, want, got))
    print("%s %d - %d figures of %s per %s agree with the raw files" % ("ok" if not bad else "not ok", n + 1,
                                                                         n - bad, kpi.split("/")[-1], dim))
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
