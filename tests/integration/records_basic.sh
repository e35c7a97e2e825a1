#!/bin/sh
# records_basic: `embudo KIND add|list|show|update|delete` on a small CRM, checking the
# exact values printed in each format (computed by hand: Madrid is UTC+1 in March,
# UTC+2 from 29 March 2026).
. "$SRCDIR/tests/integration/lib.sh"

db="$TMP/crm.db"
E() { "$EMBUDO" --db "$db" "$@"; }
export EMBUDO_NOW=2026-03-01T10:00:00Z
E init --name "Compañía" --currency EUR --timezone Europe/Madrid >/dev/null
expect_status 0 E user add --name "Ana García" --email ana@x.com --role manager
expect_status 0 E user add --id U2 --name "Luis Pérez" --email luis@x.com --role rep
expect_status 0 E account add --id A1 --name "Ñandú S.A." --industry Retail
expect_status 0 E product add --sku GTX-1 --name "Licencia Pro" --price 1.234,56 --cost 400
expect_status 0 E deal add --id D1 --title "Renovación 2026" --account A1 --amount 12.000,50 \
    --stage Proposal --owner ana@x.com --expected-close 2026-04-15 --product GTX-1

# show: every field; references as labels in tables, as keys in json/csv
E deal show D1 --format json >"$TMP/d1.json"
check "deal show --format json"
jq_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
expect_eq "json amount" "12000.5" "$(jq_get "$TMP/d1.json" 'd["amount"]')"
grep -q '"amount": 12000.50' "$TMP/d1.json"; check "json amount written as 12000.50"
expect_eq "json account key" "A1" "$(jq_get "$TMP/d1.json" 'd["account"]')"
expect_eq "json owner key (no ext id; #1 is the owner init made)" "#2" "$(jq_get "$TMP/d1.json" 'd["owner"]')"
expect_eq "json stage" "Proposal" "$(jq_get "$TMP/d1.json" 'd["stage"]')"
expect_eq "json status" "open" "$(jq_get "$TMP/d1.json" 'd["status"]')"
expect_eq "json created in Madrid" "2026-03-01T11:00:00+01:00" "$(jq_get "$TMP/d1.json" 'd["created"]')"
expect_eq "json closed" "None" "$(jq_get "$TMP/d1.json" 'd["closed"]')"
expect_eq "json history rows" "1" "$(jq_get "$TMP/d1.json" 'len(d["history"])')"
expect_eq "json product key (no ext id)" "#1" "$(jq_get "$TMP/d1.json" 'd["products"][0]["product"]')"
# the table form pads names to the longest, forecast_category (17) + 2
expect_output_contains "owner              Ana García" E deal show D1
expect_output_contains "account            Ñandú S.A." E deal show "Renovación 2026"
expect_output_contains "title              Renovación 2026" E deal show '#1'

# list: default columns, labels in the table, keys in csv
E deal add --title "Segunda" --amount 500 --stage Prospecting --owner U2 >/dev/null
printf 'id,title,account,owner,stage,status,amount,created,closed\r\nD1,Renovación 2026,A1,#2,Proposal,open,12000.50,2026-03-01T11:00:00+01:00,\r\n#2,Segunda,,U2,Prospecting,open,500.00,2026-03-01T11:00:00+01:00,\r\n' >"$TMP/want.csv"
E deal list --format csv >"$TMP/got.csv"
cmp -s "$TMP/want.csv" "$TMP/got.csv"; check "deal list --format csv, byte for byte"
expect_output_contains "Luis Pérez" E deal list
expect_eq "my deals" "D1" "$(E deal list --where owner=ana@x.com,status=open --format csv | tail -n +2 | cut -d, -f1)"
expect_eq "amount filter with a Spanish decimal comma" "D1" \
    "$(E deal list --where 'amount>=1.000,50' --format csv | tail -n +2 | cut -d, -f1)"
