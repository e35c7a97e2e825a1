#!/bin/sh
# kpi_records_lang: `kpi METRIC --records` tables speak the language of the
# organisation (Spanish here) or of --lang: headings, activity types and outcomes
# and counted_as translated, money, dates and quantities as the other tables write
# them; JSON and CSV keep English keys, codes and data forms. A Spanish company
# (EUR, Europe/Madrid), March 2026:
#   D1 Ana  Acme  Ganado     10,000.00  created 03-01 closed 03-10
#   D2 Ben  Acme  Perdido       464.96  created 03-02 closed 03-12
#   D3 Ana  Acme  Propuesta   2,500.50  created 03-03, expected close 04-20 (open)
#   A1 call Ana connected done 03-05; A2 call Ben no_answer done 03-07;
#   A3 meeting Ben held done 03-06
#   O1 Acme Ana 03-10: OL1 P1 1,200 x 10.00 = 12,000.00, cost 1,200 x 4.00 = 4,800.00
#   L1 Ana web mql created 03-05, no touch
# Columns of a table are split on runs of 2+ spaces below (cells hold single spaces;
# blank cells vanish from the data lines).
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/t.db" EMBUDO_NOW=2026-04-15T12:00:00Z
E="$EMBUDO"
NB=$(printf '\302\240') # no-break space, which Spanish puts before €
$E init --name "Ferretería Sol" --currency EUR --timezone Europe/Madrid --locale es --owner olga@sol.es \
    --owner-name Olga >/dev/null
for u in Ana Ben; do $E user add --name $u >/dev/null; done
$E account add --name Acme >/dev/null
$E deal add --id D1 --title D1 --owner Ana --account Acme --stage Ganado --amount 10000 --created 2026-03-01 \
    --closed 2026-03-10 >/dev/null
$E deal add --id D2 --title D2 --owner Ben --account Acme --stage Perdido --amount 464.96 --created 2026-03-02 \
    --closed 2026-03-12 >/dev/null
$E deal add --id D3 --title D3 --owner Ana --account Acme --stage Propuesta --amount 2500.50 --created 2026-03-03 \
    --expected-close 2026-04-20 >/dev/null
$E activity add --id A1 --type call --owner Ana --done 2026-03-05 --outcome connected >/dev/null
$E activity add --id A2 --type call --owner Ben --done 2026-03-07 --outcome no_answer >/dev/null
$E activity add --id A3 --type meeting --owner Ben --done 2026-03-06 --outcome held >/dev/null
$E product add --sku P1 --name P1 --price 10 >/dev/null
$E order add --id O1 --account Acme --owner Ana --date 2026-03-10 >/dev/null
$E order_line add --id OL1 --order O1 --product P1 --quantity 1200 --unit-price 10 --cost 4 >/dev/null
$E lead add --id L1 --name Uno --owner Ana --source web --status mql --created 2026-03-05 >/dev/null
check "fixture created"
P="--period 2026-03"
# cells ARGS...: the lines of the table printed by ARGS, cells separated by |, lines by ~.
cells() { "$@" >"$TMP/t" 2>"$TMP/err"; sed 's/^ *//; s/   */|/g; s/  \([^ ]\)/|\1/g' "$TMP/t" | paste -sd'~'; }

expect_eq "win_rate records, Spanish" \
"oportunidad|comercial|cuenta|etapa|importe|creación|cierre|cierre previsto|cuenta como~\
-----------|---------|------|-------|-----------|----------|-----------|---------------|----------------------~\
D1|Ana|Acme|Ganado|10.000,00${NB}€|1 mar 2026|10 mar 2026|denominador, numerador~\
D2|Ben|Acme|Perdido|464,96${NB}€|2 mar 2026|12 mar 2026|denominador" \
    "$(cells $E kpi win_rate $P --records)"
