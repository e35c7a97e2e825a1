#!/bin/sh
# import_safety: imports that never damage data (issue 10), each case with a small
# file written here and the exact records stored, or the refusal and an untouched
# database: stage positions, --set against --default, decimal separators decided
# per column, columns guessed only when their values fit, repeated keys, grouped
# errors.
. "$SRCDIR/tests/integration/lib.sh"
db="$TMP/s.db"
q() { sqlite3 "$db" "$1"; }
export EMBUDO_NOW=2026-01-15T12:00:00Z
"$EMBUDO" --db "$db" init --currency EUR --timezone UTC >/dev/null
stages() { q "select name || ':' || position from stages where pipeline_id = 1 order by position" | paste -sd' '; }

# ---- stages -------------------------------------------------------------------
# stage add takes the position given; the stages from there on move down.
expect_status 0 "$EMBUDO" --db "$db" stage add --name Demo --position 3 --probability 30% --kind open
expect_eq "stage add at 3" "Prospecting:1 Qualification:2 Demo:3 Proposal:4 Negotiation:5 Won:6 Lost:7" "$(stages)"
expect_status 0 "$EMBUDO" --db "$db" stage update Demo --position 5
expect_eq "stage moved to 5" "Prospecting:1 Qualification:2 Proposal:3 Negotiation:4 Demo:5 Won:6 Lost:7" "$(stages)"
expect_status 0 "$EMBUDO" --db "$db" stage update Demo --position 1
expect_eq "stage moved to 1" "Demo:1 Prospecting:2 Qualification:3 Proposal:4 Negotiation:5 Won:6 Lost:7" "$(stages)"
expect_status 0 "$EMBUDO" --db "$db" stage delete Demo --yes
expect_status 0 "$EMBUDO" --db "$db" stage update Prospecting --position 1

# A Spanish stage name the pipeline spells otherwise: the fix names the stage.
printf 'id,etapa,importe\nE1,Cualificación,100\nE2,Propuesta,200\n' >"$TMP/es.csv"
expect_status 1 "$EMBUDO" --db "$db" import deals "$TMP/es.csv" --create-missing
grep -qF "row 2, column 'etapa': unknown stage 'Cualificación'; the pipeline's stages are Prospecting, Qualification, Proposal, Negotiation, Won, Lost; read it as one of them with --stage-map 'Cualificación=Qualification'" "$TMP/err"
check "Cualificación: the --stage-map that fixes it"
expect_eq "no deal, no stage created" "0|6" "$(q "select (select count(*) from deals), (select count(*) from stages)")"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/es.csv" --stage-map "Cualificación=Qualification"
expect_eq "stages read through the map" "E1|Qualification|10000;E2|Proposal|20000" \
    "$(q "select d.ext_id, s.name, d.amount from deals d join stages s on s.id = d.stage_id order by d.ext_id" | paste -sd';')"

# ---- columns guessed by a header synonym must hold fitting values ----------------------
# A US State column matches the stage by its header, but holds no stages: it is left out.
printf 'id,amount,State,Importe\nU1,100,California,alto\nU2,200,Texas,bajo\nU3,300,Texas,\n' >"$TMP/us.csv"
expect_status 2 "$EMBUDO" --db "$db" import deals "$TMP/us.csv"
expect_eq "a required field left without its column" "embudo: error: deals need field 'stage'; column 'State' was left out: its header matches field 'stage', but its values ('California', 'Texas') are not stages of the pipeline; name the column that holds it with --map stage=COLUMN or give a value with --default stage=VALUE" "$(cat "$TMP/err")"
expect_eq "no deal, no stage created" "0|6" "$(q "select (select count(*) from deals where ext_id like 'U%'), (select count(*) from stages)")"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/us.csv" --default stage=Proposal --create-missing
grep -qF "left out: State (its header matches field 'stage', but its values ('California', 'Texas') are not stages of the pipeline)" "$TMP/out"
check "the summary says why State was left out"
grep -qF "columns: stage = Proposal (--default), id <- id, amount <- amount" "$TMP/out"; check "the summary's matched columns"
expect_eq "deals in the stage given, amounts from amount" "U1|Proposal|10000;U2|Proposal|20000;U3|Proposal|30000" \
    "$(q "select d.ext_id, s.name, d.amount from deals d join stages s on s.id = d.stage_id where d.ext_id like 'U%' order by d.ext_id" | paste -sd';')"
"$EMBUDO" --db "$db" import deals "$TMP/us.csv" --default stage=Proposal --format json >"$TMP/us.json"
expect_eq "JSON: left_out with reasons" "State: its header matches field 'stage', but its values ('California', 'Texas') are not stages of the pipeline|Importe: no field has this name or header" \
    "$(python3 -c "import json,sys; print('|'.join(c['column'] + ': ' + c['reason'] for c in json.load(open(sys.argv[1]))['left_out']))" "$TMP/us.json")"
