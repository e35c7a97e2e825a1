#!/bin/sh
# i18n_import: the messages of the importer, of value parsing and of init speak the
# language of --lang. Each case runs with --lang es and then --lang en on a small
# file written here, and the whole message is compared (the English one is the
# same text the other tests expect); the hints of grouped errors come in both
# languages, since they are chosen from what the error is about, never from its words.
. "$SRCDIR/tests/integration/lib.sh"
db="$TMP/i.db"
export EMBUDO_NOW=2026-01-15T12:00:00Z
"$EMBUDO" --db "$db" init --currency EUR --timezone UTC >/dev/null
# run LANG ARGS...: runs an import in LANG; its status in $TMP/status, stderr in $TMP/err.
run() {
    lang=$1; shift
    "$EMBUDO" --lang "$lang" --db "$db" "$@" >"$TMP/out" 2>"$TMP/err"
    echo $? >"$TMP/status"
}
deals() { sqlite3 "$db" "select count(*) from deals"; }

# A bad number in row 3.
printf 'id,stage,amount\nD1,Proposal,100\nD2,Proposal,12x\nD3,Proposal,300\n' >"$TMP/n.csv"
run es import deals "$TMP/n.csv"
expect_eq "es: a bad number in row 3" "1|embudo: error: fila 3, columna 'amount': \"12x\" no es un número: escriba cifras como 1234.56, 1,234.56 o 1.234,56|embudo: error: 1 de 3 filas no es válida, así que no se importó nada; corríjala, o importe las filas válidas y escriba las demás en un fichero con --skip-invalid FICHERO|" \
    "$(cat "$TMP/status")|$(tr '\n' '|' <"$TMP/err")"
run en import deals "$TMP/n.csv"
expect_eq "en: a bad number in row 3" "1|embudo: error: row 3, column 'amount': \"12x\" is not a number: write digits like 1234.56, 1,234.56 or 1.234,56|embudo: error: 1 of 3 rows is invalid, so nothing was imported; fix it, or import the valid rows and write the others to a file with --skip-invalid FILE|" \
    "$(cat "$TMP/status")|$(tr '\n' '|' <"$TMP/err")"
expect_eq "nothing written" "0" "$(deals)"

# A decimal column that stays ambiguous, its values quoted.
printf 'id,stage,amount\nA1,Proposal,1.500\nA2,Proposal,2.500\n' >"$TMP/amb.csv"
run es import deals "$TMP/amb.csv"
expect_eq "es: an ambiguous decimal column" "1|embudo: error: columna 'amount': \"1.500\", \"2.500\" se pueden leer de dos formas: \"1.500\" es 1.5 con punto decimal y 1500 con coma decimal; no se importó nada: elija el separador decimal con --decimal point (1,234.56) o --decimal comma (1.234,56)" \
    "$(cat "$TMP/status")|$(cat "$TMP/err")"
run en import deals "$TMP/amb.csv"
expect_eq "en: an ambiguous decimal column" "1|embudo: error: column 'amount': \"1.500\", \"2.500\" can be read two ways: \"1.500\" is 1.5 with a decimal point and 1500 with a decimal comma; nothing was imported: choose the decimal separator with --decimal point (1,234.56) or --decimal comma (1.234,56)" \
    "$(cat "$TMP/status")|$(cat "$TMP/err")"

# An unknown stage: the pipeline's stages and the --stage-map that fixes it.
printf 'id,stage,amount\nE1,Cualificación,100\n' >"$TMP/st.csv"
run es import deals "$TMP/st.csv" --create-missing
expect_eq "es: an unknown stage" "embudo: error: fila 2, columna 'stage': etapa desconocida 'Cualificación'; las etapas del embudo son Prospecting, Qualification, Proposal, Negotiation, Won, Lost; léala como una de ellas con --stage-map 'Cualificación=Qualification', o añada las etapas nuevas del fichero después de una de ellas con --create-stages ETAPA" \
    "$(head -1 "$TMP/err")"
