#!/bin/sh
# export_basic: `embudo export` writes the exact bytes expected (written out by hand):
# header of exported fields, keys for ids and references, RFC 4180 quoting, money with
# cents, instants in the organisation's zone, typed JSON; -o is atomic; errors exit 1/2.
. "$SRCDIR/tests/integration/lib.sh"

db="$TMP/crm.db"
E() { "$EMBUDO" --db "$db" "$@"; }
# same_file DESCRIPTION WANT GOT: byte-for-byte comparison, showing the diff on failure.
same_file() {
    if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1"; diff "$2" "$3" | sed 's/^/#   /' | head -10; fi
}
export EMBUDO_NOW=2026-03-01T10:00:00Z
E init --currency EUR --timezone Europe/Madrid --owner boss@x.com --owner-name Boss >/dev/null
E user add --id U1 --name "Ana García" --email ana@x.com --role manager >/dev/null
E user add --name "José \"Pepe\" Núñez" --manager U1 --active no >/dev/null
E account add --id A1 --name "Ñandú, S.A." --employees 1200 >/dev/null
E deal add --id D1 --title "Renovación" --account A1 --owner U1 --amount 12.000,50 --stage Proposal \
    --expected-close 2026-04-15 --probability 35% --created "2026-02-01" >/dev/null
EMBUDO_NOW=2026-03-20T16:45:00Z E deal update D1 --stage Lost --lost-reason "precio
alto" >/dev/null

printf '%s\r\n' \
    'id,name,email,role,team,manager,region,title,active,created' \
    '#1,Boss,boss@x.com,admin,,,,,1,2026-03-01T11:00:00+01:00' \
    'U1,Ana García,ana@x.com,manager,,,,,1,2026-03-01T11:00:00+01:00' \
    '#3,"José ""Pepe"" Núñez",,rep,,U1,,,0,2026-03-01T11:00:00+01:00' >"$TMP/want_users.csv"
E export users >"$TMP/users.csv"
same_file "users.csv byte for byte" "$TMP/want_users.csv" "$TMP/users.csv"

# the line break inside the quoted lost_reason stays a bare LF; records end in CRLF
printf '%s\r\n%s\n%s\r\n' \
    'id,title,account,contact,owner,pipeline,stage,status,amount,currency,expected_close,probability,forecast_category,lost_reason,source,lead,created,closed' \
    'D1,Renovación,A1,,U1,Sales,Lost,lost,12000.50,EUR,2026-04-15,0.35,,"precio' \
    'alto",,,2026-02-01,2026-03-20T17:45:00+01:00' >"$TMP/want_deals.csv"
E export deals >"$TMP/deals.csv"
same_file "deals.csv byte for byte" "$TMP/want_deals.csv" "$TMP/deals.csv"

printf '%s\r\n' 'id,name,industry,segment,region,owner,parent,country,city,employees,created' \
    'A1,"Ñandú, S.A.",,,,,,,,1200,2026-03-01T11:00:00+01:00' >"$TMP/want_accounts.csv"
E export account >"$TMP/accounts.csv"
same_file "accounts.csv (singular kind name works)" "$TMP/want_accounts.csv" "$TMP/accounts.csv"

# JSON: numbers as numbers, booleans, nulls, escapes
E export deals --format json >"$TMP/deals.json"
check "export deals --format json"
printf '%s\n' '[' \
    '{"id": "D1", "title": "Renovación", "account": "A1", "contact": null, "owner": "U1", "pipeline": "Sales", "stage": "Lost", "status": "lost", "amount": 12000.50, "currency": "EUR", "expected_close": "2026-04-15", "probability": 0.35, "forecast_category": null, "lost_reason": "precio\nalto", "source": null, "lead": null, "created": "2026-02-01", "closed": "2026-03-20T17:45:00+01:00"}' \
    ']' >"$TMP/want_deals.json"
same_file "deals.json byte for byte" "$TMP/want_deals.json" "$TMP/deals.json"
expect_eq "users json active is a boolean" "True True False" \
    "$(E export users --format json | python3 -c 'import json,sys; print(*[u["active"] for u in json.load(sys.stdin)])')"
expect_eq "empty kind as json" "[]" "$(E export expenses --format json)"
printf 'id,category,channel,from,to,amount,currency,note\r\n' >"$TMP/want_exp.csv"
E export expenses >"$TMP/exp.csv"
same_file "empty kind: header only" "$TMP/want_exp.csv" "$TMP/exp.csv"

# -o writes atomically and says how many
expect_stderr_contains "exported 1 deals to $TMP/out.csv" E export deals -o "$TMP/out.csv"
same_file "-o FILE has the same bytes" "$TMP/want_deals.csv" "$TMP/out.csv"
expect_status 0 E export deals --output="$TMP/out.json" --format json
same_file "--output=FILE json" "$TMP/want_deals.json" "$TMP/out.json"
expect_status 1 E export deals -o "$TMP/no/such/dir/deals.csv"
expect_stderr_contains "cannot create" E export deals -o "$TMP/no/such/dir/deals.csv"
echo "old" >"$TMP/keep.csv"
expect_status 1 "$EMBUDO" --db "$TMP/missing.db" export deals -o "$TMP/keep.csv"
expect_eq "a failed export leaves the old file" "old" "$(cat "$TMP/keep.csv")"
expect_eq "no temporary files left" "" "$(ls "$TMP" | grep '\.tmp-' || true)"

# export all
expect_status 0 E export all -o "$TMP/all"
expect_eq "one file per kind" 16 "$(ls "$TMP/all" | wc -l)"
same_file "all/deals.csv" "$TMP/want_deals.csv" "$TMP/all/deals.csv"
expect_status 2 E export all

# usage errors
expect_status 2 E export
expect_status 2 E export widgets
expect_stderr_contains "unknown kind 'widgets'" E export widgets
expect_status 2 E export deals --format table
expect_status 2 E export deals leads
expect_status 2 E export deals --frobnicate
expect_status 0 E export --help
finish
