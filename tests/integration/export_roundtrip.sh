#!/bin/sh
# export_roundtrip: export every kind, import each file into an empty database in
# dependency order (kind_all), export again: every file must come back byte for byte.
# The source database is built with the CLI: every kind, Spanish text with accents,
# quotes, commas and line breaks, amounts with cents in three currencies (EUR, USD,
# JPY), records with and without external ids, a deal moved through stages, a second
# pipeline, self references (users.manager, accounts.parent) and the users/teams cycle.
#
# What the round trip preserves: every exported field of every record (the id column
# keeps each record's key; references name a record by its external id, else by a
# name that finds it, else by its key, so they survive even across internal ids).
# A second source, built like a Maven import with --create-missing, checks that
# references are names ("Cancity", "Darcel Schlecht") and go round as well. What it
# does not: deal history (an imported deal gets the history its created/closed dates
# imply), deal products (not part of deals.csv), the audit log, user passwords and
# organisation settings (given again to `embudo init`).
. "$SRCDIR/tests/integration/lib.sh"

src="$TMP/src.db"
dst="$TMP/dst.db"
E() { "$EMBUDO" --db "$src" "$@" >/dev/null || not_ok "setup: $*"; }
export EMBUDO_NOW=2026-01-05T09:00:00Z
E init --name "Compañía Ñandú" --currency EUR --timezone Europe/Madrid
E region add --id R1 --name "Península"
E region add --name "Canarias"
E user add --id U1 --name "Ana García" --email ana@x.com --role manager --region R1 --title "Directora de ventas"
E user add --name "José Núñez" --email jose@x.com --manager U1
E user add --id U3 --name "Lucía Peña" --manager U1 --active no
E team add --id T1 --name "Equipo Norte" --manager U1 --region R1
E team add --name "Sur" --manager "José Núñez"
E user update U3 --team T1
E user update jose@x.com --team Sur
E account add --id A1 --name "Ñandú, S.A." --industry "Alimentación" --segment PYME --region R1 --owner U1 --country España --city "A Coruña" --employees 120
E account add --name "Filial Ñandú" --parent A1 --owner jose@x.com
E contact add --id C1 --name "Begoña Ibáñez" --email bego@nandu.es --phone "+34 600 000 000" --title "Compras" --account A1 --owner U1
E lead add --id L1 --name "Íñigo" --company "Cañas y Barro" --email inigo@x.es --source "Feria" --status sql --score 80 --owner U3 --created 2026-01-02
E lead add --name "Sin empresa" --status disqualified --created "2026-01-03 12:30"
E pipeline add --id P2 --name "Renovaciones"
E stage add --pipeline P2 --position 1 --name "Aviso" --name-es "Aviso" --probability 40% --kind open
E stage add --pipeline P2 --position 2 --name "Renovado" --probability 100% --kind won
E product add --id PR1 --sku GTX-1 --name "Licencia Pro" --category Software --price 1.234,56 --cost 400,10
E product add --sku SRV-2 --name "Servicio anual" --price 99,99 --currency USD --active no
E deal add --id D1 --title "Renovación 2026 «grande»" --account A1 --contact C1 --owner U1 --stage Prospecting --amount 12.000,50 --expected-close 2026-03-31 --source Feria --lead L1 --product GTX-1 --forecast-category commit
EMBUDO_NOW=2026-01-20T10:00:00Z E deal update D1 --stage Proposal --amount 15000
EMBUDO_NOW=2026-02-10T16:00:00Z E deal update D1 --stage Won
E deal add --title "Perdida, con coma" --account "Filial Ñandú" --owner jose@x.com --stage Lost --closed 2026-01-04T18:00:00+01:00 --created 2026-01-02 --lost-reason "Precio \"alto\"
y plazo" --probability 0
E deal add --id D3 --title "Renovación filial" --pipeline P2 --stage Aviso --amount 7,5 --currency USD --created 2025-12-01
E activity add --id AC1 --type call --subject "Primera llamada" --owner U1 --deal D1 --contact C1 --due 2026-01-06T10:00 --done "2026-01-06 10:20" --duration 600 --outcome connected --cold yes
E activity add --type email --subject "Propuesta enviada" --owner jose@x.com --account A1 --lead L1 --outcome opened
E order add --id O1 --account A1 --owner U1 --deal D1 --region R1 --date 2026-02-11 --shipped "2026-02-13 09:00"
E order add --date 2026-02-12 --currency JPY --account "Filial Ñandú"
E order_line add --id OL1 --order O1 --product GTX-1 --quantity 3 --unit-price 1.234,56 --discount 12,5% --cost 400,10
E order_line add --order O1 --product SRV-2 --quantity 1 --amount 50 --profit 12,34
E order_line add --order '#2' --quantity 2 --unit-price 1500
E goal add --id G1 --metric revenue_won --rep U1 --period 2026-Q1 --target 50.000,00
E goal add --metric win_rate --team T1 --period FY2026 --target 25%
E goal add --metric deals_won --period 2026-02 --target 12
E expense add --id E1 --category marketing --channel Feria --period 2026-01 --amount 3.500,00 --note "Stand en Madrid"
E expense add --category sales --from 2026-01-01 --to 2026-02-01 --amount 99,95 --currency USD
E rate add --currency USD --date 2026-01-01 --rate 0,92
E rate add --id RJ --currency JPY --date 2026-01-01 --rate 0.0061