run en import deals "$TMP/st.csv" --create-missing
expect_eq "en: an unknown stage" "embudo: error: row 2, column 'stage': unknown stage 'Cualificación'; the pipeline's stages are Prospecting, Qualification, Proposal, Negotiation, Won, Lost; read it as one of them with --stage-map 'Cualificación=Qualification', or add the file's new stages after one of them with --create-stages STAGE" \
    "$(head -1 "$TMP/err")"
expect_eq "no deal, no stage created" "0|6" "$(sqlite3 "$db" "select (select count(*) from deals), (select count(*) from stages)")"

# A key repeated with another value names both rows.
printf 'id,name,industry\nC1,Acme,Retail\nC2,Beta,Tech\nC1,Acme,Energy\n' >"$TMP/k.csv"
run es import accounts "$TMP/k.csv"
expect_eq "es: a repeated key" "embudo: error: fila 4, columna 'industry': valor 'Energy': la clave de la fila repite la fila 2 con otro valor (allí 'Retail'); deje una fila por clave, o haga que gane la fila posterior con --last-wins" \
    "$(head -1 "$TMP/err")"
run en import accounts "$TMP/k.csv"
expect_eq "en: a repeated key" "embudo: error: row 4, column 'industry': value 'Energy': the row's key repeats row 2 with another value ('Retail' there); keep one row per key, or let the later row win with --last-wins" \
    "$(head -1 "$TMP/err")"

# A bad date, with the --date-format hint.
printf 'id,stage,created\nF1,Proposal,2025-02-30\nF2,Proposal,31/31/2025\n' >"$TMP/d.csv"
run es import deals "$TMP/d.csv"
expect_eq "es: bad dates" "embudo: error: fila 2, columna 'created': \"2025-02-30\" no es una fecha válida: 2025-02 tiene 28 días; sugerencia: indique el formato de fecha del fichero con --date-format (d/m/Y, m/d/Y, Y-m-d o un formato como %d.%m.%Y)|embudo: error: fila 3, columna 'created': \"31/31/2025\" no es una fecha válida en orden día/mes/año: no existe el mes 31; sugerencia: indique el formato de fecha del fichero con --date-format (d/m/Y, m/d/Y, Y-m-d o un formato como %d.%m.%Y)|" \
    "$(head -2 "$TMP/err" | tr '\n' '|')"
run en import deals "$TMP/d.csv"
expect_eq "en: bad dates" "embudo: error: row 2, column 'created': \"2025-02-30\" is not a valid date: 2025-02 has 28 days; hint: give the file's date format with --date-format (d/m/Y, m/d/Y, Y-m-d or a format such as %d.%m.%Y)|embudo: error: row 3, column 'created': \"31/31/2025\" is not a valid date in day/month/year order: there is no month 31; hint: give the file's date format with --date-format (d/m/Y, m/d/Y, Y-m-d or a format such as %d.%m.%Y)|" \
    "$(head -2 "$TMP/err" | tr '\n' '|')"

# An unknown time zone on init.
run es init --timezone Europe/Madrud
expect_eq "es: an unknown time zone" "2|embudo init: la zona horaria 'Europe/Madrud' no existe; use un nombre IANA como Europe/Madrid" \
    "$(cat "$TMP/status")|$(head -1 "$TMP/err")"
run en init --timezone Europe/Madrud
expect_eq "en: an unknown time zone" "2|embudo init: time zone 'Europe/Madrud' is unknown; use an IANA name such as Europe/Madrid" \
    "$(cat "$TMP/status")|$(head -1 "$TMP/err")"

# Grouped errors: the count, the first rows, other values and the hint.
printf 'id,stage,amount\nG1,Proposal,"1,5"\nG2,Proposal,12x\nG3,Proposal,"2,5"\nG4,Proposal,"7,5"\n' >"$TMP/g.csv"
run es import deals "$TMP/g.csv" --decimal point
expect_eq "es: a grouped error and its hint" "embudo: error: 3 filas (filas 2, 4, 5), columna 'amount': \"1,5\" no es un número (los separadores de miles deben agrupar tres cifras): escríbalo como 1234.56 o 1,234.56; otros valores: '2,5', '7,5'; sugerencia: si el fichero escribe los números de otra forma, elija el separador decimal con --decimal point o --decimal comma" \
    "$(head -1 "$TMP/err")"
