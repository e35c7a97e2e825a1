#!/bin/sh
# locale_tables: tables for people follow the language (ICU): money with its symbol
# and grouping, rates as percentages, durations with their unit, parts of a value in
# columns of their own, stages in pipeline order, dates in words, lists that fit
# $COLUMNS; JSON and CSV keep raw numbers. A Spanish company (EUR, Europe/Madrid):
#   D1 Ana won  10,000,000.00  created 2026-03-01 closed 2026-03-10  (9 days)
#   D2 Ben won       5,534.00  created 2026-03-05 closed 2026-03-20  (15 days)
#   D3 Ana lost        200.00  created 2026-03-02 closed 2026-03-25
#   D4 Ben open        300.00  created 2026-03-15 in Propuesta, expected 2026-05-31
#   D5 Ana won       8,000.00  created 2026-02-01 closed 2026-02-20
# March: revenue won 10,005,534.00; win rate 2/3 = 66.7 %; cycle median and mean
# 12 days (Ana 9, Ben 15); open at the end of March D4, 300.00. February: 8,000.00,
# win rate 1/1; change 9,997,534.00 = +124,969.2 % (10,005,534 / 8,000 - 1 =
# 1,249.69175); win rate change -33.3 points, -33.3 % relative.
# Columns of a table are split on runs of 2+ spaces below (cells hold single spaces).
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/k.db" EMBUDO_NOW=2026-04-15T12:00:00Z
E="$EMBUDO"
NB=$(printf '\302\240') # no-break space, which Spanish puts before € and %
$E init --name "Ferretería Sol" --currency EUR --timezone Europe/Madrid --locale es >/dev/null
$E team add --name Norte >/dev/null
$E user add --name Ana --team Norte >/dev/null && $E user add --name Ben --team Norte >/dev/null
$E deal add --title D1 --owner Ana --stage Ganado --amount 10000000 --created 2026-03-01 --closed 2026-03-10 >/dev/null
$E deal add --title D2 --owner Ben --stage Ganado --amount 5534 --created 2026-03-05 --closed 2026-03-20 >/dev/null
$E deal add --title D3 --owner Ana --stage Perdido --amount 200 --created 2026-03-02 --closed 2026-03-25 >/dev/null
$E deal add --title "D4 renovación anual del contrato de mantenimiento" --owner Ben --stage Propuesta --amount 300 \
    --created 2026-03-15 --expected_close 2026-05-31 >/dev/null
$E deal add --title D5 --owner Ana --stage Ganado --amount 8000 --created 2026-02-01 --closed 2026-02-20 >/dev/null
check "fixture created"

# cells E ARGS...: the table's lines, cells separated by |.
cells() { "$@" >"$TMP/t" 2>"$TMP/err"; sed 's/^ *//; s/   */|/g; s/  \([^ ]\)/|\1/g' "$TMP/t" | paste -sd'~'; }

expect_eq "kpi by rep, Spanish (the organisation's locale)" \
"comercial|revenue_won|win_rate|sales_cycle_days mediana|sales_cycle_days media|open_pipeline número|open_pipeline importe~\
Ana|10.000.000,00${NB}€|50,0${NB}%|9,0 días|9,0 días|0|0,00${NB}€~\
Ben|5.534,00${NB}€|100,0${NB}%|15,0 días|15,0 días|1|300,00${NB}€" \
    "$(cells $E kpi revenue_won,win_rate,sales_cycle_days,open_pipeline --period 2026-03 --by rep)"
expect_eq "kpi by rep, English (--lang en)" \
"rep|revenue_won|win_rate|sales_cycle_days median|sales_cycle_days mean|open_pipeline count|open_pipeline amount~\
Ana|€10,000,000.00|50.0%|9.0 days|9.0 days|0|€0.00~\
Ben|€5,534.00|100.0%|15.0 days|15.0 days|1|€300.00" \
    "$(cells $E --lang en kpi revenue_won,win_rate,sales_cycle_days,open_pipeline --period 2026-03 --by rep)"
expect_eq "comparison, Spanish" \
"revenue_won|revenue_won anterior|revenue_won cambio|revenue_won cambio relativo|win_rate|win_rate anterior|win_rate cambio|win_rate cambio relativo~\
10.005.534,00${NB}€|8.000,00${NB}€|9.997.534,00${NB}€|+124.969,2${NB}%|66,7${NB}%|100,0${NB}%|-33,3${NB}%|-33,3${NB}%" \
    "$(cells $E kpi revenue_won,win_rate --period 2026-03 --compare previous)"
expect_eq "comparison, English" \
"revenue_won|revenue_won previous|revenue_won change|revenue_won change_rel|win_rate|win_rate previous|win_rate change|win_rate change_rel~\
€10,005,534.00|€8,000.00|€9,997,534.00|+124,969.2%|66.7%|100.0%|-33.3%|-33.3%" \
    "$(cells $E kpi revenue_won,win_rate --period 2026-03 --compare previous --lang en)"
# One multi-part metric: its parts are the headings.
expect_eq "waterfall in columns, Spanish" \
"abierta al inicio|creada|reabierta|aumentos|reducciones|ganada|perdida|abierta al final~\
0,00${NB}€|10.006.034,00${NB}€|0,00${NB}€|0,00${NB}€|0,00${NB}€|10.005.534,00${NB}€|200,00${NB}€|300,00${NB}€" \
    "$(cells $E kpi pipeline_waterfall --period 2026-03)"