# A synonym of a typed field whose values do not parse: left out too.
printf 'id,stage,Importe\nV1,Proposal,alto\nV2,Proposal,bajo\n' >"$TMP/v.csv"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/v.csv"
grep -qF "left out: Importe (its header matches field 'amount', but its values ('alto', 'bajo') are not money)" "$TMP/out"
check "a money synonym with words in it is left out"
expect_eq "no amounts" "V1|;V2|" "$(q "select ext_id, ifnull(amount, '') from deals where ext_id like 'V%' order by ext_id" | paste -sd';')"

# ---- --set and --default ------------------------------------------------------------
printf 'id,stage,source,created\nS1,Proposal,web,2025-03-01\nS2,Proposal,,\n' >"$TMP/set.csv"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/set.csv" --set source=fair --default created=2025-01-31
grep -qF "source = fair (--set)" "$TMP/out"; check "summary: source given by --set"
grep -qF "created <- created (empty cells: 2025-01-31)" "$TMP/out"; check "summary: created filled by --default"
expect_eq "--set overrides every row, --default fills the blank cell" "S1|fair|1740787200;S2|fair|1738281600" \
    "$(q "select ext_id, source, created from deals where ext_id like 'S%' order by ext_id" | paste -sd';')"
expect_status 2 "$EMBUDO" --db "$db" import deals "$TMP/set.csv" --map source=source --set source=fair
grep -qF -- "--set source=fair and --map source=source both give field 'source'" "$TMP/err"; check "--set with --map of the same field refused"

# ---- repeated keys -------------------------------------------------------------------
printf 'id,name,industry\nC1,Acme,Retail\nC2,Beta,Tech\nC1,Acme,Retail\nC1,Acme,Energy\n' >"$TMP/k.csv"
expect_status 1 "$EMBUDO" --db "$db" import accounts "$TMP/k.csv"
expect_eq "a key repeated with another value names both rows" "embudo: error: row 5, column 'industry': value 'Energy': the row's key repeats row 4 with another value ('Retail' there); keep one row per key, or let the later row win with --last-wins" "$(head -1 "$TMP/err")"
expect_eq "nothing written" "0" "$(q "select count(*) from accounts")"
expect_status 0 "$EMBUDO" --db "$db" import accounts "$TMP/k.csv" --last-wins
grep -qF "created 2, updated 0, repeated 2, rejected 0" "$TMP/out"; check "--last-wins: the repeats merge"
expect_eq "--last-wins: the later row's value" "C1|Acme|Energy;C2|Beta|Tech" "$(q "select ext_id, name, industry from accounts order by ext_id" | paste -sd';')"
# Keyed by name: the same rule.
printf 'name,industry\nZed,Retail\nzed,Tech\n' >"$TMP/k2.csv"
expect_status 1 "$EMBUDO" --db "$db" import accounts "$TMP/k2.csv"
grep -qF "row 3, column 'industry': value 'Tech': the row's key repeats row 2 with another value ('Retail' there)" "$TMP/err"; check "a name repeated with another value"
# A row with nothing that identifies it is refused, not merged.
printf 'account,date,currency\nAcme,2024-01-01,EUR\n,,EUR\n' >"$TMP/o.csv"
expect_status 1 "$EMBUDO" --db "$db" import orders "$TMP/o.csv"
grep -qF "row 3: the row has no value in any of the fields that identify it (account, date), so it would be merged with others" "$TMP/err"; check "a row without a usable key is refused"
expect_eq "no order written" "0" "$(q "select count(*) from orders")"

# ---- errors grouped by rule ---------------------------------------------------------
( echo "mql_id,first_contact_date,origin"; i=1; while [ $i -le 40 ]; do echo "m$i,2018-01-02,web"; i=$((i + 1)); done ) >"$TMP/leads.csv"
expect_status 1 "$EMBUDO" --db "$db" import leads "$TMP/leads.csv"
expect_eq "40 rows failing one rule: one message with the count, the rows and the fix" "embudo: error: 40 rows (rows 2, 3, 4, 5, 6 ...): lead breaks a rule of the database: NOT NULL constraint failed: leads.name; hint: name the column that holds name with --map name=COLUMN (columns not used: 'mql_id'), or give one value with --default name=VALUE
embudo: error: 40 of 40 rows are invalid, so nothing was imported; fix them, or import the valid rows and write the others to a file with --skip-invalid FILE" "$(cat "$TMP/err")"
expect_status 0 "$EMBUDO" --db "$db" import leads "$TMP/leads.csv" --map name=mql_id
expect_eq "the fix works" "40|m1" "$(q "select count(*), min(name) from leads")"
printf 'id,stage,amount\nG1,Proposal,"1,5"\nG2,Proposal,12x\nG3,Proposal,"2,5"\nG4,Proposal,"1.234,5"\n' >"$TMP/g.csv"
expect_status 1 "$EMBUDO" --db "$db" import deals "$TMP/g.csv" --decimal point
grep -qF "2 rows (rows 2, 4), column 'amount': \"1,5\" is not a number (thousands separators must group three digits): write it like 1234.56 or 1,234.56; other values: '2,5'; hint: if the file writes numbers another way, choose the decimal separator with --decimal point or --decimal comma" "$TMP/err"
check "number errors grouped with the --decimal hint"
grep -qF "row 3, column 'amount': \"12x\" is not a number" "$TMP/err"; check "another rule, another message"

