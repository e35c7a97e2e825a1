#!/bin/sh
# import_spanish_sheet: the sales sheet a Spanish team saves from Excel as "CSV
# (delimitado por comas)": windows-1252 bytes, ';' between cells, CRLF, money with a
# thousands point and a decimal comma and the euro sign, day-first dates, and
# headers as people write them ("Fecha creación", "Fecha cierre": no "de"). Loaded
# with one command; the records and the revenue are checked against the sheet.
. "$SRCDIR/tests/integration/lib.sh"

db="$TMP/ventas.db"
export EMBUDO_NOW=2026-01-05T09:00:00Z
"$EMBUDO" --db "$db" init --name "Ferreterías Norte" --currency EUR --timezone Europe/Madrid --locale es >/dev/null
q() { sqlite3 "$db" "$1"; }

# The sheet, written in UTF-8 here and saved as Excel saves it (windows-1252).
printf '%s\r\n' \
    'Oportunidad;Cliente;Comercial;Etapa;Importe;Fecha creación;Fecha cierre;Fecha cierre prevista' \
    'Venta uno;Ferretería Núñez;José Peña;Ganado;12.500,00 €;03/02/2024;15/03/2024;' \
    'Venta dos;Óptica Sol;María López;Perdido;3.200,50 €;05/02/2024;20/03/2024;' \
    'Venta tres;Ferretería Núñez;José Peña;Propuesta;8.000 €;10/02/2024;;30/06/2024' \
    | iconv -f UTF-8 -t WINDOWS-1252 >"$TMP/ventas.csv"
check "the sheet is written in windows-1252"

# Every column is matched, though the headers lack "de" and the file its accents in UTF-8.
"$EMBUDO" --db "$db" --lang en import deals "$TMP/ventas.csv" --create-missing --date-format d/m/Y >"$TMP/out" 2>&1
check "one command imports the sheet"
expect_eq "every column matched" \
    "  columns: stage <- Etapa, title <- Oportunidad, account <- Cliente, owner <- Comercial, amount <- Importe, expected_close <- Fecha cierre prevista, created <- Fecha creación, closed <- Fecha cierre, currency = the organisation's currency (no column gives it: --map currency=COLUMN)" \
    "$(grep '^  columns:' "$TMP/out")"
grep -q "ignored columns" "$TMP/out"; [ $? -ne 0 ]; check "no column left out"
# Instants are stored in UTC: midnight in Madrid (CET, UTC+1 until 31 March) is 23:00.
expect_eq "the deals as the sheet says (amounts in cents, day-first dates)" \
"Venta uno|Ferretería Núñez|José Peña|Ganado|won|1250000|2024-02-03|2024-03-15|
Venta dos|Óptica Sol|María López|Perdido|lost|320050|2024-02-05|2024-03-20|
Venta tres|Ferretería Núñez|José Peña|Propuesta|open|800000|2024-02-10||2024-06-30" \
    "$(q "SELECT d.title, a.name, u.name, s.name, d.status, d.amount,
                 date(d.created, 'unixepoch', '+1 hours'), coalesce(date(d.closed, 'unixepoch', '+1 hours'), ''), coalesce(d.expected_close, '')
          FROM deals d JOIN accounts a ON a.id = d.account_id JOIN users u ON u.id = d.owner_id
          JOIN stages s ON s.id = d.stage_id ORDER BY d.id")"
expect_eq "revenue won in 2024: the one won deal, 12.500,00 €" '12500.00' \
    "$("$EMBUDO" --db "$db" kpi revenue_won --period 2024 --format json | grep -o '"revenue_won": [0-9.]*' | cut -d' ' -f2)"
expect_output_contains "12.500,00$(printf '\302\240')€" "$EMBUDO" --db "$db" kpi revenue_won --period 2024

# A sheet with no creation date: the deals would be created at the time of the
# import, which the summary says, naming the option that gives the column.
printf 'Oportunidad;Cliente;Comercial;Etapa;Importe\r\nVenta cuatro;Óptica Sol;María López;Propuesta;1.000 €\r\n' >"$TMP/sin_fecha.csv"
"$EMBUDO" --db "$db" --lang en import deals "$TMP/sin_fecha.csv" --dry-run >"$TMP/out" 2>&1
check "a sheet without a creation date is checked"
grep -q "created = the time of the import (no column gives it: --map created=COLUMN)" "$TMP/out"
check "the summary says the deals would be created at the time of the import"
finish
