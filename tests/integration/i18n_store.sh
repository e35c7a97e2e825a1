#!/bin/sh
# i18n_store: the messages of the library's store (src/store) and metrics
# (src/metrics) speak the language chosen (--lang es / --lang en): each case is
# asserted whole in Spanish and in English, on a database and files the test makes.
. "$SRCDIR/tests/integration/lib.sh"
db="$TMP/s.db"
E() { "$EMBUDO" --db "$db" "$@"; }
# both ES EN CMD...: the command fails with stderr holding ES under --lang es and EN
# under --lang en.
both() {
    es=$1 en=$2; shift 2
    expect_stderr_contains "$es" E --lang es "$@"
    expect_stderr_contains "$en" E --lang en "$@"
}
export EMBUDO_NOW=2026-01-15T12:00:00Z
E init --name Acme --currency EUR --timezone Europe/Madrid >/dev/null 2>&1
check "init"

# ---- records: references, missing records, required fields --------------------------
both "field 'account': no existe el registro de cuenta 'Nope'; vea \`embudo account list\`" \
     "field 'account': no account 'Nope'; see \`embudo account list\`" \
     deal add --title T --account Nope --amount 10
expect_eq "nothing written" "0" "$(sqlite3 "$db" "select count(*) from deals")"
both "no existe el registro de oportunidad '99'; vea \`embudo deal list\`" \
     "no deal '99'; see \`embudo deal list\`" deal update 99 --amount 5
both "error: el registro de cuenta necesita un valor en el campo 'name'" \
     "error: account needs a value for field 'name'" account add --industry Retail

# ---- --where ---------------------------------------------------------------------------
both "--where: accounts no tiene el campo 'stale'" "--where: accounts has no field 'stale'" \
     account list --where stale=true

# ---- import undo refused because a later edit touched the record ---------------------
printf 'id,title,account,stage,amount,created\nU1,One,Acme,Proposal,100.00,2025-01-10\n' >"$TMP/d.csv"
E import deals "$TMP/d.csv" --create-missing >/dev/null 2>&1
check "import"
E deal update U1 --amount 80 >/dev/null 2>&1
check "later edit"
u1=$(sqlite3 "$db" "select id from deals where ext_id = 'U1'")
both "no se puede deshacer la importación 1: oportunidad #$u1 se editó después; deshacerla perdería ese cambio" \
     "cannot undo import 1: deal #$u1 was edited after it; undoing would lose that change" import undo 1
expect_eq "refused undo kept the deal" "8000" "$(sqlite3 "$db" "select amount from deals where ext_id = 'U1'")"

# ---- a database that is not an Embudo database -------------------------------------------
: >"$TMP/empty.db"
expect_stderr_contains "'$TMP/empty.db' es un fichero vacío, no una base de datos de embudo; no se ha escrito nada. Si contenía sus datos, restáurela desde una copia de seguridad; para empezar de cero, bórrelo y ejecute \`embudo --db $TMP/empty.db init --currency CODE --timezone ZONE\`" \
    "$EMBUDO" --db "$TMP/empty.db" --lang es deal list
expect_stderr_contains "'$TMP/empty.db' is an empty file, not an embudo database; nothing was written. If it held your data, restore it from a backup; to start anew, remove it and run \`embudo --db $TMP/empty.db init --currency CODE --timezone ZONE\`" \
    "$EMBUDO" --db "$TMP/empty.db" --lang en deal list
expect_eq "the empty file stays empty" "0" "$(wc -c <"$TMP/empty.db" | tr -d ' ')"
sqlite3 "$TMP/other.db" "create table t(x)"
expect_stderr_contains "'$TMP/other.db' es una base de datos SQLite, pero no de embudo" \
    "$EMBUDO" --db "$TMP/other.db" --lang es deal list
expect_stderr_contains "'$TMP/other.db' is an SQLite database but not an embudo one" \
    "$EMBUDO" --db "$TMP/other.db" --lang en deal list
expect_stderr_contains "la base de datos '$TMP/none.db' no existe; créela primero con \`embudo --db $TMP/none.db init" \
    "$EMBUDO" --db "$TMP/none.db" --lang es deal list
#METRICS
finish
