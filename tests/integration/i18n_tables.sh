#!/bin/sh
# i18n_tables: the leaderboard and the record lists speak the language of the
# organisation (Spanish here) or of --lang: headings and enumerated values
# translated, money, rates and durations as kpi tables write them; JSON and CSV
# keep keys, codes and raw numbers. A Spanish company (EUR, Europe/Madrid):
#   A1 Ana  won  10,000.00  created 2026-03-01 closed 2026-03-10  (9 days)
#   A2 Ana  won     464.96  created 2026-03-02 closed 2026-03-12  (10 days)
#   B1 Ben  won   5,000.00  created 2026-03-05 closed 2026-03-20  (15 days)
#   B2 Ben  lost    700.00  created 2026-03-06 closed 2026-03-21
#   B0 Ben  won   1,000.00  created 2026-02-01 closed 2026-02-20  (February)
#   C1 Carla open 2,500.50  created 2026-03-03 in Propuesta
#   C2 Carla lost   300.00  created 2026-03-04 closed 2026-03-25
# Goals for March: Ana 30,000.00, Ben 4,000.00.
# March leaderboard: Ana 10,464.96 (34.8832 % of her goal: 34,9 %), new (nothing
# won in February); Ben 5,000.00 (125,0 %), first in February: -1; Carla 0.00
# (no goal: "-"), new. Sales cycle: Ana median 9.5 days, Ben 15, Carla none
# (unranked: "-", no change).
# Columns of a table are split on runs of 2+ spaces below (cells hold single spaces).
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/t.db" EMBUDO_NOW=2026-04-15T12:00:00Z
E="$EMBUDO"
NB=$(printf '\302\240') # no-break space, which Spanish puts before € and %
$E init --name "Ferretería Sol" --currency EUR --timezone Europe/Madrid --locale es --owner olga@sol.es \
    --owner-name Olga >/dev/null # the owner, #1: the author of the writes below
$E team add --name Norte >/dev/null
for u in Ana Ben Carla; do $E user add --name $u --team Norte >/dev/null; done
$E deal add --title A1 --owner Ana --stage Ganado --amount 10000 --created 2026-03-01 --closed 2026-03-10 >/dev/null
$E deal add --title A2 --owner Ana --stage Ganado --amount 464.96 --created 2026-03-02 --closed 2026-03-12 >/dev/null
$E deal add --title B1 --owner Ben --stage Ganado --amount 5000 --created 2026-03-05 --closed 2026-03-20 >/dev/null
$E deal add --title B2 --owner Ben --stage Perdido --amount 700 --created 2026-03-06 --closed 2026-03-21 >/dev/null
$E deal add --title B0 --owner Ben --stage Ganado --amount 1000 --created 2026-02-01 --closed 2026-02-20 >/dev/null
$E deal add --title C1 --owner Carla --stage Propuesta --amount 2500.50 --created 2026-03-03 >/dev/null
$E deal add --title C2 --owner Carla --stage Perdido --amount 300 --created 2026-03-04 --closed 2026-03-25 >/dev/null
$E goal add --metric revenue_won --period 2026-03 --target 30000 --scope rep --rep Ana >/dev/null
$E goal add --metric revenue_won --period 2026-03 --target 4000 --scope rep --rep Ben >/dev/null
check "fixture created"

# cells ARGS...: the lines of the table printed by ARGS, cells separated by |, lines by ~.
cells() { "$@" >"$TMP/t" 2>"$TMP/err"; sed 's/^ *//; s/   */|/g; s/  \([^ ]\)/|\1/g' "$TMP/t" | paste -sd'~'; }

# The leaderboard.
expect_eq "leaderboard, Spanish" \
"puesto|comercial|revenue_won|cumplimiento|cambio~\
1|Ana|10.464,96${NB}€|34,9${NB}%|nuevo~\
2|Ben|5.000,00${NB}€|125,0${NB}%|-1~\
3|Carla|0,00${NB}€|-|nuevo" \
    "$(cells $E leaderboard --period 2026-03)"
expect_eq "leaderboard, English (--lang en)" \
"rank|rep|revenue_won|attainment|change~1|Ana|€10,464.96|34.9%|new~2|Ben|€5,000.00|125.0%|-1~3|Carla|€0.00|-|new" \
    "$(cells $E --lang en leaderboard --period 2026-03)"
# Durations: median and mean in their own columns, with their unit; no goal: "-".
expect_eq "leaderboard of a duration, Spanish" \
"puesto|comercial|mediana|media|cumplimiento|cambio~1|Ana|9,5 días|9,5 días|-|nuevo~2|Ben|15,0 días|15,0 días|-|-1~-|Carla|-|-|-" \
    "$(cells $E leaderboard --period 2026-03 --metric sales_cycle_days)"
