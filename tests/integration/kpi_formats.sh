#!/bin/sh
# kpi_formats: every metric of `kpi --list` through `kpi`, `leaderboard` and
# `dashboard`, in table, json and csv, over a past month and the month in progress,
# on a small demo company: each output is parsed (json with python3's json, csv
# with its csv module: one header, every row as wide as it), no "(null)", "nan"
# or "inf" appears, and a metric is refused by the leaderboard (exit 2, saying
# why) exactly when `kpi M --by rep` refuses it.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/f.db" EMBUDO_NOW=2026-03-15T12:00:00Z
"$EMBUDO" demo --deals 400 --years 2 >/dev/null
check "demo company created"
python3 - "$EMBUDO" "$N" >"$TMP/tap" <<'EOF'
import csv, io, json, re, subprocess, sys

embudo, n = sys.argv[1], int(sys.argv[2])

def run(*args):
    p = subprocess.run([embudo, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr

def report(ok, what, detail=""):
    global n
    n += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
    if not ok:
        for line in detail.splitlines()[:6]:
            print("#   " + line)

def valid(fmt, out):
    """None when out is valid output of format fmt, else why not."""
    if re.search(r"\(null\)|\bnan\b|\binf\b", out, re.I):
        return "has (null), nan or inf"
    if fmt == "json":
        try:
            json.loads(out)
        except ValueError as e:
            return "json: %s" % e
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out, newline="")))
        if not rows:
            return "csv: empty"
        if any(len(r) != len(rows[0]) for r in rows):
            return "csv: rows of different widths"
    elif not out.strip():
        return "table: empty"
    return None

code, out, _ = run("kpi", "--list")
metrics = [line.split()[0] for line in out.split("\n\n")[0].splitlines() if line.strip()]
report(code == 0 and len(metrics) > 50, "kpi --list names %d metrics" % len(metrics))

def check_formats(args, label):
    bad = []
    for fmt in ("table", "json", "csv"):
        code, out, err = run(*args, "--format", fmt)
        why = "exit %d: %s" % (code, err.strip()) if code else valid(fmt, out)
        if why:
            bad.append("%s: %s" % (fmt, why))
    report(not bad, label + " in table, json and csv", "\n".join(bad))

# What each metric needs: a breakdown it must have (it says which), and whether it
# is computed per rep.
required, per_rep = {}, []
for m in metrics:
    code, _, err = run("kpi", m, "--period", "2026-02", "--format", "json")
    need = re.search(r"add --by (\w+)", err)
    if code == 2 and need:
        required[m] = need.group(1)
    elif run("kpi", m, "--by", "rep", "--period", "2026-02", "--format", "json")[0] == 0:
        per_rep.append(m)
free = [m for m in metrics if m not in required]
report(len(free) + len(required) == len(metrics) and len(per_rep) > 40,
       "%d metrics need a breakdown, %d are per rep" % (len(required), len(per_rep)))

# kpi: every metric, the ones without a required breakdown all in one query.
for period in ("2026-02", "this-month"):
    check_formats(["kpi", ",".join(free), "--period", period], "kpi (all %d metrics) --period %s" % (len(free), period))
    for m, dim in sorted(required.items()):
        check_formats(["kpi", m, "--by", dim, "--period", period], "kpi %s --by %s --period %s" % (m, dim, period))
    for mode in ("previous", "year", "goal"):
        check_formats(["kpi", ",".join(per_rep), "--by", "rep", "--compare", mode, "--period", period],
                      "kpi (all %d per-rep metrics) --by rep --compare %s --period %s" % (len(per_rep), mode, period))
# leaderboard and dashboard: each metric that is computed per rep ranks; the others
# are refused, saying why.
for m in metrics:
    for cmd in ("leaderboard", "dashboard"):
        if m in per_rep:
            check_formats([cmd, "--metric", m, "--period", "2026-02"], "%s --metric %s" % (cmd, m))
        else:
            code, _, err = run(cmd, "--metric", m, "--period", "2026-02")
            report(code == 2 and "reps cannot be ranked by '%s'" % m in err,
                   "%s --metric %s is refused, saying why" % (cmd, m), err)
EOF
cat "$TMP/tap"
N=$((N + $(grep -c '^ok' "$TMP/tap") + $(grep -c '^not ok' "$TMP/tap")))
FAILED=$((FAILED + $(grep -c '^not ok' "$TMP/tap")))
finish
