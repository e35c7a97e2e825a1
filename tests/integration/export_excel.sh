#!/bin/sh
# export_excel: `export --excel` writes what Excel opens without its import wizard in
# the organisation's locale (a UTF-8 byte-order mark; ';' and a decimal comma for
# Spanish, ',' and a point for English), --delimiter and --decimal on their own and
# over --excel; the exact bytes are written out by hand. A Spanish Excel file imports
# back into an empty database with the same records.
. "$SRCDIR/tests/integration/lib.sh"

same_file() {
    if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1"; diff "$2" "$3" | sed 's/^/#   /' | head -10; fi
}
export EMBUDO_NOW=2026-03-01T10:00:00Z
# setup DB LOCALE STAGE1 STAGE2 AMOUNT (a Spanish organisation's stages have Spanish
# names; the amount is typed as its locale writes it)
setup() {
    db=$1
    E() { "$EMBUDO" --db "$db" "$@" >/dev/null || not_ok "setup: $*"; }
    E init --currency EUR --timezone Europe/Madrid --locale "$2"
    E account add --id A1 --name "Ñandú; S.A." --employees 1200
    E account add --name "Cancity"
    E deal add --id D1 --title "Renovación, 2026" --account A1 --amount "$5" --stage "$3" \
        --probability 35% --created 2026-02-01
    E deal add --id D2 --title "Sin importe" --account Cancity --stage "$4" --created 2026-02-02
}
es="$TMP/es.db"
en="$TMP/en.db"
setup "$es" es Propuesta Calificación 12.000,50
setup "$en" en Proposal Qualification 12,000.50
hdr='id,title,account,contact,owner,pipeline,stage,status,amount,currency,expected_close,probability,forecast_category,lost_reason,source,lead,created,closed'
semi=$(printf '%s' "$hdr" | tr , ';')

# Spanish: BOM, ';', decimal comma; a cell holding ';' is quoted, one holding ',' is not.
{ printf '\357\273\277'; printf '%s\r\n' "$semi" \
    'D1;Renovación, 2026;A1;;;Sales;Propuesta;open;12000,50;EUR;;0,35;;;;;2026-02-01;' \
    'D2;Sin importe;Cancity;;;Sales;Calificación;open;;EUR;;;;;;;2026-02-02;'; } >"$TMP/want_es.csv"
"$EMBUDO" --db "$es" export deals --excel >"$TMP/es.csv"; check "export deals --excel (es)"
same_file "Spanish Excel CSV byte for byte" "$TMP/want_es.csv" "$TMP/es.csv"
{ printf '\357\273\277'; printf '%s\r\n' 'id;name;industry;segment;region;owner;parent;country;city;employees;created' \
    'A1;"Ñandú; S.A.";;;;;;;;1200;2026-03-01T11:00:00+01:00' '#2;Cancity;;;;;;;;;2026-03-01T11:00:00+01:00'; } \
    >"$TMP/want_es_acc.csv"
"$EMBUDO" --db "$es" export accounts --excel -o "$TMP/es_acc.csv" 2>/dev/null; check "export accounts --excel -o FILE"
same_file "a cell with ';' is quoted" "$TMP/want_es_acc.csv" "$TMP/es_acc.csv"

# English: BOM, ',' and a point.
{ printf '\357\273\277'; printf '%s\r\n' "$hdr" \
    'D1,"Renovación, 2026",A1,,,Sales,Proposal,open,12000.50,EUR,,0.35,,,,,2026-02-01,' \
    'D2,Sin importe,Cancity,,,Sales,Qualification,open,,EUR,,,,,,,2026-02-02,'; } >"$TMP/want_en.csv"
"$EMBUDO" --db "$en" export deals --excel >"$TMP/en.csv"; check "export deals --excel (en)"
same_file "English Excel CSV byte for byte" "$TMP/want_en.csv" "$TMP/en.csv"

# --delimiter and --decimal alone (no BOM), and over --excel.
printf '%s\r\n' "$(printf '%s' "$hdr" | tr , '\t')" \
    "$(printf 'D1\tRenovación, 2026\tA1\t\t\tSales\tProposal\topen\t12000,50\tEUR\t\t0,35\t\t\t\t\t2026-02-01\t')" \
    "$(printf 'D2\tSin importe\tCancity\t\t\tSales\tQualification\topen\t\tEUR\t\t\t\t\t\t\t2026-02-02\t')" >"$TMP/want_tab.csv"
"$EMBUDO" --db "$en" export deals --delimiter tab --decimal comma >"$TMP/tab.csv"; check "--delimiter tab --decimal comma"
same_file "tab separated with decimal comma" "$TMP/want_tab.csv" "$TMP/tab.csv"
"$EMBUDO" --db "$en" export deals --excel --delimiter ';' --decimal comma >"$TMP/over.csv"
tr -d '"' <"$TMP/want_es.csv" | sed 's/Propuesta/Proposal/; s/Calificación/Qualification/' >"$TMP/want_over.csv"
same_file "--delimiter and --decimal override --excel" "$TMP/want_over.csv" "$TMP/over.csv"
expect_status 2 "$EMBUDO" --db "$es" export deals --excel --format json
# (a Spanish organisation: the messages are in Spanish)
expect_stderr_contains "--delimiter ':': use ',', ';', 'tab' o '|'" "$EMBUDO" --db "$es" export deals --delimiter :
expect_stderr_contains "--decimal 'x': use point (1234.56) o comma (1234,56)" "$EMBUDO" --db "$es" export deals --decimal x
expect_stderr_contains "--decimal 'x': use point (1234.56) or comma (1234,56)" "$EMBUDO" --db "$es" --lang en export deals --decimal x

# The Spanish file imports back into an empty Spanish database: the same records.
back="$TMP/back.db"
"$EMBUDO" --db "$back" init --currency EUR --timezone Europe/Madrid --locale es >/dev/null
"$EMBUDO" --db "$back" import accounts "$TMP/es_acc.csv" >/dev/null 2>&1; check "import the Excel accounts back"
"$EMBUDO" --db "$back" import deals "$TMP/es.csv" --decimal comma >"$TMP/imp.out" 2>&1; check "import the Excel deals back"
q="SELECT d.ext_id, d.title, a.name, d.amount, d.probability_bp, d.status FROM deals d LEFT JOIN accounts a ON a.id = d.account_id ORDER BY d.ext_id"
expect_eq "deals imported back" "$(sqlite3 "$es" "$q" | paste -sd' ')" "$(sqlite3 "$back" "$q" | paste -sd' ')"
expect_eq "amounts in cents" "D1|1200050 D2|" "$(sqlite3 "$back" "SELECT ext_id, amount FROM deals ORDER BY ext_id" | paste -sd' ')"
"$EMBUDO" --db "$back" export deals --excel >"$TMP/es2.csv"
same_file "and export the same bytes again" "$TMP/want_es.csv" "$TMP/es2.csv"
finish