expect_eq "win_rate records, English (--lang en)" \
"deal|rep|account|stage|amount|created|closed|expected_close|counted_as~\
----|---|-------|-------|----------|-----------|------------|--------------|----------------------~\
D1|Ana|Acme|Ganado|€10,000.00|Mar 1, 2026|Mar 10, 2026|denominator, numerator~\
D2|Ben|Acme|Perdido|€464.96|Mar 2, 2026|Mar 12, 2026|denominator" \
    "$(cells $E --lang en kpi win_rate $P --records)"
expect_eq "open_pipeline records, Spanish: the expected close" \
"oportunidad|comercial|cuenta|etapa|importe|creación|cierre|cierre previsto~\
D3|Ana|Acme|Propuesta|2.500,50${NB}€|3 mar 2026|20 abr 2026" \
    "$(cells $E kpi open_pipeline $P --records | cut -d~ -f1,3)"
expect_eq "call_connect_rate records by rep, Spanish: type and outcome translated" \
"comercial|actividad|tipo|resultado|vencimiento|hecha|cuenta como~\
Ana|A1|llamada|atendida|5 mar 2026|denominador, numerador~\
Ben|A2|llamada|sin respuesta|7 mar 2026|denominador" \
    "$(cells $E kpi call_connect_rate $P --by rep --records | cut -d~ -f1,3-)"
expect_eq "call_connect_rate records by rep, English" \
"rep|activity|type|outcome|due|done|counted_as~Ana|A1|call|connected|Mar 5, 2026|denominator, numerator" \
    "$(cells $E kpi call_connect_rate $P --by rep --records --lang en | cut -d~ -f1,3)"
expect_eq "meetings records, Spanish: the part it counts in" "A3|reunión|celebrada|Ben|6 mar 2026|celebrada" \
    "$(cells $E kpi meetings $P --records | cut -d~ -f3)"
expect_eq "revenue records, Spanish: quantity, amount and cost" \
"línea|pedido|producto|cuenta|comercial|fecha de pedido|cantidad|importe|coste~\
OL1|O1|P1|Acme|Ana|10 mar 2026|1.200|12.000,00${NB}€|4.800,00${NB}€" \
    "$(cells $E kpi revenue $P --records | cut -d~ -f1,3)"
expect_eq "orders records, English" "order|account|rep|ordered|amount~O1|Acme|Ana|Mar 10, 2026|€12,000.00" \
    "$(cells $E --lang en kpi orders $P --records | cut -d~ -f1,3)"
expect_eq "lead_qualification_rate records, Spanish" \
"lead|comercial|origen|creación|MQL|SQL|primer contacto|cuenta como~L1|Ana|web|5 mar 2026|5 mar 2026|denominador, MQL" \
    "$(cells $E kpi lead_qualification_rate $P --records | cut -d~ -f1,3)"
# JSON and CSV keep their English keys, codes and data forms under Spanish.
$E kpi win_rate $P --records --format csv >"$TMP/out"
expect_eq "win_rate records csv, Spanish organisation" \
    'deal,rep,account,stage,amount,created,closed,expected_close,counted_as~D1,Ana,Acme,Ganado,10000.00,2026-03-01,2026-03-10,,"denominator,numerator"~D2,Ben,Acme,Perdido,464.96,2026-03-02,2026-03-12,,denominator' \
    "$(tr -d '\r' <"$TMP/out" | paste -sd'~')"
$E kpi call_connect_rate $P --records --format json >"$TMP/out"
expect_eq "call_connect_rate records json, Spanish organisation" \
    '[~{"activity": "A1", "type": "call", "outcome": "connected", "rep": "Ana", "due": null, "done": "2026-03-05", "counted_as": "denominator,numerator"},~{"activity": "A2", "type": "call", "outcome": "no_answer", "rep": "Ben", "due": null, "done": "2026-03-07", "counted_as": "denominator"}~]' \
    "$(paste -sd'~' <"$TMP/out")"
$E kpi revenue $P --records >"$TMP/t"
grep -q ' $' "$TMP/t"; [ $? -ne 0 ]; check "no trailing spaces in a records table"
finish
