#!/bin/sh
# api_import: POST /api/v1/import/{kind} and GET /api/v1/export/{kind}. A small
# CSV written here is imported and each deal read back through GET /api/v1/deals
# with the values written by hand; a dry run writes nothing; refused files (a bad
# amount at row 3 and an unknown stage, an ambiguous decimal separator) are 422s
# naming row, field and value, as the CLI refuses them, and write nothing; bad
# parameters are 400s naming them; an oversized body is 413; only admins import.
# Exports: CSV byte for byte `embudo export` (and --excel), JSON the list's
# objects, a rep's only their deals, where and sort, and a large export streamed
# with flat memory (a slow client, the server's anonymous memory sampled).
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db"
unset EMBUDO_USER EMBUDO_NOW
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
q() { sqlite3 "$EMBUDO_DB" "$1"; }
$E init --currency EUR --owner ana@x.com --owner-name Ana >/dev/null
$E user add --name Ben --email ben@x.com --role admin >/dev/null
$E user add --name Mia --email mia@x.com --role manager >/dev/null
$E user add --name Rita --email rita@x.com --role rep --manager mia@x.com >/dev/null
$E user add --name Vic --email vic@x.com --role viewer >/dev/null
ADMIN=$($E token create --user ben@x.com 2>/dev/null)
MANAGER=$($E token create --user mia@x.com 2>/dev/null)
REP=$($E token create --user rita@x.com 2>/dev/null)
VIEWER=$($E token create --user vic@x.com 2>/dev/null)
check "fixture created"
start s1 --access-log "$TMP/access.log"
U="http://127.0.0.1:$PORT/api/v1"
# post TOKEN PATH FILE [CURL ARGS]: the body in $TMP/b, the status in $TMP/s
post() {
    t=$1 p=$2 f=$3; shift 3
    curl -s -o "$TMP/b" -w '%{http_code}' -H "Authorization: Bearer $t" -H 'Content-Type: text/csv' \
        --data-binary @"$f" "$@" "$U$p" >"$TMP/s"
}
# get TOKEN PATH [CURL ARGS]: the body in $TMP/b, the status in $TMP/s, headers in $TMP/h
get() { t=$1 p=$2; shift 2; curl -s -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' -H "Authorization: Bearer $t" "$@" "$U$p" >"$TMP/s"; }
st() { cat "$TMP/s"; }
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec("v="+sys.argv[2]); print("null" if v is None else v)' "$TMP/b" "$1"; }
deals() { q "SELECT count(*) FROM deals"; }

# ---- a good import -----------------------------------------------------------------
cat >"$TMP/deals.csv" <<'EOF'
id,title,account,stage,owner,amount,created,closed
D1,Alpha,Acme,Proposal,ben@x.com,1200.50,2026-01-05,
D2,Bravo,Borealis,Won,rita@x.com,300,2026-01-10,2026-03-01
D3,Charlie,Acme,Qualification,rita@x.com,75.25,2026-02-01,
EOF
post "$ADMIN" '/import/deals?create_missing=true&file=pipeline.csv' "$TMP/deals.csv"
expect_eq "import: status, rows, created, import id, committed" "200 3 3 1 True pipeline.csv" \
    "$(st) $(field 'd["rows"]') $(field 'd["created"]') $(field 'd["import"]') $(field 'd["committed"]') $(field 'd["file"]')"
expect_eq "accounts created by create_missing" "2" "$(field 'd["created_references"]["accounts"]')"
one() { # one KEY: the deal's title, account, stage, owner, amount, status, created, closed through the API
    get "$ADMIN" "/deals/$1"
    field 'd["title"]+" "+d["account"]+" "+d["stage"]+" "+d["owner"]+" "+str(d["amount"])+" "+d["status"]+" "+d["created"]+" "+str(d["closed"])'
}
ACME=$(q "SELECT '#' || id FROM accounts WHERE name = 'Acme'")
BOREALIS=$(q "SELECT '#' || id FROM accounts WHERE name = 'Borealis'")
expect_eq "D1 read back" "Alpha $ACME Proposal #2 1200.5 open 2026-01-05 None" "$(one D1)"
expect_eq "D2 read back (won, closed)" "Bravo $BOREALIS Won #4 300.0 won 2026-01-10 2026-03-01" "$(one D2)"
expect_eq "D3 read back" "Charlie $ACME Qualification #4 75.25 open 2026-02-01 None" "$(one D3)"
expect_eq "amounts stored in cents" "120050|30000|7525" "$(q "SELECT group_concat(amount, '|') FROM (SELECT amount FROM deals ORDER BY ext_id)")"
expect_eq "the import log names the API user (Ben), the file and the parameters" \
    'pipeline.csv|2|3|["create_missing=true","file=pipeline.csv"]' \
    "$(q "SELECT file, user_id, created, options FROM imports WHERE id = 1")"
expect_eq "one audit row for the import, by Ben" "import|deals|2" \
    "$(q "SELECT action, kind, user_id FROM audit_log WHERE action = 'import'")"
$E import list --format csv >"$TMP/list.csv"
check "embudo import list reads the API's import"
expect_eq "embudo import list: the author" "1" "$(grep -c 'pipeline.csv' "$TMP/list.csv")"

# ---- a dry run, and importing again ------------------------------------------------
printf 'id,title,account,stage,owner,amount,created\nD4,Delta,Acme,Proposal,ben@x.com,10,2026-03-01\n' >"$TMP/d4.csv"
before=$(q "SELECT count(*) FROM deals") gen=$(q "SELECT generation FROM organisation")
post "$ADMIN" '/import/deals?dry_run=true' "$TMP/d4.csv"
expect_eq "dry run: 200, a row checked, nothing committed, no import id" "200 1 False 0" \
    "$(st) $(field 'd["created"]') $(field 'd["committed"]') $(field 'd["import"]')"
expect_eq "dry run wrote nothing (deals, generation)" "$before $gen" "$(deals) $(q "SELECT generation FROM organisation")"
post "$ADMIN" '/import/deals' "$TMP/deals.csv"
expect_eq "the same file again: unchanged, nothing written" "200 0 3 0" \
    "$(st) $(field 'd["created"]') $(field 'd["unchanged"]') $(field 'd["import"]')"

# ---- refused files -----------------------------------------------------------------
cat >"$TMP/bad.csv" <<'EOF'
id,title,account,stage,owner,amount,created
D5,Echo,Acme,Proposal,ben@x.com,100,2026-03-01
D6,Foxtrot,Acme,Proposal,ben@x.com,abc,2026-03-02
D7,Golf,Acme,Nope,ben@x.com,50,2026-03-03
EOF
before=$(deals)
post "$ADMIN" '/import/deals' "$TMP/bad.csv"
expect_eq "refused: 422 problem" "422 application/problem+json" \
    "$(st) $(curl -s -o /dev/null -w '%{content_type}' -H "Authorization: Bearer $ADMIN" --data-binary @"$TMP/bad.csv" "$U/import/deals")"
expect_eq "the bad amount: row 3, field amount, value abc" "3 amount amount abc" \
    "$(field '[" ".join([str(e["row"]),e["field"],e["column"],e["value"]]) for e in d["errors"] if e["field"]=="amount"][0]')"
expect_eq "the unknown stage: row 4, field stage, value Nope" "4 stage Nope" \
    "$(field '[" ".join([str(e["row"]),e["field"],e["value"]]) for e in d["errors"] if e["field"]=="stage"][0]')"
$E import deals "$TMP/bad.csv" 2>"$TMP/cli.err" >/dev/null
expect_eq "the errors' messages are the CLI's" "$(sed -n 's/^embudo: error: //p' "$TMP/cli.err" | head -2 | paste -sd'|')" \
    "$(field '"|".join(e["message"] for e in d["errors"])')"
expect_eq "nothing written" "$before" "$(deals)"
printf 'id,title,account,stage,owner,amount,created\nD8,Hotel,Acme,Proposal,ben@x.com,1.500,2026-03-01\nD9,India,Acme,Proposal,ben@x.com,2.250,2026-03-02\n' >"$TMP/ambiguous.csv"
post "$ADMIN" '/import/deals' "$TMP/ambiguous.csv"
$E import deals "$TMP/ambiguous.csv" 2>"$TMP/cli.err" >/dev/null
expect_eq "an ambiguous decimal separator is refused as the CLI refuses it" \
    "422 $(sed -n 's/^embudo: error: //p' "$TMP/cli.err")" "$(st) $(field 'd["errors"][0]["message"]')"
expect_eq "... naming the decimal option, writing nothing" "1 $before" \
    "$(field 'int("--decimal" in d["detail"])') $(deals)"
post "$ADMIN" '/import/deals?decimal=comma' "$TMP/ambiguous.csv"
expect_eq "with decimal=comma: 1.500 is 1,500.00" "200 150000|225000" \
    "$(st) $(q "SELECT group_concat(amount, '|') FROM (SELECT amount FROM deals WHERE ext_id IN ('D8', 'D9') ORDER BY ext_id)")"

# ---- bad parameters, bodies, roles -------------------------------------------------
post "$ADMIN" '/import/deals?decimal=sideways' "$TMP/d4.csv"
expect_eq "400 naming decimal and its value" "400 decimal|decimal 'sideways': use point (1,234.56) or comma (1.234,56)" \
    "$(st) $(field 'd["errors"][0]["field"]+"|"+d["errors"][0]["message"]')"
post "$ADMIN" '/import/deals?colour=red' "$TMP/d4.csv"
expect_eq "400 for an unknown parameter" "400 colour" "$(st) $(field 'd["errors"][0]["field"]')"
post "$ADMIN" '/import/deals?map=amount' "$TMP/d4.csv"
expect_eq "400 for a malformed map" "400 map" "$(st) $(field 'd["errors"][0]["field"]')"
post "$ADMIN" '/import/deals?value_map=stage%3D%2Fetc%2Fpasswd%3Aa%3Ab' "$TMP/d4.csv"
expect_eq "a lookup file of the server's is refused" "400 value_map" "$(st) $(field 'd["errors"][0]["field"]')"
post "$ADMIN" '/import/deals?create_missing=maybe' "$TMP/d4.csv"
expect_eq "400 for a flag that is not true or false" "400 create_missing" "$(st) $(field 'd["errors"][0]["field"]')"
printf 'PK\003\004 not a csv' >"$TMP/book.xlsx"
post "$ADMIN" '/import/deals' "$TMP/book.xlsx"
expect_eq "a workbook is 415" "415" "$(st)"
curl -s -o "$TMP/b" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    --data-binary @"$TMP/d4.csv" "$U/import/deals" >"$TMP/s"
expect_eq "a JSON content type is 415" "415" "$(st)"
for who in MANAGER REP VIEWER; do
    eval "t=\$$who"
    post "$t" '/import/deals' "$TMP/d4.csv"
    expect_eq "$who may not import" "403" "$(st)"
done
post "$ADMIN" '/import/widgets' "$TMP/d4.csv"
expect_eq "an unknown kind is 404" "404" "$(st)"
expect_eq "nothing written by the refusals" "$((before + 2))" "$(deals)"
# A body over the default 1 MiB of other routes is taken (50,000 accounts, 1.7 MB).
awk 'BEGIN { print "id,name,industry"; for (i = 1; i <= 50000; i++) printf "A%05d,Account number %05d,Retail\n", i, i }' >"$TMP/accounts.csv"
post "$ADMIN" '/import/accounts' "$TMP/accounts.csv"
expect_eq "a 1.7 MB file is imported" "200 50000" "$(st) $(field 'd["created"]')"
expect_eq "its last row" "Account number 50000|Retail" "$(q "SELECT name, industry FROM accounts WHERE ext_id = 'A50000'")"
expect_eq "no upload file is left behind" "" "$(ls "$TMP" | grep embudo-upload)"
kill -TERM "$PID"
wait_exit "$PID"
export EMBUDO_IMPORT_MAX_BYTES=2048
start s2 --access-log ''
unset EMBUDO_IMPORT_MAX_BYTES
U="http://127.0.0.1:$PORT/api/v1"
head -c 3000 "$TMP/accounts.csv" >"$TMP/3k.csv"
post "$ADMIN" '/import/accounts' "$TMP/3k.csv"
expect_eq "over import-max-bytes (2048): 413" "413" "$(st)"
post "$ADMIN" '/import/accounts' "$TMP/3k.csv" -H 'Expect: 100-continue'
expect_eq "413 at once to a client that waits for 100 Continue" "413" "$(st)"
head -c 1000 "$TMP/accounts.csv" | sed '$d' >"$TMP/1k.csv"
post "$ADMIN" '/import/accounts' "$TMP/1k.csv"
expect_eq "under it: 200" "200" "$(st)"

# ---- exports -----------------------------------------------------------------------
get "$ADMIN" /export/deals
$E export deals >"$TMP/cli.csv"
cmp -s "$TMP/b" "$TMP/cli.csv"
check "export CSV is byte for byte embudo export deals"
expect_eq "its headers" "200 text/csv; charset=utf-8|attachment; filename=\"deals.csv\"" \
    "$(st) $(sed -n 's/^Content-Type: //p' "$TMP/h" | tr -d '\r')|$(sed -n 's/^Content-Disposition: //p' "$TMP/h" | tr -d '\r')"
get "$ADMIN" '/export/accounts?excel=true'
$E export accounts --excel >"$TMP/cli.csv"
cmp -s "$TMP/b" "$TMP/cli.csv"
check "export accounts excel=true is embudo export accounts --excel (50,000 rows)"
get "$ADMIN" '/export/deals?delimiter=%3B&decimal=comma'
$E export deals --delimiter ';' --decimal comma >"$TMP/cli.csv"
cmp -s "$TMP/b" "$TMP/cli.csv"
check "export with delimiter ; and decimal comma is the CLI's"
get "$ADMIN" '/export/deals?format=json'
expect_eq "JSON export: application/json, deals.json" "application/json|attachment; filename=\"deals.json\"" \
    "$(sed -n 's/^Content-Type: //p' "$TMP/h" | tr -d '\r')|$(sed -n 's/^Content-Disposition: //p' "$TMP/h" | tr -d '\r')"
cp "$TMP/b" "$TMP/export.json"
get "$ADMIN" '/deals?limit=500'
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))["data"]; sys.exit(a != b)' \
    "$TMP/export.json" "$TMP/b"