# A multi-part value: each part in its own column.
expect_eq "leaderboard of open pipeline, Spanish" \
"puesto|comercial|número|importe|cumplimiento|cambio~1|Carla|1|2.500,50${NB}€|-|nuevo" \
    "$(cells $E leaderboard --period 2026-03 --metric open_pipeline)"
# No line ends in spaces (Carla's empty change leaves none).
$E leaderboard --period 2026-03 --metric sales_cycle_days >"$TMP/t"
grep -q ' $' "$TMP/t"; [ $? -ne 0 ]; check "no trailing spaces in the leaderboard"
# JSON and CSV stay machine-readable under Spanish.
$E leaderboard --period 2026-03 --format json >"$TMP/out"
expect_eq "leaderboard json keeps keys and raw numbers" \
'{"metric": "revenue_won", "period": {"from": "2026-03-01", "to": "2026-04-01"}, "rows": [~  {"rank": 1, "rep": "Ana", "value": 10464.96, "attainment": 0.348832, "previous_rank": null},~  {"rank": 2, "rep": "Ben", "value": 5000.00, "attainment": 1.25, "previous_rank": 1},~  {"rank": 3, "rep": "Carla", "value": 0.00, "attainment": null, "previous_rank": null}~]}' \
    "$(paste -sd'~' <"$TMP/out")"
$E leaderboard --period 2026-03 --format csv >"$TMP/out"
expect_eq "leaderboard csv keeps keys and raw numbers" \
"rank,rep,revenue_won,attainment,previous_rank,change~1,Ana,10464.96,0.348832,,new~2,Ben,5000.00,1.25,1,-1~3,Carla,0.00,,,new" \
    "$(tr -d '\r' <"$TMP/out" | paste -sd'~')"

# Record lists: headings and statuses translated in tables only.
expect_eq "deal list, Spanish" \
"id|título|cuenta|propietario|etapa|estado|importe|creación|cierre~\
--|------|------|-----------|---------|-------|-----------|----------|-----------~\
#1|A1|Ana|Ganado|ganada|10.000,00${NB}€|1 mar 2026|10 mar 2026~\
#2|A2|Ana|Ganado|ganada|464,96${NB}€|2 mar 2026|12 mar 2026~\
#3|B1|Ben|Ganado|ganada|5.000,00${NB}€|5 mar 2026|20 mar 2026~\
#4|B2|Ben|Perdido|perdida|700,00${NB}€|6 mar 2026|21 mar 2026~\
#5|B0|Ben|Ganado|ganada|1.000,00${NB}€|1 feb 2026|20 feb 2026~\
#6|C1|Carla|Propuesta|abierta|2.500,50${NB}€|3 mar 2026~\
#7|C2|Carla|Perdido|perdida|300,00${NB}€|4 mar 2026|25 mar 2026" \
    "$(cells $E deal list)"
expect_eq "deal list, English" "id|title|account|owner|stage|status|amount|created|closed" \
    "$(cells $E --lang en deal list --limit 1 | cut -d~ -f1)"
expect_eq "deal list, English status" "#6|C1|Carla|Propuesta|open|€2,500.50|Mar 3, 2026" \
    "$(cells $E --lang en deal list --where title=C1 | cut -d~ -f3)"
$E deal list --where title=C1 --format json >"$TMP/out"
grep -q '"status": "open", "amount": 2500.50' "$TMP/out"; check "deal list json keeps codes and raw numbers"
$E deal list --where title=C1 --format csv >"$TMP/out"
expect_eq "deal list csv keeps names and codes" "id,title,account,owner,stage,status,amount,created,closed" \
    "$(tr -d '\r' <"$TMP/out" | sed -n 1p)"
# show: field names and values, the history's headings and changes.
$E deal update '#6' --stage Negociación --amount 2600 >/dev/null
$E deal show '#6' >"$TMP/out"
expect_eq "show: status" "estado                  abierta" "$(grep '^estado' "$TMP/out")"
expect_eq "show: history headings" "fecha|autor|cambios|etapa|estado|importe|moneda|propietario|cierre previsto" \
    "$(sed -n '/^historial:/{n;p;}' "$TMP/out" | sed 's/   */|/g; s/  \([^ ]\)/|\1/g')"
grep -q "Olga  *etapa, importe  *Negociación  *abierta  *2.600,00${NB}€" "$TMP/out"
check "show: the changed fields and the status in Spanish"
# Users' roles, activities' types and outcomes, lead statuses.
$E user update Carla --role manager >/dev/null
expect_eq "user roles" "#4|Carla|responsable|Norte" \
    "$($E user list --where name=Carla | sed -n 3p | sed 's/^ *//; s/   */|/g; s/  \([^ ]\)/|\1/g')"
