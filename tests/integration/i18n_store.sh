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
both "campo 'account': no existe el registro de cuenta 'Nope'; vea \`embudo account list\`" \
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
# ---- metrics: dimensions, compare, leaderboard, goals, money totals ---------------------
E user add --name "Ana Ruiz" --email ana@example.com >/dev/null 2>&1
check "a rep"
E deal add --title W --stage Won --amount 100 --owner ana@example.com --created 2026-01-02 --closed 2026-01-05 \
    >/dev/null 2>&1
check "a won deal"
expect_output_contains "100.00" E kpi revenue_won --period 2026-01 --format csv
both "rep: no existe el valor 'Zoe' de rep" "rep: no rep 'Zoe'" kpi win_rate --where rep=Zoe
# A bad period (parsed by src/core) inside a kpi command.
both '"2026-13" no nombra ningún mes (01..12)' '"2026-13" names no month (01..12)' kpi win_rate --period 2026-13
both "--period all no tiene con qué compararse" "--period all has nothing to compare with" \
     kpi revenue_won --period all --compare previous
both "un desglose por month no se puede comparar con otro periodo" \
     "a breakdown by month cannot be compared with another period" \
     kpi revenue_won --by month --period 2026 --compare previous
both "la métrica 'stage_conversion' se desglosa por stage: añada --by stage" \
     "metric 'stage_conversion' is broken down by stage: add --by stage" kpi stage_conversion --period 2026-03
both "no se puede clasificar a los comerciales por 'marketing_spend': no se calcula por comercial; vea \`embudo kpi --list\`" \
     "reps cannot be ranked by 'marketing_spend': it is not computed per rep; see \`embudo kpi --list\`" \
     leaderboard --metric marketing_spend
both "los objetivos necesitan un periodo, como --period 2026-Q3" "goals need a period, such as --period 2026-Q3" \
     kpi goal_attainment --period all
# Amounts written around embudo (by sqlite3) whose total overflows: an error, no number.
sqlite3 "$db" "UPDATE deals SET amount = 5000000000000000000; UPDATE organisation SET generation = generation + 1"
both "no se puede calcular revenue_won con exactitud: los importes guardados suman más de 2^61 unidades menores, más de lo que cabe en un total; corrija los importes de más de 10^12 unidades menores (el máximo que admite embudo) o los tipos de cambio que los inflan" \
     "cannot compute revenue_won exactly: the amounts stored add up to more than 2^61 minor units, beyond what a total can hold; correct the amounts beyond 10^12 minor units (the most embudo takes) or the exchange rates that inflate them" \
     kpi revenue_won --period 2026
expect_status 1 E --lang es kpi revenue_won --period 2026 --format csv
expect_eq "no number is printed" "" "$(cat "$TMP/out")"
finish
