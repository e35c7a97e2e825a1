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

# ---- --set and --default ------------------------------------------------------------
printf 'id,stage,source,created\nS1,Proposal,web,2025-03-01\nS2,Proposal,,\n' >"$TMP/set.csv"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/set.csv" --set source=fair --default created=2025-01-31
grep -qF "source = fair (--set)" "$TMP/out"; check "summary: source given by --set"
grep -qF "created <- created (empty cells: 2025-01-31)" "$TMP/out"; check "summary: created filled by --default"
expect_eq "--set overrides every row, --default fills the blank cell" "S1|fair|1740787200;S2|fair|1738281600" \
    "$(q "select ext_id, source, created from deals where ext_id like 'S%' order by ext_id" | paste -sd';')"
expect_status 2 "$EMBUDO" --db "$db" import deals "$TMP/set.csv" --map source=source --set source=fair
grep -qF -- "--set source=fair and --map source=source both give field 'source'" "$TMP/err"; check "--set with --map of the same field refused"
finish