check "JSON export holds the list's objects"
ids() { python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(open(sys.argv[1]))))' "$TMP/b"; }
get "$REP" '/export/deals?format=json'
expect_eq "a rep exports only their deals" "200 D2 D3" "$(st) $(ids)"
get "$REP" '/export/deals'
expect_eq "... in CSV too" "D2 D3" "$(sed 1d "$TMP/b" | cut -d, -f1 | paste -sd' ')"
get "$MANAGER" '/export/deals?format=json'
expect_eq "a manager exports their people's deals" "D2 D3" "$(ids)"
get "$ADMIN" '/export/deals?format=json&where=amount%3C1500&sort=-amount'
expect_eq "where and sort" "D1 D2 D3" "$(ids)"
get "$ADMIN" '/export/deals?format=json&where=account%3DAcme&where=stage%3DProposal&q=alp'
expect_eq "two where and q" "D1" "$(ids)"
get "$VIEWER" /export/deals
expect_eq "a viewer may not export records" "403" "$(st)"
get "$REP" /export/expenses
expect_eq "a rep may not export expenses" "403" "$(st)"
get "$ADMIN" '/export/deals?format=xml'
expect_eq "400 for format=xml" "400 format" "$(st) $(field 'd["errors"][0]["field"]')"
get "$ADMIN" '/export/deals?format=json&excel=true'
expect_eq "400 for excel with json" "400 excel" "$(st) $(field 'd["errors"][0]["field"]')"
get "$ADMIN" '/export/deals?sort=colour'
expect_eq "400 for a sort by no field" "400 sort" "$(st) $(field 'd["errors"][0]["field"]')"
get "$ADMIN" '/export/deals?where=colour%3Dred'
expect_eq "400 for a where on no field" "400 where" "$(st) $(field 'd["errors"][0]["field"]')"
kill -TERM "$PID"
wait_exit "$PID"