expect_eq "sort descending by amount, limit 1" "D1" "$(E deal list --sort -amount --limit 1 --format csv | tail -n +2 | cut -d, -f1)"
expect_eq "sort ascending by amount" "#2" "$(E deal list --sort amount --limit 1 --format csv | tail -n +2 | cut -d, -f1)"
expect_eq "created this month" "2" "$(E deal list --where created=2026-03 --format csv | tail -n +2 | wc -l)"
expect_eq "created last year" "0" "$(E deal list --where created=2025 --format csv | tail -n +2 | wc -l)"
expect_eq "no account" "#2" "$(E deal list --where account= --format csv | tail -n +2 | cut -d, -f1)"
expect_eq "json list is an array" "2" "$(E deal list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"

# update: stage moves append history; closing sets closed and status
EMBUDO_NOW=2026-03-10T09:00:00Z E deal update D1 --stage Negotiation --amount 15000 >/dev/null
check "update stage and amount"
EMBUDO_NOW=2026-04-02T08:30:00Z E deal update D1 --stage Won >/dev/null
check "update to Won"
# The details (store/audit.h): the insert's fields, then what each update changed
# (2026-04-02T08:30:00Z = 1775118600; created 2026-03-01 11:00 +01:00 = 1772359200).
expect_eq "one audit row per change of D1, with the values before and after" \
    'insert|deals|{"after":{"id":"D1","title":"Renovación 2026","account":1,"owner":2,"pipeline":1,"stage":3,"status":"open","amount":1200050,"currency":"EUR","expected_close":"2026-04-15","created":1772359200}};update|deals|{"before":{"stage":3,"amount":1200050},"after":{"stage":4,"amount":1500000}};update|deals|{"before":{"stage":4,"status":"open","closed":null},"after":{"stage":5,"status":"won","closed":1775118600}}' \
    "$(sqlite3 "$db" "select action, kind, coalesce(detail, '') from audit_log
                       where kind = 'deals' and record_id = (select id from deals where ext_id = 'D1') order by id" | paste -sd';')"
E deal show D1 --format json >"$TMP/d1.json"
expect_eq "status won" "won" "$(jq_get "$TMP/d1.json" 'd["status"]')"
expect_eq "closed at update time, Madrid summer time" "2026-04-02T10:30:00+02:00" "$(jq_get "$TMP/d1.json" 'd["closed"]')"
expect_eq "history changes" "created|stage,amount|stage,status" \
    "$(jq_get "$TMP/d1.json" '"|".join(h["changed"] for h in d["history"])')"
expect_eq "history stages" "Proposal|Negotiation|Won" \
    "$(jq_get "$TMP/d1.json" '"|".join(h["stage"] for h in d["history"])')"
expect_eq "history amounts" "12000.5|15000.0|15000.0" \
    "$(jq_get "$TMP/d1.json" '"|".join(str(h["amount"]) for h in d["history"])')"
expect_eq "history times" "2026-03-01T11:00:00+01:00|2026-03-10T10:00:00+01:00|2026-04-02T10:30:00+02:00" \
    "$(jq_get "$TMP/d1.json" '"|".join(h["at"] for h in d["history"])')"
expect_output_contains "history:" E deal show D1
expect_output_contains "Negotiation" E deal show D1
# clearing a field with an empty value
E deal update D1 --expected-close "" >/dev/null
expect_eq "expected_close cleared" "None" "$(E deal show D1 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["expected_close"])')"

# other kinds through the same code
expect_status 0 E team add --name "Norte" --manager ana@x.com
expect_status 0 E user update U2 --team Norte
expect_eq "user team key" "#1" "$(E user show U2 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["team"])')"
expect_output_contains "team     Norte" E user show U2
expect_status 0 E goal add --metric revenue_won --rep U2 --period 2026-Q2 --target 50.000,00
E goal show '#1' --format json >"$TMP/g.json"
expect_eq "goal scope" "rep" "$(jq_get "$TMP/g.json" 'd["scope"]')"
expect_eq "goal from" "2026-04-01" "$(jq_get "$TMP/g.json" 'd["from"]')"
expect_eq "goal to: the last day of 2026-Q2" "2026-06-30" "$(jq_get "$TMP/g.json" 'd["to"]')"
expect_eq "goal money target" "50000.0" "$(jq_get "$TMP/g.json" 'd["target"]')"
expect_status 0 E goal add --metric deals_won --scope org --period 2026 --target 120
expect_eq "goal count target" "120" "$(E goal show '#2' --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["target"])')"
expect_status 0 E activity add --type Llamada --subject "Primera llamada" --owner U2 --deal D1 --outcome connected \
    --done 2026-03-02T10:00
