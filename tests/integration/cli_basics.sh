#!/bin/sh
# cli_basics: init, help, exit statuses and bad database files, via the real binary.
. "$SRCDIR/tests/integration/lib.sh"

db="$TMP/a.db"
expect_status 0 "$EMBUDO" --db "$db" init --name "Acme" --currency USD --timezone Europe/Madrid
expect_output_contains "updated" "$EMBUDO" --db "$db" init
expect_status 0 "$EMBUDO" --help
expect_status 2 "$EMBUDO" frobnicate
expect_stderr_contains "unknown command 'frobnicate'" "$EMBUDO" frobnicate
expect_status 2 "$EMBUDO" init --currency euros
expect_status 2 "$EMBUDO" init --timezone Mars/Olympus
expect_status 2 "$EMBUDO" --db "$db" init --week-start 8
expect_status 2 "$EMBUDO" --db "$db" init --fiscal-year-start 3x
expect_status 0 "$EMBUDO" --db "$db" init --fiscal-year-start 4 --week-start 7
expect_eq "fiscal year and week start set" "4|7" "$(sqlite3 "$db" "select fiscal_year_start, week_start from organisation")"
expect_status 0 "$EMBUDO" init --help
printf 'garbage%.0s' $(seq 1 300) > "$TMP/bad.db"
expect_status 1 "$EMBUDO" --db "$TMP/bad.db" init
expect_stderr_contains "not an embudo database" "$EMBUDO" --db "$TMP/bad.db" init
# A failed create leaves no file behind; a directory is refused.
mkdir "$TMP/dir.db"
expect_status 1 "$EMBUDO" --db "$TMP/dir.db" init
expect_status 0 env EMBUDO_DB="$TMP/env.db" "$EMBUDO" init
[ -f "$TMP/env.db" ]; check "EMBUDO_DB names the database"
# A refused option is named once, by embudo (getopt's own message is off).
for c in init kpi leaderboard dashboard import export backup demo; do
    expect_status 2 "$EMBUDO" --db "$db" $c --no-such-option
    [ "$(grep -c "no-such-option" "$TMP/err")" = 1 ] && grep -q "option '--no-such-option' is unknown" "$TMP/err"
    check "$c names the unknown option once"
done
finish