# Stages in pipeline order, not alphabetical: D3 was lost from the first stage, D4
# reached the third.
expect_eq "stages in pipeline order" \
"etapa|stage_reached~Prospección|4~Calificación|3~Propuesta|3~Negociación|2~Ganado|2" \
    "$(cells $E kpi stage_reached --by stage --period 2026-03)"
# Machine-readable output keeps raw numbers and keys whatever the language.
$E kpi revenue_won,win_rate,sales_cycle_days --period 2026-03 --format csv >"$TMP/out"
expect_eq "csv stays raw" "revenue_won,win_rate,sales_cycle_days_median,sales_cycle_days_mean~10005534.00,0.6666666667,12,12" \
    "$(tr -d '\r' <"$TMP/out" | paste -sd'~')"
$E kpi revenue_won,win_rate --period 2026-03 --format json >"$TMP/out"
expect_eq "json stays raw" '{"period": {"from": "2026-03-01", "to": "2026-04-01"}, "currency": "EUR", "compare": null, "rows": [~  {"revenue_won": 10005534.00, "win_rate": 0.6666666667}~]}' \
    "$(paste -sd'~' <"$TMP/out")"

# Records: money, dates and percentages for people; files keep data.
expect_eq "deal list, Spanish" \
"id|título|cuenta|propietario|etapa|estado|importe|creación|cierre~\
--|----------------------------------------|------|-----------|---------|-------|---------------|-----------|-----------~\
#1|D1|Ana|Ganado|ganada|10.000.000,00${NB}€|1 mar 2026|10 mar 2026~\
#2|D2|Ben|Ganado|ganada|5.534,00${NB}€|5 mar 2026|20 mar 2026~\
#3|D3|Ana|Perdido|perdida|200,00${NB}€|2 mar 2026|25 mar 2026~\
#4|D4 renovación anual del contrato de man…|Ben|Propuesta|abierta|300,00${NB}€|15 mar 2026~\
#5|D5|Ana|Ganado|ganada|8.000,00${NB}€|1 feb 2026|20 feb 2026" \
    "$(cells $E deal list)"
expect_eq "deal list, English" "#2|D2|Ben|Ganado|won|€5,534.00|Mar 5, 2026|Mar 20, 2026" \
    "$($E deal list --lang en --where title=D2 | sed -n 3p | sed 's/^ *//; s/   */|/g; s/  \([^ ]\)/|\1/g')"
$E deal list --format csv --where title=D2 >"$TMP/out"
expect_eq "deal list csv stays raw (user #1 is the owner init made)" "#2,D2,,#3,Ganado,won,5534.00,2026-03-05,2026-03-20" "$(tr -d '\r' <"$TMP/out" | sed -n 2p)"
# The list fits $COLUMNS: text is cut, numbers and dates are whole. Natural width
# 128 (columns 2+40+6+11+9+7+15+11+11, gaps 16; Spanish headings are wider than
# some cells); the title gives up 34 cells, down to the width of its heading (6),
# then the next widest text columns the other 4: the stage 3, the status 1.
COLUMNS=90 $E deal list >"$TMP/out"
expect_eq "widest line with COLUMNS=90" 90 "$(python3 -c "import sys; print(max(len(l.rstrip('\n')) for l in open('$TMP/out', encoding='utf-8')))")"
expect_eq "cut title, whole date" "#4|D4 re…|Ben|Propu…|abier…|300,00${NB}€|15 mar 2026" \
    "$(sed -n 6p "$TMP/out" | sed 's/^ *//; s/   */|/g; s/  \([^ ]\)/|\1/g')"
# show: the instant with its time in the organisation's zone, the expected date in words.
$E deal update '#4' --probability 35 >/dev/null
$E deal show '#4' >"$TMP/out"
expect_eq "show: probability" "probabilidad            35${NB}%" "$(grep '^probabilidad' "$TMP/out")"
expect_eq "show: expected close" "cierre previsto         31 may 2026" "$(grep '^cierre previsto' "$TMP/out")"
expect_eq "show: history heading" "historial:" "$(grep '^historial:' "$TMP/out")"

# The dashboard in both languages.
$E goal add --metric revenue_won --period 2026-03 --target 20000000 >/dev/null
$E dashboard --period 2026-03 >"$TMP/out"
expect_eq "dashboard title" "Ferretería Sol: del 1 mar 2026 al 31 mar 2026 (EUR)" "$(sed -n 1p "$TMP/out")"
expect_eq "dashboard headline" "revenue_won|10.005.534,00${NB}€|+124.969,2${NB}%|50,0${NB}%" \
    "$(grep '^revenue_won' "$TMP/out" | sed 's/   */|/g; s/  \([^ ]\)/|\1/g')"
expect_eq "dashboard cycle" "sales_cycle_days|12,0 días|-36,8${NB}%|-" \
    "$(grep '^sales_cycle_days' "$TMP/out" | sed 's/   */|/g; s/  \([^ ]\)/|\1/g')"
grep -q "^CLASIFICACIÓN (ingresos ganados)$" "$TMP/out"; check "dashboard headings in Spanish"
$E --lang en dashboard --period 2026-03 >"$TMP/out"
expect_eq "dashboard headline, English" "revenue_won|€10,005,534.00|+124,969.2%|50.0%" \
    "$(grep '^revenue_won' "$TMP/out" | sed 's/   */|/g; s/  \([^ ]\)/|\1/g')"
expect_eq "dashboard leader, English (first in February too)" "1|Ana|€10,000,000.00|=" \
    "$(grep '^   1  ' "$TMP/out" | sed 's/^ *//; s/   */|/g; s/  \([^ ]\)/|\1/g')"
finish
