#!/bin/sh
# i18n: the Spanish catalogue is complete, and the real binary speaks the language
# chosen by --lang, then the organisation's locale, then LC_ALL/LC_MESSAGES/LANG.
. "$SRCDIR/tests/integration/lib.sh"

# Every message marked in the sources (_(), N_() and NC_()) has a Spanish translation that
# is neither empty nor fuzzy, and the catalogue compiles with its formats checked.
# To fix a failure: ninja -C BUILD embudo-update-po, then translate po/es.po.
find "$SRCDIR/src" -name '*.c' | sort >"$TMP/files"
xgettext --keyword=_ --keyword=N_ --keyword=NC_:1c,2 --from-code=UTF-8 -o "$TMP/embudo.pot" -f "$TMP/files" 2>"$TMP/xg"
check "xgettext extracts the messages of src/"
if msgcmp "$SRCDIR/po/es.po" "$TMP/embudo.pot" 2>"$TMP/cmp"; then ok "po/es.po translates every message"
else not_ok "po/es.po misses translations:"; sed 's/^/#   /' "$TMP/cmp" | head -20; fi
msgfmt --check --statistics -o /dev/null "$SRCDIR/po/es.po" 2>"$TMP/fmt"
check "po/es.po compiles with its printf formats checked"
grep -q "untranslated\|fuzzy" "$TMP/fmt"; [ $? -ne 0 ]; check "po/es.po has no fuzzy or untranslated entry"

# --lang, before any database is open.
expect_stderr_contains "embudo: orden desconocida 'frob'" "$EMBUDO" --lang es frob
expect_stderr_contains "embudo: unknown command 'frob'" "$EMBUDO" --lang en frob
expect_status 2 "$EMBUDO" --lang fr frob
expect_stderr_contains "idioma desconocido 'fr'; use en o es" "$EMBUDO" --lang=es --lang fr frob
expect_output_contains "uso: embudo [--db RUTA] [--lang en|es] ORDEN" "$EMBUDO" --lang es --help
expect_output_contains "crear una base de datos o cambiar la configuración de la organización" "$EMBUDO" --lang=es --help
expect_stderr_contains "embudo demo: --years 'x' debe ser un número entero de 1 a 10" "$EMBUDO" --lang es demo --years x
# ... and after the command (a common option).
expect_output_contains "uso: embudo backup FICHERO [--force]" "$EMBUDO" backup --lang es --help

# The record commands: help, usage errors and --where errors.
expect_output_contains "uso: embudo deal add --CAMPO VALOR ..." "$EMBUDO" --lang es deal --help
expect_output_contains "añadir, listar, ver, cambiar o borrar oportunidades" "$EMBUDO" --lang es --help
expect_stderr_contains "embudo deal: opción desconocida '--bogus' para list" "$EMBUDO" --lang es deal list --bogus x

# The environment, when nothing else says: LC_ALL before LC_MESSAGES before LANG.
expect_stderr_contains "orden desconocida" env LC_ALL= LC_MESSAGES= LANG=es_ES.UTF-8 "$EMBUDO" frob
expect_stderr_contains "unknown command" env LC_ALL=en_US.UTF-8 LANG=es_ES.UTF-8 "$EMBUDO" frob
expect_stderr_contains "orden desconocida" env LC_ALL= LC_MESSAGES=es_MX LANG=en_US.UTF-8 "$EMBUDO" frob

# init --locale es says what it set and names the stages in Spanish.
db="$TMP/es.db"
"$EMBUDO" --db "$db" init --name Acme --locale es --currency EUR --timezone Europe/Madrid --owner ana@x.com \
    --owner-name "Ana Ruiz" >"$TMP/out" 2>&1
check "init --locale es"
schema=$(sqlite3 "$db" "pragma user_version") # the number of the last migration
expect_eq "init says what it set (lines joined by |)" \
"creada $db: Acme, moneda EUR, zona horaria Europe/Madrid, configuración regional es (mensajes en español), año fiscal desde el mes 1, versión del esquema $schema|las etapas del embudo por omisión tienen ahora sus nombres en español (6 renombradas)|propietario: Ana Ruiz <ana@x.com>, un usuario admin y el autor de los cambios hechos sin --as; cámbielo con \`embudo user update #1 --name NOMBRE --email EMAIL\`|" "$(tr '\n' '|' <"$TMP/out")"
expect_eq "Spanish stage names in pipeline order" "Prospección|Calificación|Propuesta|Negociación|Ganado|Perdido" \
    "$(sqlite3 "$db" "select group_concat(name, '|') from (select name from stages order by position)")"
expect_eq "organisation locale" "es" "$(sqlite3 "$db" "select locale from organisation")"
# The organisation's locale beats LANG; --lang beats both.
expect_stderr_contains "'$db' es la propia base de datos; indique otro fichero" env LANG=en_US.UTF-8 "$EMBUDO" --db "$db" backup "$db"
expect_stderr_contains "'$TMP' es un directorio; indique un fichero" "$EMBUDO" --db "$db" backup "$TMP"
"$EMBUDO" --db "$db" backup "$TMP/copy.db" 2>"$TMP/err"
grep -q "^copia de $db hecha en $TMP/copy.db (" "$TMP/err"; check "a command on a Spanish organisation speaks Spanish"
"$EMBUDO" --db "$db" --lang en backup "$TMP/copy2.db" 2>"$TMP/err"
grep -q "^backed up $db to $TMP/copy2.db (" "$TMP/err"; check "--lang en beats the organisation's locale"
expect_stderr_contains "--where 'amount' no es CAMPO=VALOR" "$EMBUDO" --db "$db" deal list --where amount
expect_stderr_contains "--limit 'x' debe ser un número entero (0: todos)" "$EMBUDO" --db "$db" deal list --limit x
# Switching back to English keeps the stage names people now use.
expect_output_contains "locale en (messages in English)" "$EMBUDO" --db "$db" init --locale en
expect_eq "stage names kept" "Prospección" "$(sqlite3 "$db" "select name from stages where position = 1")"

# A new database takes the language in use; English stays English.
"$EMBUDO" --db "$TMP/env.db" init >/dev/null 2>&1 </dev/null
expect_eq "default locale without LANG=es" "en|Prospecting" \
    "$(sqlite3 "$TMP/env.db" "select locale, (select name from stages where position = 1) from organisation")"
env LC_ALL= LC_MESSAGES= LANG=es_ES.UTF-8 "$EMBUDO" --db "$TMP/env_es.db" init >"$TMP/out" 2>&1
grep -q "^creada .*configuración regional es (mensajes en español)" "$TMP/out"; check "LANG=es creates a Spanish organisation"

# The demo of a Spanish organisation.
"$EMBUDO" --db "$TMP/demo.db" demo --deals 60 --locale es >"$TMP/out" 2>"$TMP/err"
check "demo --locale es"
grep -q "^creada $TMP/demo.db: Solano Tecnología S.L." "$TMP/out"; check "the demo summary is in Spanish"
expect_eq "demo stage names" "Prospección|Calificación|Propuesta|Negociación|Ganado|Perdido" \
    "$(sqlite3 "$TMP/demo.db" "select group_concat(name, '|') from (select name from stages order by position)")"
expect_eq "demo deals in Spanish stages" "0" \
    "$(sqlite3 "$TMP/demo.db" "select count(*) from deals d join stages s on s.id = d.stage_id where s.name not in ('Prospección','Calificación','Propuesta','Negociación','Ganado','Perdido')")"
expect_stderr_contains "--locale 'fr' debe ser en o es" "$EMBUDO" --lang es --db "$TMP/x.db" demo --locale fr
finish
