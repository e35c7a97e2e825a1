#!/bin/sh
# money_limits: amounts beyond 10^12 minor units are refused at every entry point
# (record add and update, import, amounts the importer derives) naming the field,
# the value and the limit, writing nothing; a total the engine cannot hold exactly
# (amounts written around embudo's checks) is an error, never a number.
. "$SRCDIR/tests/integration/lib.sh"

db="$TMP/crm.db"
E() { "$EMBUDO" --db "$db" "$@"; }
export EMBUDO_NOW=2026-03-01T10:00:00Z
E init --currency EUR --timezone UTC >/dev/null
E deal add --id D1 --title Uno --stage Won --amount 10000000000.00 --created 2026-01-01 --closed 2026-01-10 >/dev/null
check "an amount at the limit (10,000,000,000.00 EUR) is taken"
E deal add --id D2 --title Dos --stage Won --amount 10000000000.00 --created 2026-01-01 --closed 2026-01-11 >/dev/null
sqlite3 "$db" .dump >"$TMP/before.sql"

limit='an amount may be at most 10,000,000,000.00 EUR (10^12 minor units)'
expect_status 1 E deal add --title Tres --stage Won --amount 50000000000000000.00 --created 2026-01-01 --closed 2026-01-12
expect_stderr_contains "field 'amount': \"50000000000000000.00\" is too large: $limit" \
    E deal add --title Tres --stage Won --amount 50000000000000000.00 --created 2026-01-01 --closed 2026-01-12
expect_stderr_contains "\"10000000000.01\" is too large: $limit" E deal add --title T --stage Won --amount 10000000000.01
expect_stderr_contains "\"-10000000000.01\" is too large" E deal add --title T --stage Won --amount=-10000000000.01
expect_status 1 E deal update D1 --amount 10000000000.01
expect_stderr_contains "\"10000000000.01\" is too large: $limit" E deal update D1 --amount 10000000000.01
printf 'id,title,stage,amount,created\nD3,a,Proposal,100.00,2026-01-01\nD4,b,Proposal,"10,000,000,000.01",2026-01-02\n' >"$TMP/d.csv"
expect_status 1 E import deals "$TMP/d.csv"
expect_stderr_contains "row 3, column 'amount': \"10,000,000,000.01\" is too large: $limit" E import deals "$TMP/d.csv"
sqlite3 "$db" .dump >"$TMP/after.sql"
cmp -s "$TMP/before.sql" "$TMP/after.sql"
check "refused amounts wrote nothing"

# A JPY organisation states the limit in yen (no decimals).
jdb="$TMP/jpy.db"
"$EMBUDO" --db "$jdb" init --currency JPY --timezone Asia/Tokyo >/dev/null
expect_stderr_contains "\"1000000000001\" is too large: an amount may be at most 1,000,000,000,000 JPY (10^12 minor units)" \
    "$EMBUDO" --db "$jdb" deal add --title T --stage Won --amount 1000000000001

# Amounts the importer derives (quantity x unit price) are held to the same limit.
printf 'id,date\nO1,2026-01-05\n' >"$TMP/o.csv"
E import orders "$TMP/o.csv" >/dev/null
sqlite3 "$db" .dump >"$TMP/before.sql"
printf 'id,order,product,quantity,unit_price\nL1,O1,P1,2000000,6000000\n' >"$TMP/l.csv"
expect_status 1 E import order_lines "$TMP/l.csv" --create-missing
expect_stderr_contains "row 2, column 'unit_price': the amount it gives is too large: an amount may be at most 10^12 minor units" \
    E import order_lines "$TMP/l.csv" --create-missing
sqlite3 "$db" .dump >"$TMP/after.sql"
cmp -s "$TMP/before.sql" "$TMP/after.sql"
check "a line whose amount would be too large wrote nothing"

# Two deals at the limit add up exactly.
expect_output_contains "20000000000.00" E kpi revenue_won --period 2026 --format csv

# Amounts written around embudo (here by sqlite3) that overflow a total: an error
# naming the metric, exit 1, no number (also for the counts of a family that adds
# money, which cannot be added up without its amounts); other families still answer.
sqlite3 "$db" "UPDATE deals SET amount = 5000000000000000000;
               UPDATE organisation SET generation = generation + 1"
expect_status 1 E kpi revenue_won --period 2026
expect_stderr_contains "cannot compute revenue_won exactly: the amounts stored add up to more than 2^61 minor units" \
    E kpi revenue_won --period 2026
E kpi revenue_won --period 2026 --format csv >"$TMP/out" 2>/dev/null
expect_eq "no number is printed for an overflowing total" "" "$(cat "$TMP/out")"
expect_status 1 E kpi open_pipeline,avg_deal_size --period 2026
expect_status 1 E leaderboard --metric revenue_won --period 2026
expect_stderr_contains "cannot compute deals_won exactly" E kpi deals_won --period 2026
expect_output_contains "0" E kpi activities --period 2026 --format csv

# An exchange rate that inflates an amount beyond int64 (10^12 US cents at 9e9 EUR
# per USD): the conversion is held at its bound, never wrapped, and the total is
# refused, all through the CLI's own checks.
fdb="$TMP/fx.db"
"$EMBUDO" --db "$fdb" init --currency EUR --timezone UTC >/dev/null
printf 'currency,date,rate\nUSD,2020-01-01,9000000000\n' >"$TMP/r.csv"
"$EMBUDO" --db "$fdb" import rates "$TMP/r.csv" >/dev/null 2>&1
"$EMBUDO" --db "$fdb" deal add --title Big --stage Won --amount 10000000000 --currency USD --created 2026-01-01 \
    --closed 2026-01-02 >/dev/null
check "an amount at the limit in another currency is taken"
expect_stderr_contains "cannot compute revenue_won exactly" "$EMBUDO" --db "$fdb" kpi revenue_won --period 2026
finish