# ---- decimal separators, per column -------------------------------------------------
amounts() { q "select ext_id || '=' || ifnull(amount, '') from deals where ext_id like '$1%' order by ext_id" | paste -sd' '; }
# The issue's column: two values only read with a decimal comma decide it.
printf 'id,stage,importe\nN1,Proposal,"12.500,00 €"\nN2,Proposal,"3.200,50 €"\nN3,Proposal,8.000 €\nN4,Proposal,1.500\n' >"$TMP/n.csv"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/n.csv"
expect_eq "12.500,00 € 3.200,50 € 8.000 € 1.500" "N1=1250000 N2=320050 N3=800000 N4=150000" "$(amounts N)"
# The same values with the ambiguous ones first: decided over the whole column.
printf 'id,stage,importe\nM1,Proposal,1.500\nM2,Proposal,8.000 €\nM3,Proposal,"12.500,00 €"\n' >"$TMP/m.csv"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/m.csv"
expect_eq "1.500 8.000 € 12.500,00 €" "M1=150000 M2=800000 M3=1250000" "$(amounts M)"
# Only values that read two ways, in an English organisation: refused, nothing written.
printf 'id,stage,importe\nA1,Proposal,1.500\nA2,Proposal,2.300\nA3,Proposal,\n' >"$TMP/a.csv"
expect_status 1 "$EMBUDO" --db "$db" import deals "$TMP/a.csv"
expect_eq "the refusal quotes the values and the option" "embudo: error: column 'importe': \"1.500\", \"2.300\" can be read two ways: \"1.500\" is 1.5 with a decimal point and 1500 with a decimal comma; nothing was imported: choose the decimal separator with --decimal point (1,234.56) or --decimal comma (1.234,56)" "$(cat "$TMP/err")"
expect_eq "nothing written" "" "$(amounts A)"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/a.csv" --decimal point
expect_eq "--decimal point" "A1=150 A2=230 A3=" "$(amounts A)"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/a.csv" --decimal comma
expect_eq "--decimal comma" "A1=150000 A2=230000 A3=" "$(amounts A)"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/a.csv" --decimal dot
expect_eq "--decimal dot (alias of point)" "A1=150 A2=230 A3=" "$(amounts A)"
# A value with the other separator after the column was decided: its row is named.
printf 'id,stage,importe\nB1,Proposal,"1234,5"\nB2,Proposal,99.5\n' >"$TMP/b.csv"
expect_status 1 "$EMBUDO" --db "$db" import deals "$TMP/b.csv"
grep -qF "row 3, column 'importe': \"99.5\" has a decimal point, but row 2 (\"1234,5\") gave the column a decimal comma; write the column's numbers one way, or choose with --decimal point or --decimal comma" "$TMP/err"
check "a mixed column names both rows"
# A Spanish organisation reads 1.500 as thousands, and so do the record commands.
es="$TMP/es_org.db"
"$EMBUDO" --db "$es" init --currency EUR --timezone UTC --locale es >/dev/null
sed 's/Proposal/Propuesta/' "$TMP/a.csv" >"$TMP/a_es.csv"
expect_status 0 "$EMBUDO" --db "$es" import deals "$TMP/a_es.csv"
expect_eq "es: 1.500 and 2.300" "150000|230000" "$(sqlite3 "$es" "select amount from deals where amount is not null order by ext_id" | paste -sd'|')"
expect_status 0 "$EMBUDO" --db "$es" goal add --metric revenue_won --period 2025 --target 120.000
grep -q "120.000,00$" "$TMP/out"; check "es: the echo shows 120.000 as the Spanish 120.000,00 (one hundred twenty thousand)"
expect_eq "es: the target stored is 120000.00" "12000000" "$(sqlite3 "$es" "select target from goals")"
expect_eq "es: goal target 120.000 = 120,000.00" "12000000" "$(sqlite3 "$es" "select target from goals")"
expect_status 0 "$EMBUDO" --db "$es" deal add --title T --stage Propuesta --amount 1,5
expect_eq "es: --amount 1,5" "150" "$(sqlite3 "$es" "select amount from deals where title = 'T'")"
expect_status 0 "$EMBUDO" --db "$db" goal add --metric revenue_won --period 2025 --target 120,000
expect_eq "en: --target 120,000" "12000000" "$(q "select target from goals")"
expect_status 0 "$EMBUDO" --db "$db" goal add --metric revenue_won --period 2026 --target 120.000
expect_eq "en: --target 120.000" "12000" "$(q "select target from goals where period = '2026'")"
finish