# kind_all() order: a kind only refers to earlier ones, except users.team -> teams
# (and teams.manager -> users): users go in first without their team, then again
# after the teams, which keeps every kind's rows in their original order.
imp() {
    label=$1; shift
    if EMBUDO_NOW=2026-06-01T00:00:00Z "$EMBUDO" --db "$dst" import "$@" >"$TMP/imp.out" 2>&1
    then ok "import $label"; else not_ok "import $label"; sed 's/^/#   /' "$TMP/imp.out" | head -5; fi
}
# roundtrip SRC DST OUT1 OUT2: export every kind of SRC to OUT1, import them all into
# DST (a fresh database), export DST to OUT2: every file must be the same.
roundtrip() {
    "$EMBUDO" --db "$1" export all -o "$3" 2>/dev/null; check "export all from $(basename "$1")"
    dst=$2
    "$EMBUDO" --db "$dst" init --name "Compañía Ñandú" --currency EUR --timezone Europe/Madrid >/dev/null
    for k in regions users teams accounts contacts leads pipelines stages products deals activities orders \
        order_lines goals expenses rates; do
        if [ "$k" = users ]; then
            imp "users without their teams" users "$3/users.csv" --map team=
        else
            imp "$k" "$k" "$3/$k.csv"
        fi
        [ "$k" = teams ] && imp "users again, with their teams" users "$3/users.csv"
    done
    "$EMBUDO" --db "$dst" export all -o "$4" 2>/dev/null; check "export all from $(basename "$dst")"
    for f in "$3"/*.csv; do
        name=$(basename "$f")
        if cmp -s "$f" "$4/$name"; then ok "round trip of $name"
        else not_ok "round trip of $name"; diff "$f" "$4/$name" | sed 's/^/#   /' | head -8; fi
    done
}
roundtrip "$src" "$dst" "$TMP/out1" "$TMP/out2"
# References name records without an external id by a name that finds them.
expect_eq "deals.csv names account, owner and pipeline" 1 \
    "$(grep -c '^#2,"Perdida, con coma",Filial Ñandú,,José Núñez,Sales,Lost,lost,,EUR,' "$TMP/out1/deals.csv")"
for k in deals users order_lines goals; do
    "$EMBUDO" --db "$src" export "$k" --format json >"$TMP/a.json"
    "$EMBUDO" --db "$dst" export "$k" --format json >"$TMP/b.json"
    cmp -s "$TMP/a.json" "$TMP/b.json"; check "json export of $k is the same too"
done
# Counts, independent of the exporter.
for t in regions users teams accounts contacts leads pipelines stages products deals activities orders \
    order_lines goals expenses exchange_rates; do
    expect_eq "rows in $t" "$(sqlite3 "$src" "SELECT count(*) FROM $t")" "$(sqlite3 "$dst" "SELECT count(*) FROM $t")"
done
expect_eq "sum of deal amounts (minor units)" "$(sqlite3 "$src" 'SELECT sum(amount) FROM deals')" \
    "$(sqlite3 "$dst" 'SELECT sum(amount) FROM deals')"
# Deal history is not in the files: D1 moved Prospecting -> Proposal -> Won (3 rows);
# the copy has the history its dates imply (open in the first stage, then won).
expect_eq "source history of D1" "created,stage,amount,stage,status" \
    "$(sqlite3 "$src" "SELECT group_concat(changed, ',') FROM (SELECT changed FROM deal_history h JOIN deals d ON d.id = h.deal_id WHERE d.ext_id = 'D1' ORDER BY h.id)")"
expect_eq "copy history of D1" "2" \
    "$(sqlite3 "$dst" "SELECT count(*) FROM deal_history h JOIN deals d ON d.id = h.deal_id WHERE d.ext_id = 'D1'")"
# A sheet like Maven's: accounts and reps created by --create-missing have no id,
# so references name them ("Cancity", "Darcel Schlecht"); a name two records share
# falls back to what finds each one: the e-mail, else the internal number.
m="$TMP/maven.db"
M() { "$EMBUDO" --db "$m" "$@" >/dev/null || not_ok "setup: $*"; }
M init --name "Compañía Ñandú" --currency EUR --timezone Europe/Madrid
M user add --name "Ana Ruiz" --email ana1@x.com
M user add --name "Ana Ruiz" --email ana2@x.com
M account add --name Twin
M account add --name Twin
printf 'opportunity_id,sales_agent,account,deal_stage,close_value,engage_date,close_date\n%s\n%s\n' \
    '1C1I7A6R,Darcel Schlecht,Cancity,Won,1054,2016-10-20,2017-03-01' \
    '2X5K9S0A,Moses Frase,Rangreen,Engaging,,2016-10-25,' >"$TMP/pipeline.csv"
M import deals "$TMP/pipeline.csv" --create-missing --stage-map Engaging=Proposal
M deal add --id D9 --title "Twin deal" --account '#2' --owner ana2@x.com --stage Qualification --created 2026-01-02
M deal add --id D10 --title "Other twin" --account '#1' --owner ana1@x.com --stage Qualification --created 2026-01-02
"$EMBUDO" --db "$m" export deals >"$TMP/mdeals.csv"
printf '%s\r\n' \
    'id,title,account,contact,owner,pipeline,stage,status,amount,currency,expected_close,probability,forecast_category,lost_reason,source,lead,created,closed' \
    '1C1I7A6R,Cancity,Cancity,,Darcel Schlecht,Sales,Won,won,1054.00,EUR,,,,,,,2016-10-20,2017-03-01' \
    '2X5K9S0A,Rangreen,Rangreen,,Moses Frase,Sales,Proposal,open,,EUR,,,,,,,2016-10-25,' \
    'D9,Twin deal,#2,,ana2@x.com,Sales,Qualification,open,,EUR,,,,,,,2026-01-02,' \
    'D10,Other twin,#1,,ana1@x.com,Sales,Qualification,open,,EUR,,,,,,,2026-01-02,' >"$TMP/want_mdeals.csv"
if cmp -s "$TMP/want_mdeals.csv" "$TMP/mdeals.csv"; then ok "deals name accounts and reps, never #N when a name finds them"
else not_ok "deals name accounts and reps"; diff "$TMP/want_mdeals.csv" "$TMP/mdeals.csv" | sed 's/^/#   /' | head -12; fi
# That file alone, into an empty database, creates the same accounts and reps.
f="$TMP/fresh.db"
"$EMBUDO" --db "$f" init --name "Fresca" --currency EUR --timezone Europe/Madrid >/dev/null
head -3 "$TMP/mdeals.csv" >"$TMP/mdeals2.csv"
"$EMBUDO" --db "$f" import deals "$TMP/mdeals2.csv" --create-missing >/dev/null 2>&1; check "deals.csv alone into an empty database"
expect_eq "accounts and owners of the fresh copy" "Cancity|Darcel Schlecht Rangreen|Moses Frase" \
    "$(sqlite3 "$f" "SELECT a.name, u.name FROM deals d JOIN accounts a ON a.id = d.account_id JOIN users u ON u.id = d.owner_id ORDER BY d.id" | paste -sd' ')"
roundtrip "$m" "$TMP/maven2.db" "$TMP/mout1" "$TMP/mout2"
finish