# ---- a large export, streamed ------------------------------------------------------
# 60,000 deals (about 27 MB of JSON), read by a client at 8 MB/s while the server's
# anonymous memory (RssAnon: the heap, not the mapped database) is sampled; after a
# first export has warmed its caches, the peak stays far below the file's size.
# (ASan's quarantine, which holds freed memory, is off for this server.)
export EMBUDO_DB="$TMP/big.db"
$E demo --deals 60000 --activities-per-deal 0 --years 2 >/dev/null 2>&1
check "demo of 60,000 deals"
BIG=$($E token create --user "$(q "SELECT email FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")" 2>/dev/null)
SAVED_ASAN=${ASAN_OPTIONS:-}
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
start s3 --access-log ''
export ASAN_OPTIONS="$SAVED_ASAN"
U="http://127.0.0.1:$PORT/api/v1"
anon() { sed -n 's/^RssAnon: *\([0-9]*\) kB/\1/p' "/proc/$PID/status"; }
get "$BIG" '/export/deals?format=json' -o /dev/null
base=$(anon)
curl -s -H "Authorization: Bearer $BIG" --limit-rate 8M -o "$TMP/big.json" "$U/export/deals?format=json" &
CURL=$!
peak=$base
while kill -0 "$CURL" 2>/dev/null; do
    a=$(anon); [ "${a:-0}" -gt "$peak" ] && peak=$a
    sleep 0.1
done
wait "$CURL"
size=$(($(wc -c <"$TMP/big.json") / 1024))
expect_eq "the large export is whole: 60,000 deals" "60000" \
    "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/big.json")"
growth=$((peak - base))
[ "$size" -gt 20000 ] && [ "$growth" -lt $((size / 4)) ]
check "memory stays flat: the peak grew ${growth} kB while ${size} kB were sent"
$E export deals >"$TMP/cli.csv"
curl -s -H "Authorization: Bearer $BIG" -o "$TMP/big.csv" "$U/export/deals"
cmp -s "$TMP/big.csv" "$TMP/cli.csv"
check "the large CSV export is embudo export's"
kill -TERM "$PID"
wait_exit "$PID"
expect_eq "the server stops cleanly" "0" "$STATUS"
finish
