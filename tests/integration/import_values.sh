#!/bin/sh
# import_values: Spanish and US files (headers, separators, dates, numbers, stages)
# imported through the real binary; stored values checked against values worked
# out by hand (epochs for local midnights in Europe/Madrid and UTC).
. "$SRCDIR/tests/integration/lib.sh"
D="$SRCDIR/tests/data/import"
q() { sqlite3 "$db" "$1"; }

# deals_es.csv: BOM, ';', CRLF, Spanish headers, d/m/Y, 1.234,56, Ganado/Perdido.
db="$TMP/es.db"
"$EMBUDO" --db "$db" init --timezone Europe/Madrid >/dev/null
expect_status 0 "$EMBUDO" --db "$db" import deals "$D/deals_es.csv" --create-missing
grep -qF "ignored columns: Notas" "$TMP/out"; check "the summary lists the ignored column"
grep -qF "created 4, updated 0" "$TMP/out"; check "the summary counts 4 created"
expect_eq "D-001" "Renovación licencias|won|123456|1738537200|1741993200|Won|Ana García|Acme SL" \
    "$(q "select title, status, amount, created, closed, (select name from stages where id=stage_id),
          (select name from users where id=owner_id), (select name from accounts where id=account_id)
          from deals where ext_id='D-001'")"
# 2025-04-01 is in summer time (UTC+2): local midnight = 22:00 UTC the day before.
expect_eq "D-002" "lost|98050|1739487600|1743458400" \
    "$(q "select status, amount, created, closed from deals where ext_id='D-002'")"
expect_eq "D-003" "open|1250000|1742425200||Proposal" \
    "$(q "select status, amount, created, closed, (select name from stages where id=stage_id) from deals where ext_id='D-003'")"
expect_eq "D-004 quoted title with ';'" "Consultoría; fase 2|700000|Negotiation" \
    "$(q "select title, amount, (select name from stages where id=stage_id) from deals where ext_id='D-004'")"
expect_eq "sum of amounts" "2171506" "$(q "select sum(amount) from deals")"
expect_eq "history rows (2 closed deals x 2 + 2 open)" "6" "$(q "select count(*) from deal_history")"
expect_eq "a won deal's history starts open in the first stage" "open|Prospecting|1738537200" \
    "$(q "select h.status, s.name, h.at from deal_history h join stages s on s.id=h.stage_id
          join deals d on d.id=h.deal_id where d.ext_id='D-001' order by h.at limit 1")"
expect_eq "users created as reps (beside the owner init made)" "admin|1;rep|2" \
    "$(q "select role, count(*) from users group by role" | paste -sd';')"
expect_eq "one audit row for the import (after the owner's creation)" "insert|users|;import|deals|4" \
    "$(q "select action, kind, json_extract(detail, '\$.created') from audit_log order by id" | paste -sd';')"

# Importing again finds every row unchanged: nothing written, no new history.
sum1=$(sqlite3 "$db" "select * from deals; select * from deal_history" | md5sum)
expect_output_contains "created 0, updated 0, repeated 0, rejected 0, unchanged 4" "$EMBUDO" --db "$db" import deals "$D/deals_es.csv" --create-missing
sum2=$(sqlite3 "$db" "select * from deals; select * from deal_history" | md5sum)
expect_eq "re-import leaves deals and history as they were" "$sum1" "$sum2"
expect_eq "still 4 deals, 3 accounts, 2 users and the owner" "4|3|3" \
    "$(q "select (select count(*) from deals), (select count(*) from accounts), (select count(*) from users)")"

# Goals and expenses: periods set from/to, targets in the metric's unit.
expect_status 0 "$EMBUDO" --db "$db" import goals "$D/goals.csv"
expect_eq "money goal for a rep" "revenue_won|rep|Ana García|2025-Q1|2025-01-01|2025-04-01|5000000" \
    "$(q "select metric, scope, (select name from users where id=user_id), period, period_from, period_to, target
          from goals where metric='revenue_won'")"
expect_eq "rate goal in bp, org scope" "org|2025-01-01|2026-01-01|2500" \
    "$(q "select scope, period_from, period_to, target from goals where metric='win_rate'")"
expect_eq "count goal" "2025-03-01|2025-04-01|12" \
    "$(q "select period_from, period_to, target from goals where metric='deals_won'")"
expect_status 0 "$EMBUDO" --db "$db" import expenses "$D/expenses.csv"
expect_eq "expenses" "marketing|google ads|2025-01-01|2025-02-01|150000;sales||2025-01-01|2025-04-01|200050" \
    "$(q "select category, channel, period_from, period_to, amount from expenses order by id" | paste -sd';')"
expect_output_contains "created 0, updated 0, repeated 0, rejected 0, unchanged 2" "$EMBUDO" --db "$db" import expenses "$D/expenses.csv"

# deals_us.csv: m/d/Y decided per column, $1,234.56, 2,000, quoted newline, Closed Won.
db="$TMP/us.db"
"$EMBUDO" --db "$db" init --currency EUR --timezone UTC >/dev/null
expect_status 0 "$EMBUDO" --db "$db" import deals "$D/deals_us.csv" --create-missing
expect_eq "U1" "Big deal, phase 1|won|123456|1739491200|1740787200" \
    "$(q "select title, status, amount, created, closed from deals where ext_id='U1'")"
expect_eq "U2" "lost|9990|1740960000|1743292800" "$(q "select status, amount, created, closed from deals where ext_id='U2'")"
expect_eq "U3 multi-line title" "Multi
line|open|200000|1736035200|Qualification" \
    "$(q "select title, status, amount, created, (select name from stages where id=stage_id) from deals where ext_id='U3'")"

# The summary as JSON.
"$EMBUDO" --db "$TMP/json.db" init --currency EUR --timezone UTC >/dev/null
"$EMBUDO" --db "$TMP/json.db" import deals "$D/deals_us.csv" --create-missing --format json >"$TMP/sum.json"
expect_eq "JSON summary" "deals 3 3 0 {'users': 2, 'accounts': 2} True" \
    "$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['kind'], d['rows'], d['created'], d['rejected'], d['created_references'], d['committed'])" "$TMP/sum.json")"

# Dates that fit both orders follow the organisation's locale (en: month-first), and
# the summary says so; --date-format decides otherwise.
expect_status 0 "$EMBUDO" --db "$db" import deals "$D/dates_ambiguous.csv"
grep -qF -- "dates read month/day/year (organisation's locale en); --date-format to change" "$TMP/out"
check "the summary says the locale read them month-first"
expect_eq "m/d/Y by the locale" "1735776000|1741046400" "$(q "select created from deals where ext_id like 'A%' order by ext_id" | paste -sd'|')"
expect_status 0 "$EMBUDO" --db "$db" import deals "$D/dates_ambiguous.csv" --date-format d/m/Y
expect_eq "d/m/Y" "1738368000|1743638400" "$(q "select created from deals where ext_id like 'A%' order by ext_id" | paste -sd'|')"
expect_status 0 "$EMBUDO" --db "$db" import deals "$D/dates_ambiguous.csv" --date-format %m/%d/%Y
expect_eq "%m/%d/%Y" "1735776000|1741046400" "$(q "select created from deals where ext_id like 'A%' order by ext_id" | paste -sd'|')"
expect_status 2 "$EMBUDO" --db "$db" import deals "$D/dates_ambiguous.csv" --date-format dd-mm
finish
