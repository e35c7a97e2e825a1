#!/bin/sh
# cli_lookup: three answers of the CLI, each worked out by hand:
#  - goal list / show / export give a goal's `to` as the last day of its period
#    (stored as the day after, as the engine reads periods);
#  - `kpi --where rep=NAME` naming no rep says so and lists the reps (or says there
#    are none), also on a database without users whose snapshot was saved;
#  - `deal show N` is the deal named N when there is one, else deal #N; references
#    in values never read a bare number as #N.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/c.db" EMBUDO_NOW=2026-04-15T12:00:00Z
unset EMBUDO_USER
E="$EMBUDO"
$E init --currency EUR --timezone UTC >/dev/null
# init makes a first user (root); a database without users (an older one) is made
# by taking it out behind embudo's back.
sqlite3 "$TMP/c.db" "PRAGMA foreign_keys = OFF; DELETE FROM audit_log; DELETE FROM users"
expect_eq "a database without users" "0" "$(sqlite3 "$TMP/c.db" "SELECT count(*) FROM users")"

# A rep filter on a database with no users, after the snapshot was saved.
$E kpi win_rate --period 2026-03 >/dev/null
check "kpi saves the snapshot"
[ -e "$TMP/c.db.snapshot" ]; check "the snapshot is on disk"
expect_status 2 $E kpi win_rate --where rep=Zoe
expect_eq "no rep, none at all" "embudo kpi: rep: no rep 'Zoe': there is none yet" "$(head -1 "$TMP/err")"
expect_stderr_contains "no existe el valor 'Zoe' de rep: todavía no hay ninguno" $E --lang es kpi win_rate --where rep=Zoe
expect_stderr_contains "no team 'North': there is none yet" $E kpi win_rate --where team=North
$E user add --name Ana >/dev/null
$E user add --name Ben >/dev/null
expect_stderr_contains "no rep 'Zoe'; the values of rep are: Ana, Ben" $E kpi win_rate --where rep=Zoe
expect_stderr_contains "no rep 'Zoe'; the values of rep are: Ana, Ben" $E kpi win_rate --by rep --where rep=Zoe
$E team add --name Norte >/dev/null
expect_stderr_contains "no team 'North'; the values of team are: Norte" $E kpi win_rate --where team=North
expect_eq "a rep that exists still filters" "0" \
    "$($E kpi deals_won --period 2026-03 --where rep=Ana --format csv | tail -n +2 | tr -d '\r')"

# Goals: `to` is the last day of the period.
$E goal add --metric revenue_won --period 2024-03 --target 100 --scope rep --rep Ana >/dev/null
$E goal add --id G2 --metric deals_won --period 2026-Q3 --target 5 --scope org >/dev/null
$E goal list --all-fields --format csv >"$TMP/out"
expect_eq "goal list: from and to" "#1,2024-03-01,2024-03-31|G2,2026-07-01,2026-09-30" \
    "$(tr -d '\r' <"$TMP/out" | tail -n +2 | awk -F, '{print $1 "," $(NF - 2) "," $(NF - 1)}' | paste -sd'|')"
expect_eq "goal list: the headings of those columns" "from,to" \
    "$(tr -d '\r' <"$TMP/out" | head -1 | awk -F, '{print $(NF - 2) "," $(NF - 1)}')"
expect_eq "goal show, table" "to      Mar 31, 2024" "$($E goal show '#1' | grep '^to ')"
expect_eq "goal show, Spanish" "hasta      31 mar 2024" "$($E --lang es goal show '#1' | grep '^hasta ')"
expect_output_contains '"from": "2026-07-01", "to": "2026-09-30"' $E goal show G2 --format json
# The engine still reads the whole period: the goal of March 2024 covers its 31st.
expect_eq "goal_attainment of March 2024 (the goal is found)" "0" \
    "$($E kpi goal_attainment --period 2024-03 --by rep --where rep=Ana --format csv | tail -n +2 | tr -d '\r' | cut -d, -f2)"
# An export still imports back into an empty database with the same goals.
$E export goals -o "$TMP/goals.csv" >/dev/null 2>&1
check "export goals"
grep -q "2024-03-31" "$TMP/goals.csv"; check "the export writes the last day"
$E export users -o "$TMP/users.csv" >/dev/null 2>&1
EMBUDO_DB="$TMP/d.db" $E init --currency EUR --timezone UTC >/dev/null
EMBUDO_DB="$TMP/d.db" $E import users "$TMP/users.csv" >/dev/null 2>&1
EMBUDO_DB="$TMP/d.db" $E import goals "$TMP/goals.csv" >"$TMP/imp" 2>&1
check "the export imports back"
expect_eq "the same goals after the round trip" "$($E goal list --all-fields --format csv | cut -d, -f2-)" \
    "$(EMBUDO_DB="$TMP/d.db" $E goal list --all-fields --format csv | cut -d, -f2-)"

# A bare number as the id of the record a command acts on.
$E deal add --title Alpha --owner Ana --stage Proposal --amount 10 --created 2026-03-01 >/dev/null
$E deal add --title Beta --owner Ana --stage Proposal --amount 20 --created 2026-03-02 >/dev/null
$E deal add --title 1 --owner Ben --stage Proposal --amount 30 --created 2026-03-03 >/dev/null
title() { $E deal show "$1" | sed -n 's/^title  *//p'; }
expect_eq "deal show 2: deal #2 (no deal is named 2)" "Beta" "$(title 2)"
expect_eq "deal show 1: the deal titled 1 (#3) wins over #1" "1" "$(title 1)"
expect_eq "deal show '#1': deal #1" "Alpha" "$(title '#1')"
expect_status 1 $E deal show 9
expect_eq "deal show 9: no such deal" "embudo: error: no deal '9'; see \`embudo deal list\`" "$(head -1 "$TMP/err")"
expect_status 1 $E deal show 02
$E deal update 2 --amount 25 >/dev/null
check "deal update 2"
expect_eq "deal update 2 changed deal #2" "25.00" \
    "$($E deal list --where title=Beta --format csv | tail -n +2 | tr -d '\r' | cut -d, -f7)"
$E user add --name Carla >/dev/null
expect_eq "user show 3: user #3 (Carla; Ana and Ben are #1 and #2)" "Carla" \
    "$($E user show 3 | sed -n 's/^name  *//p')"
# A reference in a value is never an internal number.
$E account add --name Acme >/dev/null
expect_status 1 $E deal add --title Gamma --owner Ana --account 1 --stage Proposal --amount 5 --created 2026-03-04
grep -q "no account '1'" "$TMP/err"; check "--account 1 names no account (#1 is not read)"
$E deal delete 2 --yes >/dev/null 2>&1
check "deal delete 2"
expect_eq "deal #2 is gone" "Alpha|1" "$($E deal list --format csv | tail -n +2 | tr -d '\r' | cut -d, -f2 | paste -sd'|')"
finish
