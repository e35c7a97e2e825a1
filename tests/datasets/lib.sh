# tests/datasets/lib.sh - helpers of tests/integration/datasets_*.sh, sourced after
# tests/integration/lib.sh (which gives ok/not_ok/check/expect_status and $TMP).
#
# A dataset test: ds_require DIR; ds_expected NAME (re-derives the expected figures
# from the raw CSVs, checks them against the committed file and the sqlite3
# cross-check); ds_import NAME DB (runs the documented commands of NAME.commands
# in the dataset's folder); ds_compare NAME DB (the database's figures against the
# expected ones); ds_snapshot DB FILE (all data, for the re-import check).
DS_DIR="$SRCDIR/tests/datasets"
TAB=$(printf '\t')

# ds_require SUBDIR: the dataset is part of the repository (data/); a missing one
# fails the whole test.
ds_require() {
    if [ ! -d "${DATASETS:-}/$1" ]; then
        echo "not ok 1 - dataset '$1' not found under DATASETS='${DATASETS:-}' (it belongs in data/)"
        echo "1..1"
        exit 1
    fi
}

# ds_tap PREFIX FILE: numbers compare.py's "ok ..." / "not ok ..." lines as TAP.
ds_tap() {
    while IFS= read -r line; do
        case $line in
        "ok "*) ok "$1${line#ok }" ;;
        "not ok "*) not_ok "$1${line#not ok }" ;;
        *) echo "$line" ;;
        esac
    done <"$2"
}

# ds_expected NAME: the expected figures of NAME into $TMP/NAME.expected.
ds_expected() {
    python3 "$DS_DIR/expected.py" "$1" "$DATASETS" --annotate >"$TMP/$1.expected"
    check "expected.py $1 derives the figures from the raw CSV files"
    if diff -u "$DS_DIR/expected/$1.tsv" "$TMP/$1.expected" >"$TMP/diff"; then
        ok "tests/datasets/expected/$1.tsv is what expected.py derives"
    else
        not_ok "tests/datasets/expected/$1.tsv differs from what expected.py derives"
        head -20 "$TMP/diff" | sed 's/^/#   /'
    fi
    if "$DS_DIR/crosscheck.sh" "$1" "$DATASETS" >"$TMP/$1.cross" 2>"$TMP/err"; then
        python3 "$DS_DIR/compare.py" "$TMP/$1.cross" "$TMP/$1.expected" --subset >"$TMP/cmp"
        ds_tap "cross-check (sqlite3 over the raw CSVs) agrees with expected.py: " "$TMP/cmp"
    else
        not_ok "crosscheck.sh $1 failed"
        sed 's/^/#   /' "$TMP/err" | head -5
    fi
}

# ds_commands NAME: the documented commands of NAME, one per line, comments and
# blank lines left out.
ds_commands() { grep -v -e '^#' -e '^[[:space:]]*$' "$DS_DIR/$1.commands"; }

# ds_import NAME DB [SED]: runs every command of NAME.commands from the dataset's
# folder with EMBUDO_DB=DB, each as one TAP check (exit 0). SED, when given, is a
# sed expression applied to each command first (to swap a file).
ds_import() {
    folder=$(sed -n 's/^# folder: *//p' "$DS_DIR/$1.commands")
    ds_commands "$1" | sed -e "${3:-}" >"$TMP/$1.cmds"
    (
        cd "$DATASETS/$folder" || exit 1
        export EMBUDO_DB="$2"
        embudo() { "$EMBUDO" "$@"; }
        while IFS= read -r cmd; do
            if eval "$cmd" >"$TMP/out" 2>"$TMP/err"; then
                echo "ok - $cmd"
                head -1 "$TMP/out" | sed 's/^/#   /'
            else
                echo "not ok - $cmd"
                head -5 "$TMP/err" | sed 's/^/#   /'
            fi
        done <"$TMP/$1.cmds"
    ) >"$TMP/import.log"
    while IFS= read -r line; do
        case $line in
        "ok - "*) ok "${line#ok - }" ;;
        "not ok - "*) not_ok "${line#not ok - }" ;;
        *) echo "$line" ;;
        esac
    done <"$TMP/import.log"
}

# ds_compare NAME DB [PREFIX]: the figures of DB (NAME.sql) against the expected ones.
ds_compare() {
    if sqlite3 -bail -separator "$TAB" "$2" <"$DS_DIR/$1.sql" >"$TMP/actual" 2>"$TMP/err"; then
        python3 "$DS_DIR/compare.py" "$TMP/$1.expected" "$TMP/actual" >"$TMP/cmp"
        ds_tap "${3:-}" "$TMP/cmp"
    else
        not_ok "${3:-}queries of $1.sql run"
        sed 's/^/#   /' "$TMP/err" | head -5
    fi
}

# ds_snapshot DB FILE: every row of DB but the audit log, the import log, the change
# log (every write transaction adds to it) and the
# organisation row (whose generation counter every write bumps), as SQL text.
ds_snapshot() {
    sqlite3 "$1" .dump | grep -v -e '^INSERT INTO audit_log' -e '^INSERT INTO organisation' \
        -e '^INSERT INTO imports' -e '^INSERT INTO import_created' -e '^INSERT INTO import_changed' \
        -e '^INSERT INTO change_log' >"$2"
}

# ds_documented NAME: every command of NAME.commands appears, as written, in the
# English and the Spanish import guide.
ds_documented() {
    for doc in docs/import.md docs/importar.md; do
        if [ ! -f "$SRCDIR/$doc" ]; then not_ok "$doc exists"; continue; fi
        missing=0
        while IFS= read -r cmd; do
            grep -qxF -- "$cmd" "$SRCDIR/$doc" || { missing=$((missing + 1)); echo "#   not in $doc: $cmd"; }
        done <<EOF2
$(ds_commands "$1")
EOF2
        [ "$missing" -eq 0 ]; check "$doc gives the $1 commands exactly as tested"
    done
}

# kpi_check NAME DIM CHECK...: runs `embudo --db "$db" kpi $KPI --format csv` and
# compares it with tests/datasets/expected/$DS.tsv through kpi_check.py (one TAP line).
kpi_check() {
    name=$1; shift
    # shellcheck disable=SC2086
    "$EMBUDO" --db "$db" kpi $KPI --format csv >"$TMP/$name.csv" 2>"$TMP/$name.err" || { not_ok "embudo kpi $KPI"; return; }
    if python3 "$SRCDIR/tests/datasets/kpi_check.py" "$SRCDIR/tests/datasets/expected/$DS.tsv" "$TMP/$name.csv" "$@" \
        >"$TMP/$name.tap"; then ok "$(tail -1 "$TMP/$name.tap" | sed 's/^ok [0-9]* - //')"
    else not_ok "kpi $name differs from the raw files"; grep '^not ok' "$TMP/$name.tap" | head -5 | sed 's/^/#   /'; fi
}
