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
expect_status 0 "$EMBUDO" init --help
printf 'garbage%.0s' $(seq 1 300) > "$TMP/bad.db"
expect_status 1 "$EMBUDO" --db "$TMP/bad.db" init
expect_stderr_contains "not an embudo database" "$EMBUDO" --db "$TMP/bad.db" init
# A failed create leaves no file behind; a directory is refused.
mkdir "$TMP/dir.db"
expect_status 1 "$EMBUDO" --db "$TMP/dir.db" init
expect_status 0 env EMBUDO_DB="$TMP/env.db" "$EMBUDO" init
[ -f "$TMP/env.db" ]; check "EMBUDO_DB names the database"
finish