$E activity add --type call --subject "Llamada" --owner Ana --due 2026-03-02 --done 2026-03-02 --outcome no_answer >/dev/null
expect_eq "activity type and outcome" "llamada|Llamada|Ana|sin respuesta" \
    "$($E activity list | sed -n 3p | sed 's/^ *//; s/   */|/g; s/  \([^ ]\)/|\1/g' | cut -d'|' -f2-4,7)"
$E lead add --name "Luis" --status disqualified >/dev/null
expect_eq "lead status" "#1|Luis|descartado|15 abr 2026" "$(cells $E lead list | cut -d~ -f3)"
# kpi --list: each metric's unit and description in the language of messages.
$E kpi --list >"$TMP/list"
check "kpi --list"
line() { grep "^$1 " "$TMP/list" | sed 's/   */|/g; s/  \([^ ]\)/|\1/g'; }
expect_eq "kpi --list: win_rate, Spanish" \
    "win_rate|tasa|ganadas / (ganadas + perdidas) sobre las oportunidades cerradas en el periodo; las abiertas no cuentan" \
    "$(line win_rate)"
expect_eq "kpi --list: open_pipeline, Spanish (units of its parts)" \
    "open_pipeline|número, importe|oportunidades abiertas en el instante (--as-of; por omisión, el final del periodo o ahora): número y suma de importes, cada una con la etapa, el importe y el propietario que tenía entonces" \
    "$(line open_pipeline)"
expect_eq "kpi --list: sales_cycle_days, Spanish" \
    "sales_cycle_days|días|días desde la creación hasta el cierre de las oportunidades ganadas en el periodo: mediana (la cifra principal) y media" \
    "$(line sales_cycle_days)"
grep -q "^dimensiones: rep team account" "$TMP/list"; check "kpi --list: dimensions, Spanish"
$E --lang en kpi --list >"$TMP/list"
expect_eq "kpi --list: win_rate, English" \
    "win_rate|rate|won / (won + lost) over deals closed in the period; open deals are not counted" "$(line win_rate)"
expect_eq "kpi --list: same metrics in both languages" "$($E kpi --list | sed -n '/^$/q;p' | cut -d' ' -f1)" \
    "$(sed -n '/^$/q;p' "$TMP/list" | cut -d' ' -f1)"
# Every description is in Spanish: none is left as its English text.
$E kpi --list | sed -n '/^$/q;p' | sed 's/   */|/g; s/  \([^ ]\)/|\1/g' | cut -d'|' -f3 >"$TMP/es"
sed -n '/^$/q;p' "$TMP/list" | sed 's/   */|/g; s/  \([^ ]\)/|\1/g' | cut -d'|' -f3 >"$TMP/en"
expect_eq "kpi --list: no description left in English (those of formulas excepted)" \
    "sales_spend / deals_won~(gross_profit - sales_spend) / sales_spend" \
    "$(paste -d'\t' "$TMP/es" "$TMP/en" | awk -F'\t' '$1 == $2 {print $1}' | paste -sd'~')"
# Help and usage errors of kpi, leaderboard, import and export, in Spanish.
expect_output_contains "uso: embudo kpi NOMBRE[,NOMBRE...]" $E kpi --help
expect_output_contains "Ordena a los comerciales por una métrica" $E leaderboard --help
expect_output_contains "uso: embudo import TIPO FICHERO [opciones]" $E import --help
expect_output_contains "uso: embudo export TIPO" $E export --help
expect_output_contains "calcular métricas de ventas" $E --lang es --help
expect_stderr_contains "embudo kpi: métrica desconocida 'foo'; se aceptan: deals_created," $E kpi foo
expect_stderr_contains "embudo kpi: dimensión desconocida 'foo'; se aceptan: rep, team," $E kpi win_rate --by foo
expect_stderr_contains "embudo leaderboard: --limit 'x' debe ser un número entero positivo" $E leaderboard --limit x
expect_stderr_contains "embudo export: indique el tipo que exportar" $E export
expect_stderr_contains "embudo import: se esperaban TIPO y FICHERO" $E import deals
expect_stderr_contains "embudo kpi: unknown metric 'foo'; accepted:" $E --lang en kpi foo

