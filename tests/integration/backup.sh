#!/bin/sh
# backup: `embudo backup FILE` gives a consistent, complete copy even while another
# process keeps adding deals, refuses to overwrite, and leaves nothing behind when the
# destination cannot be written.
. "$SRCDIR/tests/integration/lib.sh"

db="$TMP/crm.db"
E() { "$EMBUDO" --db "$db" "$@"; }
export EMBUDO_NOW=2026-03-01T10:00:00Z
E init >/dev/null
E deal add --id D0 --title "Primero" --stage Proposal --amount 1.000,50 >/dev/null

expect_status 0 E backup "$TMP/b1.db"
expect_eq "backup is a sound database" "ok" "$(sqlite3 "$TMP/b1.db" 'PRAGMA integrity_check')"
expect_eq "backup holds the deal" "D0|100050" "$(sqlite3 "$TMP/b1.db" 'SELECT ext_id, amount FROM deals')"
expect_eq "backup opens with embudo" "D0" "$("$EMBUDO" --db "$TMP/b1.db" deal list --format csv | tail -n +2 | cut -d, -f1)"
[ ! -e "$TMP/b1.db.partial" ]; check "no partial file left"
expect_status 2 E backup "$TMP/b1.db"
expect_stderr_contains "exists; add --force" E backup "$TMP/b1.db"
expect_status 0 E backup "$TMP/b1.db" --force
expect_status 2 E backup "$db"
expect_status 2 E backup
expect_status 1 "$EMBUDO" --db "$TMP/missing.db" backup "$TMP/b2.db"
[ ! -e "$TMP/b2.db" ]; check "no backup of a missing database"

# Unwritable destinations fail with a message and leave no file.
expect_status 1 E backup "$TMP/no/such/dir/b.db"
expect_stderr_contains "cannot create backup" E backup "$TMP/no/such/dir/b.db"
touch "$TMP/plainfile"
expect_status 1 E backup "$TMP/plainfile/b.db"
[ -z "$(ls "$TMP/no" "$TMP/plainfile/b.db"* 2>/dev/null)" ]; check "no partial files"
if [ "$(id -u)" -ne 0 ]; then
    mkdir "$TMP/ro" && chmod a-w "$TMP/ro"
    expect_status 1 E backup "$TMP/ro/b.db"
    [ -z "$(ls -A "$TMP/ro")" ]; check "nothing written in a read-only directory"
fi

# A writer adds deals in the background while backups are taken.
(
    i=1
    while [ ! -e "$TMP/stop" ] && [ $i -le 400 ]; do
        E deal add --id "W$i" --title "Escritura $i" --stage Prospecting --amount "$i,25" >/dev/null 2>>"$TMP/writer.err" || echo "fail $i" >>"$TMP/writer.err"
        i=$((i + 1))
    done
    echo $((i - 1)) >"$TMP/written"
) &
writer=$!
ok_count=0
# Backup n starts once the writer has added 3n deals (a bounded wait, not a sleep
# that must outrun the writer), so each copy is taken in the middle of the writes.
written_now() { sqlite3 -cmd '.timeout 5000' "$db" "SELECT count(*) FROM deals WHERE ext_id LIKE 'W%'" 2>/dev/null || echo 0; }
for n in 1 2 3 4 5; do
    i=0
    while [ "$(written_now)" -lt $((n * 3)) ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    if E backup "$TMP/live$n.db" 2>>"$TMP/backup.err" &&
        [ "$(sqlite3 "$TMP/live$n.db" 'PRAGMA integrity_check')" = ok ]; then
        ok_count=$((ok_count + 1))
    fi
done
touch "$TMP/stop"
wait $writer
expect_eq "backups during writes are complete and sound" 5 "$ok_count"
[ ! -s "$TMP/writer.err" ]; check "the writer was never blocked into failing"
# Each copy is one snapshot: its deals are W1..Wk with no gap, and each deal has its history.
for n in 1 5; do
    got=$(sqlite3 "$TMP/live$n.db" "SELECT count(*) = 1 + coalesce(max(CAST(substr(ext_id, 2) AS INTEGER)), 0)
        FROM deals WHERE ext_id LIKE 'W%' OR ext_id = 'D0'")
    expect_eq "backup $n is a consistent snapshot" 1 "$got"
    expect_eq "backup $n has a history row per deal" \
        "$(sqlite3 "$TMP/live$n.db" 'SELECT count(*) FROM deals')" \
        "$(sqlite3 "$TMP/live$n.db" 'SELECT count(DISTINCT deal_id) FROM deal_history')"
done
last=$(sqlite3 "$TMP/live5.db" "SELECT count(*) FROM deals")
[ "$last" -gt 1 ]; check "backups saw the writer's deals ($last)"
expect_eq "every written deal is in the database" "$(( $(cat "$TMP/written") + 1 ))" \
    "$(sqlite3 "$db" 'SELECT count(*) FROM deals')"
finish
