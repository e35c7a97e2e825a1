#!/bin/sh
# records_bad_input: wrong kinds, fields, values and references give one clear message
# naming the field and value, exit 1 (bad data) or 2 (bad usage), and leave the
# database unchanged (compared with sqlite3 .dump before and after).
. "$SRCDIR/tests/integration/lib.sh"

db="$TMP/crm.db"
E() { "$EMBUDO" --db "$db" "$@"; }
export EMBUDO_NOW=2026-03-01T10:00:00Z
E init --currency EUR --timezone Europe/Madrid >/dev/null
E user add --name "Ana" --email ana@x.com >/dev/null
E account add --id A1 --name "Acme" >/dev/null
E deal add --id D1 --title "Uno" --account A1 --stage Proposal --amount 10 >/dev/null
sqlite3 "$db" .dump >"$TMP/before.sql"

expect_status 2 E widget add --name x
expect_stderr_contains "unknown command 'widget'" E widget add --name x
expect_status 2 E deal frobnicate
expect_stderr_contains "unknown action 'frobnicate'" E deal frobnicate
expect_status 2 E deal add --title X --colour red
expect_stderr_contains "unknown field '--colour'" E deal add --title X --colour red
expect_stderr_contains "the fields of a deal are: id, title, account" E deal add --title X --colour red
expect_status 2 E deal add --title X --status won
expect_stderr_contains "computed field" E deal add --title X --status won
expect_status 2 E deal add --title X --amount
expect_status 2 E deal add --title X --title Y
expect_status 1 E deal add --title X --stage Proposal --amount 12,3,4
expect_stderr_contains "field 'amount'" E deal add --title X --stage Proposal --amount 12,3,4
expect_stderr_contains "12,3,4" E deal add --title X --stage Proposal --amount 12,3,4
expect_status 1 E deal add --title X --stage Proposal --account Nadie
expect_stderr_contains "field 'account': no account 'Nadie'" E deal add --title X --stage Proposal --account Nadie
expect_status 1 E deal add --title X --stage Limbo
expect_stderr_contains "no stage 'Limbo'" E deal add --title X --stage Limbo
expect_status 1 E deal add --amount 5 --stage Proposal
expect_stderr_contains "needs a value for field 'title'" E deal add --amount 5 --stage Proposal
expect_status 1 E deal add --title X --stage Proposal --expected-close 2026-02-30
expect_stderr_contains "expected_close" E deal add --title X --stage Proposal --expected-close 2026-02-30
expect_status 1 E deal add --title X --stage Won
expect_stderr_contains "close date" E deal add --title X --stage Won
expect_status 1 E deal add --title X --stage Proposal --probability 150%
expect_status 1 E user add --name Otro --email ana@x.com
expect_stderr_contains "another user already has that value" E user add --name Otro --email ana@x.com
expect_status 1 E user add --name Otro --role boss
expect_stderr_contains "boss" E user add --name Otro --role boss
expect_status 1 E deal update D9 --amount 5
expect_stderr_contains "no deal 'D9'" E deal update D9 --amount 5
expect_status 2 E deal update D1
expect_status 1 E deal update D1 --title ""
expect_stderr_contains "needs a value for field 'title'" E deal update D1 --title ""
expect_status 2 E deal show
expect_status 2 E deal list --where colour=red
expect_stderr_contains "no field 'colour'" E deal list --where colour=red
expect_status 2 E deal list --where amount
expect_status 1 E deal list --where amount=abc
expect_status 2 E deal list --sort colour
expect_status 2 E deal list --limit -3
expect_status 2 E deal list --limit 99999999999999999999
expect_status 2 E deal list --format xml
# delete of a referenced record: refused with who refers to it
expect_status 1 E account delete A1 --yes
expect_stderr_contains "account 'A1' is still referenced by 1 deal (field account)" E account delete A1 --yes
expect_status 1 E stage delete Proposal --yes
expect_stderr_contains "1 deal (field stage)" E stage delete Proposal --yes
expect_status 2 E account delete A1
E product add --sku P1 --name "Pro" >/dev/null
E deal update D1 --product P1 >/dev/null
sqlite3 "$db" .dump >"$TMP/before.sql"
expect_status 1 E product delete P1 --yes --force
expect_stderr_contains "product 'P1' is among the products of 1 deal; it cannot be deleted" E product delete P1 --yes
expect_status 1 E account delete Nadie --yes
sqlite3 "$db" .dump >"$TMP/after.sql"
cmp -s "$TMP/before.sql" "$TMP/after.sql"; check "database unchanged by every failed command"
expect_status 0 E account delete A1 --yes --force
expect_eq "deal unlinked by --force" "" "$(E deal list --format csv | tail -n +2 | cut -d, -f3)"
finish
