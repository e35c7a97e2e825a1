#!/bin/sh
# lint_banned: functions that overflow buffers, hide errors or keep global state
# (strcpy, strcat, sprintf, vsprintf, strtok, gets, atoi, atol, atof) and exit()
# outside main.c never appear in src/.
. "$SRCDIR/tests/integration/lib.sh"
for f in strcpy strcat sprintf vsprintf strtok gets atoi atol atof; do
    hits=$(grep -rnE "(^|[^_a-zA-Z0-9.>])$f[[:space:]]*\(" "$SRCDIR/src" --include='*.c' --include='*.h' | grep -v '^\s*/\?\*' || true)
    [ -z "$hits" ]; check "no $f() in src/"
    [ -z "$hits" ] || echo "$hits" | sed 's/^/#   /'
done
hits=$(grep -rnE "(^|[^_a-zA-Z0-9])(exit|_exit|abort)[[:space:]]*\(" "$SRCDIR/src" --include='*.c' | grep -v "src/main.c" || true)
[ -z "$hits" ]; check "no exit()/abort() outside main.c"
[ -z "$hits" ] || echo "$hits" | sed 's/^/#   /'
finish