# The import summary: a dry run, an import, the same file again.
printf 'title,owner,amount,stage,created,closed,Extra\nZ1,Ana,100,Ganado,2026-03-01,2026-03-02,x\n' >"$TMP/d.csv"
$E import deals "$TMP/d.csv" --dry-run | sed 's/ en [0-9.]* s ([0-9]* filas\/s)/ en T/' >"$TMP/out"
expect_eq "import summary, dry run" \
"comprobada 1 fila de oportunidades de d.csv en T; prueba: no se escribió nada~\
  creadas 1, actualizadas 0, repetidas 0, rechazadas 0, sin cambios 0~\
  columnas: stage <- stage, title <- title, owner <- owner, amount <- amount, created <- created, closed <- closed, currency = la moneda de la organización (ninguna columna lo da: --map currency=COLUMNA)~\
  columnas ignoradas: Extra" "$(paste -sd'~' <"$TMP/out")"
$E import deals "$TMP/d.csv" | sed -n '1p;3p' | sed 's/ en [0-9.]* s ([0-9]* filas\/s)/ en T/' >"$TMP/out"
expect_eq "import summary" \
"importada 1 fila de oportunidades de d.csv en T~  anotada como importación 1 (se deshace con \`embudo import undo 1\`)" \
    "$(paste -sd'~' <"$TMP/out")"
expect_eq "import summary, unchanged" "  creadas 0, actualizadas 0, repetidas 0, rechazadas 0, sin cambios 1~  nada cambió: no se escribió nada" \
    "$($E import deals "$TMP/d.csv" | sed -n '2,3p' | paste -sd'~')"
expect_eq "import summary, English" "  created 0, updated 0, repeated 0, rejected 0, unchanged 1" \
    "$($E --lang en import deals "$TMP/d.csv" | sed -n 2p)"
# The import list: headings, the kind and the instant (Madrid, UTC+2 in April) for
# people (the hash, cut to 12 digits, left out).
expect_eq "import list, Spanish" \
"id|fecha|autor|tipo|fichero|filas|creados|actualizados|sin cambios|rechazadas|deshecha|hash~\
1|15 abr 2026, 14:00|Olga|oportunidades|$TMP/d.csv|1|1|0|0|0" \
    "$(cells $E import list | cut -d~ -f1,3 | sed 's/|[0-9a-f]\{12\}$//')"
expect_eq "import list csv keeps names and data" "1,2026-04-15T14:00:00+02:00,Olga,deals" \
    "$($E import list --format csv | sed -n 2p | cut -d, -f1-4)"
# Deleting a record says so in Spanish.
expect_stderr_contains "borrado lead 'Luis'" $E lead delete Luis --yes
# Yes/no fields and goal targets for people.
$E user show Ana >"$TMP/out"
grep -q "^activo  *sí$" "$TMP/out"; check "show: a yes/no field in Spanish"
expect_eq "goal list: targets as Spanish numbers" "#1|revenue_won|comercial|Ana|2026-03|30.000,00~#2|revenue_won|comercial|Ben|2026-03|4.000,00" \
    "$(cells $E goal list | cut -d~ -f3-)"
# The help of the record commands: the kind, the fields' types and help in Spanish.
$E deal --help >"$TMP/out"
grep -q "^deals: oportunidades que avanzan por el embudo\.$" "$TMP/out"; check "deal --help: the kind in Spanish"
grep -q "^  --amount  *dinero  *importe de la oportunidad$" "$TMP/out"; check "deal --help: a field in Spanish"
grep -q "^  --created  *fecha y hora  *cuándo se creó la oportunidad (obligatorio)$" "$TMP/out"
check "deal --help: a required field in Spanish, aligned"
$E --lang en deal --help >"$TMP/out"
grep -q "^  --amount  *money  *deal value$" "$TMP/out"; check "deal --help: a field in English"
# A ratio is a plain number, not a percentage: activities per deal won in March.
# Completed activities on the deals won in March (A1, A2, B1 and Z1, imported above):
# 3 on A1, 2 on B1, so 5 / 4 deals won = 1.25 ("1,25"; as a rate it showed "125,0 %").
for s in 1 2 3; do $E activity add --type call --subject "A1 $s" --owner Ana --deal A1 --done 2026-03-0$s >/dev/null; done
for s in 1 2; do $E activity add --type email --subject "B1 $s" --owner Ben --deal B1 --done 2026-03-1$s >/dev/null; done
expect_eq "activities_per_deal_won, Spanish" "activities_per_deal_won~1,25" \
    "$(cells $E kpi activities_per_deal_won --period 2026-03)"
expect_eq "activities_per_deal_won, English" "activities_per_deal_won~1.25" \
    "$(cells $E --lang en kpi activities_per_deal_won --period 2026-03)"
$E kpi --list >"$TMP/list"
expect_eq "kpi --list: a ratio's unit" "cociente" "$(line activities_per_deal_won | cut -d'|' -f2)"
expect_eq "kpi --list: pipeline_coverage is a ratio" "cociente" "$(line pipeline_coverage | cut -d'|' -f2)"
finish