run en import deals "$TMP/g.csv" --decimal point
expect_eq "en: a grouped error and its hint" "embudo: error: 3 rows (rows 2, 4, 5), column 'amount': \"1,5\" is not a number (thousands separators must group three digits): write it like 1234.56 or 1,234.56; other values: '2,5', '7,5'; hint: if the file writes numbers another way, choose the decimal separator with --decimal point or --decimal comma" \
    "$(head -1 "$TMP/err")"
# A required field with no column: SQLite's words stay as they are, the hint is Spanish.
( echo "mql_id,first_contact_date,origin"; i=1; while [ $i -le 7 ]; do echo "m$i,2018-01-02,web"; i=$((i + 1)); done ) >"$TMP/leads.csv"
run es import leads "$TMP/leads.csv"
grep -qF "embudo: error: 7 filas (filas 2, 3, 4, 5, 6 ...): " "$TMP/err" &&
    grep -qF "NOT NULL constraint failed: leads.name; sugerencia: indique la columna que contiene name con --map name=COLUMNA (columnas sin usar: 'mql_id'), o dé un valor único con --default name=VALOR" "$TMP/err"
check "es: a missing field grouped, with its --map hint"
# An empty id: the hint names the key field, in both languages.
printf 'id,name\n,Acme\n,Beta\n' >"$TMP/e.csv"
run es import accounts "$TMP/e.csv"
expect_eq "es: empty ids grouped with their hint" "embudo: error: 2 filas (filas 2, 3), columna 'id': está vacío, pero cada fila necesita su id: es la clave que hace que importar de nuevo actualice en vez de duplicar; sugerencia: indique la columna que contiene id con --map id=COLUMNA, o dé un valor único con --default id=VALOR" \
    "$(head -1 "$TMP/err")"
run en import accounts "$TMP/e.csv"
expect_eq "en: empty ids grouped with their hint" "embudo: error: 2 rows (rows 2, 3), column 'id': is empty, but every row needs its id: it is the key that makes importing again update instead of duplicating; hint: name the column that holds id with --map id=COLUMN, or give one value with --default id=VALUE" \
    "$(head -1 "$TMP/err")"
# A word that is none of a field's choices: the --value-map hint.
printf 'name,status\nAna,hot\nLuis,hot\n' >"$TMP/l.csv"
run es import leads "$TMP/l.csv"
expect_eq "es: choices grouped with the --value-map hint" "embudo: error: 2 filas (filas 2, 3), columna 'status': valor desconocido \"hot\": use uno de new, contacted, mql, sql, converted, disqualified; sugerencia: lea las palabras del fichero como valores del campo con --value-map CAMPO:DE=A" \
    "$(head -1 "$TMP/err")"
run en import leads "$TMP/l.csv"
expect_eq "en: choices grouped with the --value-map hint" "embudo: error: 2 rows (rows 2, 3), column 'status': unknown value \"hot\": use one of new, contacted, mql, sql, converted, disqualified; hint: read the file's words as the field's values with --value-map FIELD:FROM=TO" \
    "$(head -1 "$TMP/err")"

# A column left out for its values: the reason in the summary and in JSON.
printf 'id,stage,Importe\nV1,Proposal,alto\nV2,Proposal,bajo\n' >"$TMP/v.csv"
run es import deals "$TMP/v.csv" --dry-run --format json
expect_eq "es: the reason a column was left out (JSON)" "Importe: su cabecera coincide con el campo 'amount', pero sus valores ('alto', 'bajo') no son del tipo money" \
    "$(python3 -c "import json,sys; print('|'.join(c['column'] + ': ' + c['reason'] for c in json.load(open(sys.argv[1]))['left_out']))" "$TMP/out")"
