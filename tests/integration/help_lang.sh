#!/bin/sh
# help_lang: `embudo --help` and `embudo COMMAND --help` without --lang speak the
# language of the organisation of the database given by --db (before or after
# --help), EMBUDO_DB or the default ./embudo.db, else of LANG; they never create a
# database and never fail because there is none.
. "$SRCDIR/tests/integration/lib.sh"
unset EMBUDO_DB EMBUDO_USER
E="$EMBUDO"
$E --db "$TMP/es.db" init --currency EUR --timezone Europe/Madrid --locale es >/dev/null
$E --db "$TMP/en.db" init --currency USD --timezone America/New_York --locale en >/dev/null
check "fixture created"
ES="uso: embudo [--db RUTA] [--lang en|es] ORDEN [ARGUMENTOS...]"
EN="usage: embudo [--db PATH] [--lang en|es] COMMAND [ARGS...]"
first() { "$@" 2>&1 | sed -n 1p; }

# The organisation's locale, wherever the database is named.
expect_eq "--db before --help" "$ES" "$(first $E --db "$TMP/es.db" --help)"
expect_eq "--db after --help" "$ES" "$(first $E --help --db "$TMP/es.db")"
expect_eq "--db=PATH" "$ES" "$(first $E --help --db="$TMP/es.db")"
expect_eq "EMBUDO_DB" "$ES" "$(EMBUDO_DB="$TMP/es.db" first $E --help)"
mkdir "$TMP/here" && cp "$TMP/es.db" "$TMP/here/embudo.db"
expect_eq "the default ./embudo.db" "$ES" "$(cd "$TMP/here" && first $E --help)"
expect_eq "no command: the list, on stderr, in Spanish" "$ES" "$(first $E --db "$TMP/es.db")"
expect_eq "a command's help, --db after the command" "uso: embudo deal add --CAMPO VALOR ..." \
    "$(first $E deal list --db "$TMP/es.db" --help)"
expect_eq "a command's help, --db after --help" "uso: embudo deal add --CAMPO VALOR ..." \
    "$(first $E deal list --help --db "$TMP/es.db")"
expect_eq "kpi --help --db=PATH" "uso: embudo kpi NOMBRE[,NOMBRE...] [--period P | --from FECHA --to FECHA] [--by DIM[,DIM]]" \
    "$(first $E kpi --help --db="$TMP/es.db")"
expect_eq "a command's help, EMBUDO_DB" "uso: embudo import TIPO FICHERO [opciones]" \
    "$(EMBUDO_DB="$TMP/es.db" first $E import --help)"
expect_eq "the command's --db wins over EMBUDO_DB" "usage: embudo import KIND FILE [options]" \
    "$(EMBUDO_DB="$TMP/es.db" first $E import --help --db "$TMP/en.db")"
# --lang wins; the organisation wins over LANG.
expect_eq "--lang en over a Spanish organisation" "$EN" "$(first $E --lang en --help --db "$TMP/es.db")"
expect_eq "an English organisation over LANG=es_ES" "$EN" "$(LANG=es_ES.UTF-8 first $E --help --db "$TMP/en.db")"
expect_eq "an English organisation over LANG=es_ES, a command" "usage: embudo import KIND FILE [options]" \
    "$(LANG=es_ES.UTF-8 first $E import --help --db "$TMP/en.db")"

# No database: LANG decides, status 0, nothing created.
expect_status 0 $E --help --db "$TMP/none.db"
[ ! -e "$TMP/none.db" ]; check "--help created no database"
expect_eq "no database: English (LANG=C.UTF-8)" "$EN" "$(first $E --help --db "$TMP/none.db")"
expect_eq "no database: LANG=es_ES" "$ES" "$(LANG=es_ES.UTF-8 first $E --help --db "$TMP/none.db")"
expect_status 0 $E deal --help --db "$TMP/none.db"
expect_status 0 $E kpi --help --db "$TMP/none.db"
[ ! -e "$TMP/none.db" ]; check "COMMAND --help created no database"
mkdir "$TMP/empty"
expect_eq "no ./embudo.db: English" "$EN" "$(cd "$TMP/empty" && first $E --help)"
[ -z "$(ls -A "$TMP/empty")" ]; check "--help left the directory empty"
expect_status 0 $E --help --db "$TMP/no/such/dir/x.db"
# A file that is not an embudo database is left alone.
printf 'not a database\n' >"$TMP/text.db"
expect_eq "a file that is not a database: English" "$EN" "$(first $E --help --db "$TMP/text.db")"
expect_eq "that file is unchanged" "not a database" "$(cat "$TMP/text.db")"
: >"$TMP/zero.db"
expect_status 0 $E deal --help --db "$TMP/zero.db"
[ ! -s "$TMP/zero.db" ]; check "an empty file stays empty"
finish