expect_eq "activity type synonym" "call" "$(E activity list --format csv | tail -n +2 | cut -d, -f2)"
expect_status 0 E lead add --name "María" --source web --status mql
expect_status 0 E expense add --category marketing --channel web --period 2026-03 --amount 1.500
expect_eq "expense period to" "2026-03-01,2026-04-01" "$(E expense list --format csv | tail -n +2 | cut -d, -f4,5)"
expect_status 0 E order add --id O1 --account A1 --owner U2 --date 2026-03-05
expect_status 0 E order_line add --order O1 --product GTX-1 --quantity 3 --unit-price 9.80000019 --amount 29.40
# net = 7 x 12.35 x (1 - 0.125) = 75.64375 -> 75.64; total cost = 7 x 4.10 = 28.70
E order_line add --id L2 --order O1 --quantity 7 --unit-price 12.35 --discount 12.5% --cost 4.10 --format csv >"$TMP/l2.csv"
expect_eq "order line amount and total cost" "75.64,28.70" "$(tail -n 1 "$TMP/l2.csv" | tr -d '\r' | cut -d, -f8,9)"
expect_status 1 E order_line add --order O1 --quantity 2 --unit-price 10 --amount 25
expect_stderr_contains "must be quantity x unit_price x (1 - discount) = 20.00" E order_line add --order O1 --quantity 2 --unit-price 10 --amount 25
# updating the quantity recomputes both: 8 x 12.35 x 0.875 = 86.45; 8 x 4.10 = 32.80
E order_line update L2 --quantity 8 --format csv >"$TMP/l2.csv"
expect_eq "order line after update" "86.45,32.80" "$(tail -n 1 "$TMP/l2.csv" | tr -d '\r' | cut -d, -f8,9)"
# a line in yen: 3 x 10 x 0.95 = 28.5 -> 29
E order add --id OJ --date 2026-03-05 --currency JPY >/dev/null
E order_line add --order OJ --quantity 3 --unit-price 9.8 --discount 5% --format csv >"$TMP/lj.csv"
expect_eq "yen line" "10,0.05,,29" "$(tail -n 1 "$TMP/lj.csv" | tr -d '\r' | cut -d, -f5-8)"
expect_status 0 E rate add --currency USD --date 2026-03-01 --rate 0.92
expect_status 0 E region add --name "Sur"
expect_status 0 E stage list
# a second pipeline: its stages are found by name, and a new deal goes to their pipeline
expect_status 0 E pipeline add --id P2 --name Renovaciones
expect_status 0 E stage add --pipeline P2 --position 1 --name Aviso --probability 40% --kind open
expect_eq "stage list shows percentages" "40%" "$(E stage list --where pipeline=P2 | tail -n 1 | awk '{print $4}')"
E deal add --id D5 --title "Renovar" --stage Aviso --format csv >"$TMP/d5.csv"
expect_eq "deal in the second pipeline" "P2,Aviso,open" "$(tail -n 1 "$TMP/d5.csv" | cut -d, -f6-8)"
expect_eq "where stage= another pipeline's stage" "D5" "$(E deal list --where stage=Aviso --format csv | tail -n +2 | cut -d, -f1)"

# delete: needs --yes; refuses records still referenced unless --force
expect_status 2 E deal delete '#2'
expect_stderr_contains "without --yes" E deal delete '#2'
expect_status 0 E deal delete '#2' --yes
expect_status 1 E deal show '#2'
expect_status 1 E region delete Sur --yes --db "$TMP/none.db"
expect_status 0 E region delete Sur --yes
finish