run es import deals "$TMP/v.csv" --dry-run
grep -qF "(su cabecera coincide con el campo 'amount', pero sus valores ('alto', 'bajo') no son del tipo money)" "$TMP/out"
check "es: the summary lists the column left out for its values"
printf 'id,stage,Notas\nW1,Proposal,x\n' >"$TMP/w.csv"
run es import deals "$TMP/w.csv" --dry-run
grep -q "Notas (" "$TMP/out"; [ $? -ne 0 ]; check "es: a column no field names is not listed with a reason"
expect_eq "nothing written by any of them" "0|0|0" \
    "$(sqlite3 "$db" "select (select count(*) from deals), (select count(*) from accounts), (select count(*) from leads)")"

# A reference to a record that does not exist: the kind's noun in the language.
printf 'id,stage,account\nR1,Proposal,Zeta\n' >"$TMP/r.csv"
run es import deals "$TMP/r.csv"
expect_eq "es: an unknown reference" "embudo: error: fila 2, columna 'account': no existe ningún registro de cuenta 'Zeta'; importe antes accounts o añada --create-missing" \
    "$(head -1 "$TMP/err")"
run en import deals "$TMP/r.csv"
expect_eq "en: an unknown reference" "embudo: error: row 2, column 'account': no account 'Zeta'; import accounts first or add --create-missing" \
    "$(head -1 "$TMP/err")"

# A period that names no month (value parsing of periods).
run es kpi revenue_won --period 2026-13
grep -qF 'embudo kpi: "2026-13" no nombra ningún mes (01..12): use 2026, 2026-Q3, 2026-07, 2026-W27, 2026-07-14, FY2026, FY2026-Q1, un intervalo como 2017..2018' "$TMP/err"
check "es: a period with no month 13"
run en kpi revenue_won --period 2026-13
grep -qF 'embudo kpi: "2026-13" names no month (01..12): use 2026, 2026-Q3, 2026-07, 2026-W27, 2026-07-14, FY2026, FY2026-Q1, a range such as 2017..2018' "$TMP/err"
check "en: a period with no month 13"

# The fields of a kind (--fields): headings, help and defaults in the language, the
# REQUIRED column as wide as its words.
"$EMBUDO" --lang es import deals --fields >"$TMP/f.txt"
expect_eq "es: --fields" "deals: oportunidades que avanzan por el embudo||CAMPO              TIPO           OBLIGATORIO DESCRIPCIÓN / CABECERAS ACEPTADAS|id                 text           no          el identificador del sistema de origen; importarlo de nuevo actualiza|" \
    "$(head -4 "$TMP/f.txt" | tr '\n' '|')"
grep -qxF 'title              text           por omisión descripción breve (por omisión: cuenta y producto)' "$TMP/f.txt"
check "es: --fields, a field with a default"
"$EMBUDO" --lang en import deals --fields >"$TMP/f.txt"
expect_eq "en: --fields" "deals: opportunities moving through the pipeline||FIELD              TYPE           REQUIRED  DESCRIPTION / ACCEPTED HEADERS|id                 text           no        the source system's identifier; re-importing it updates|" \
    "$(head -4 "$TMP/f.txt" | tr '\n' '|')"

# The demo refuses a database that holds data.
run es import accounts "$TMP/k.csv" --last-wins
run es demo --deals 50
expect_eq "es: the demo refuses a database with data" "1|embudo: error: '$db' ya contiene datos (2 accounts); añada --force para sustituirla por la demostración, o indique otro fichero con --db" \
    "$(cat "$TMP/status")|$(cat "$TMP/err")"
run en demo --deals 50
expect_eq "en: the demo refuses a database with data" "1|embudo: error: '$db' already holds data (2 accounts); pass --force to replace it with the demo, or name another file with --db" \
    "$(cat "$TMP/status")|$(cat "$TMP/err")"
finish
