#!/bin/sh
# import_dates_locale: a date column whose every value fits day/month and month/day
# (03/02/2024) follows the organisation's locale, as numbers do: es reads it
# day-first, en month-first, and the summary says so; values that decide by
# themselves (13/02/2024), --date-format and a column that mixes the orders do as
# before. Dates typed on the command line (--set, deal add --created) follow the
# same rule. (A locale with no convention keeps refusing: tests/unit/test_value_field.c.)
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_NOW=2026-04-15T12:00:00Z
unset EMBUDO_USER EMBUDO_DB
E="$EMBUDO"
$E --db "$TMP/es.db" init --locale es --timezone UTC --owner a@x.com >/dev/null
$E --db "$TMP/en.db" init --locale en --timezone UTC --owner a@x.com >/dev/null
check "fixture created"
days() { sqlite3 "$1" "select ext_id || ' ' || date(created, 'unixepoch') || ' ' || coalesce(date(closed, 'unixepoch'), '-')
                        from deals order by ext_id" | paste -sd'|'; }
printf 'id,title,stage,amount,created,closed\nD1,Uno,Ganado,10,03/02/2024,05/06/2024\nD2,Dos,Propuesta,20,04/02/2024,\n' >"$TMP/es.csv"
sed 's/Ganado/Won/; s/Propuesta/Proposal/' "$TMP/es.csv" >"$TMP/en.csv"

expect_status 0 $E --db "$TMP/es.db" --lang en import deals "$TMP/es.csv"
grep -qF "  dates read day/month/year (organisation's locale es); --date-format to change" "$TMP/out"
check "es: the summary says the dates were read day-first, by the locale"
expect_eq "es: 03/02/2024 is 3 February" "D1 2024-02-03 2024-06-05|D2 2024-02-04 -" "$(days "$TMP/es.db")"

expect_status 0 $E --db "$TMP/en.db" import deals "$TMP/en.csv" --format json
expect_eq "en: the json summary names the order and the locale" "m/d/Y en" \
    "$(python3 -c "import json; d = json.load(open('$TMP/out'))['dates']; print(d['order'], d['by_locale'])")"
expect_eq "en: 03/02/2024 is 2 March" "D1 2024-03-02 2024-05-06|D2 2024-04-02 -" "$(days "$TMP/en.db")"

# Values that decide by themselves: no word about the locale, whatever it is.
printf 'id,title,stage,amount,created\nD3,Tres,Proposal,5,13/02/2024\nD4,Cuatro,Proposal,5,03/02/2024\n' >"$TMP/dmy.csv"
expect_status 0 $E --db "$TMP/en.db" import deals "$TMP/dmy.csv"
! grep -q "dates read" "$TMP/out"; check "decided by the values: the summary says nothing of the locale"
expect_eq "en, a day above 12 makes the column day-first" "D3 2024-02-13 -|D4 2024-02-03 -" \
    "$(sqlite3 "$TMP/en.db" "select ext_id || ' ' || date(created, 'unixepoch') || ' -' from deals where ext_id in ('D3', 'D4') order by ext_id" | paste -sd'|')"
# --date-format wins over the locale.
printf 'id,title,stage,amount,created\nD5,Cinco,Propuesta,5,03/02/2024\n' >"$TMP/fmt.csv"
expect_status 0 $E --db "$TMP/es.db" --lang en import deals "$TMP/fmt.csv" --date-format m/d/Y
! grep -q "dates read" "$TMP/out"; check "--date-format: nothing said of the locale"
expect_eq "es with --date-format m/d/Y: 2 March" "2024-03-02" \
    "$(sqlite3 "$TMP/es.db" "select date(created, 'unixepoch') from deals where ext_id = 'D5'")"
# A column that mixes the orders is refused in any locale; nothing is written.
printf 'id,title,stage,amount,created\nD6,Seis,Propuesta,5,13/02/2024\nD7,Siete,Propuesta,5,02/13/2024\n' >"$TMP/mixed.csv"
expect_status 1 $E --db "$TMP/es.db" --lang en import deals "$TMP/mixed.csv"
grep -qF 'the dates mix day/month ("13/02/2024") and month/day ("02/13/2024")' "$TMP/err"; check "mixed orders refused"
expect_eq "nothing written" "0" "$(sqlite3 "$TMP/es.db" "select count(*) from deals where ext_id in ('D6', 'D7')")"

# Values typed on the command line.
$E --db "$TMP/es.db" deal add --id T1 --title T1 --stage Ganado --amount 5 --created 01/02/2024 --closed 03/02/2024 >/dev/null
expect_eq "es: deal add --created 01/02/2024 --closed 03/02/2024" "2024-02-01 2024-02-03" \
    "$(sqlite3 "$TMP/es.db" "select date(created, 'unixepoch') || ' ' || date(closed, 'unixepoch') from deals where ext_id = 'T1'")"
$E --db "$TMP/en.db" deal add --id T1 --title T1 --stage Won --amount 5 --created 01/02/2024 --closed 03/02/2024 >/dev/null
expect_eq "en: deal add --created 01/02/2024 --closed 03/02/2024" "2024-01-02 2024-03-02" \
    "$(sqlite3 "$TMP/en.db" "select date(created, 'unixepoch') || ' ' || date(closed, 'unixepoch') from deals where ext_id = 'T1'")"
printf 'id,title,stage,amount,created\nS1,Set,Ganado,5,2024-01-01\n' >"$TMP/set.csv"
expect_status 0 $E --db "$TMP/es.db" import deals "$TMP/set.csv" --set closed=03/02/2024
expect_eq "es: --set closed=03/02/2024 is 3 February" "2024-02-03" \
    "$(sqlite3 "$TMP/es.db" "select date(closed, 'unixepoch') from deals where ext_id = 'S1'")"
finish
