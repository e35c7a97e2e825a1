#!/bin/sh
# datasets_maven: imports Maven CRM (data/maven-crm) with the documented
# commands (tests/datasets/maven.commands) into a fresh database, checks its figures
# against those tests/datasets/expected.py derives from the raw CSV files, then runs
# the import again and checks that nothing changed.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/datasets/lib.sh"
ds_require maven-crm
ds_expected maven

db="$TMP/maven.db"
ds_import maven "$db"
ds_compare maven "$db"

# Quirk: the pipeline's "GTXPro" is products.csv's "GTX Pro": names match ignoring
# case, spaces and punctuation, so no product is created (products.count above).
# A stage the pipeline lacks ("Engaging" without --stage-map) refuses the whole file,
# naming the value, and changes nothing (one transaction).
ds_snapshot "$db" "$TMP/before.sql"
cd "$DATASETS/maven-crm" || exit 1
expect_status 1 "$EMBUDO" --db "$db" import deals sales_pipeline.csv --map id=opportunity_id --default created=2017-12-31
grep -q "Engaging" "$TMP/err"; check "the refusal names the unknown stage 'Engaging'"
ds_snapshot "$db" "$TMP/after.sql"
cmp -s "$TMP/before.sql" "$TMP/after.sql"; check "a refused import leaves the database unchanged"

# Re-importing everything changes nothing: no duplicates, same figures.
ds_import maven "$db"
ds_snapshot "$db" "$TMP/after.sql"
if cmp -s "$TMP/before.sql" "$TMP/after.sql"; then ok "re-import leaves every row as it was"
else not_ok "re-import changed rows"; diff "$TMP/before.sql" "$TMP/after.sql" | head -10 | sed 's/^/#   /'; fi
ds_compare maven "$db" "after re-import: "

# The KPI engine on real data (issue 4): win rate and average deal size per agent,
# against the figures derived from the raw CSV (expected/maven.tsv: won and lost
# counts and won amounts per agent): win rate = won / (won + lost), average =
# won amount / won, rounded half away from zero to the cent.
"$EMBUDO" --db "$db" kpi deals_won,deals_lost,revenue_won,win_rate,avg_deal_size --period all --by rep \
    --format csv >"$TMP/kpi.csv" 2>"$TMP/kpi.err"; check "embudo kpi by rep on maven"
python3 - "$SRCDIR/tests/datasets/expected/maven.tsv" "$TMP/kpi.csv" >"$TMP/kpi.tap" <<'PY'
import csv, sys
from decimal import Decimal, ROUND_HALF_UP
exp = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("agent.") and "[" in line:
        key, value = line.rstrip("\n").split("\t")
        name = key[key.index("[") + 1:-1]
        exp.setdefault(name, {})[key[:key.index("[")]] = value
rows = {r["rep"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
n = bad = 0
for name, e in sorted(exp.items()):
    won, lost = int(e.get("agent.won.count", 0)), int(e.get("agent.lost.count", 0))
    if won + lost == 0:
        continue
    amount = Decimal(e.get("agent.won.amount", "0")) / 100  # the file holds cents
    want = (won, lost, amount, Decimal(won) / Decimal(won + lost),
            (amount / won).quantize(Decimal("0.01"), ROUND_HALF_UP) if won else None)
    r = rows.get(name)
    got = None if r is None else (int(r["deals_won"]), int(r["deals_lost"]), Decimal(r["revenue_won"]),
                                  Decimal(r["win_rate"]), Decimal(r["avg_deal_size"]) if r["avg_deal_size"] else None)
    same = got is not None and got[:3] == want[:3] and abs(got[3] - want[3]) < Decimal("1e-9") and got[4] == want[4]
    n += 1
    if not same:
        bad += 1
        print("not ok %d - kpi for %s: expected %s, got %s" % (n, name, want, got))
print("ok %d - kpi won, lost, revenue, win rate and average deal size of %d agents" % (n + 1, n - bad)
      if bad == 0 else "not ok %d - %d agents differ" % (n + 1, bad))
PY
if grep -q "^not ok" "$TMP/kpi.tap"; then not_ok "kpi per agent matches the raw CSV"; sed 's/^/#   /' "$TMP/kpi.tap" | head -5
else expect_eq "agents checked by kpi" 30 "$(grep -o 'of [0-9]* agents' "$TMP/kpi.tap" | grep -o '[0-9]*')"; fi
finish
