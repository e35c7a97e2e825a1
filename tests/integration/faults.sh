#!/bin/sh
# faults: the store and its files under hostile conditions. Only init (and demo)
# create a database; an empty file is refused; writers wait for another process's
# lock like readers do; export -o never replaces a symlink, device or FIFO; stale
# temporary files of killed runs are removed, live ones kept; a damaged or
# non-regular snapshot file never changes a KPI.
. "$SRCDIR/tests/integration/lib.sh"

db="$TMP/crm.db"
E() { "$EMBUDO" --db "$db" "$@"; }
export EMBUDO_NOW=2026-03-01T10:00:00Z

# ---- only init creates a database --------------------------------------------------
printf 'id,title,stage,amount,created\nD1,Uno,Proposal,100.00,2026-01-05\n' >"$TMP/d.csv"
expect_status 1 E import deals "$TMP/d.csv"
expect_stderr_contains "database '$db' does not exist; create it first with \`embudo --db $db init --currency CODE --timezone ZONE\`" \
    E import deals "$TMP/d.csv"
[ ! -e "$db" ]; check "an import into a new path creates no database"
expect_status 1 E user add --name Ana --email ana@x.com
[ ! -e "$db" ]; check "a record add into a new path creates no database"

: >"$db"
expect_status 1 E import deals "$TMP/d.csv"
expect_stderr_contains "'$db' is an empty file, not an embudo database; nothing was written" E import deals "$TMP/d.csv"
expect_stderr_contains "is an empty file, not an embudo database" E user add --name Ana --email ana@x.com
expect_stderr_contains "is an empty file, not an embudo database" E kpi deals_won
expect_eq "the empty file stays empty" "0" "$(wc -c <"$db" | tr -d ' ')"
expect_output_contains "created $db: My company, currency EUR, time zone UTC" E init --currency EUR --timezone UTC
rm -f "$db"
sqlite3 "$db" "PRAGMA user_version = 0; VACUUM" # an SQLite file with no tables
expect_stderr_contains "is an empty SQLite database, not an embudo database" E user add --name Ana --email ana@x.com

rm -f "$db"
E init --currency EUR --timezone UTC >/dev/null
E import deals "$TMP/d.csv" >/dev/null
check "after init the import works"
expect_output_contains "10000" sqlite3 "$db" "select amount from deals where ext_id = 'D1'"

# ---- writers wait for another process's lock -------------------------------------------
# A second process (sqlite3, fed through a FIFO) holds the write lock of a rollback
# journal, as a first import does; it answers "locked" once it has it.
hold() {
    mkfifo "$TMP/in" "$TMP/said"
    sqlite3 "$db" <"$TMP/in" >"$TMP/said" 2>&1 &
    holder=$!
    exec 7>"$TMP/in"
    echo "PRAGMA journal_mode = DELETE; BEGIN IMMEDIATE; UPDATE organisation SET name = 'held'; SELECT 'locked';" >&7
    { read -r _; read -r said; } <"$TMP/said" # "delete", then "locked"
}
release() { echo "COMMIT;" >&7; exec 7>&-; wait "$holder"; rm -f "$TMP/in" "$TMP/said"; }
hold
expect_eq "the other process holds the lock" "locked" "$said"
E user add --name Bea --email bea@x.com >"$TMP/w.out" 2>"$TMP/w.err" &
writer=$!
# The writer must still be waiting a moment later (it used to fail at once); the
# lock is then released within its busy timeout (5 s).
sleep 1
kill -0 "$writer" 2>/dev/null; check "a writer waits for the lock instead of failing at once"
release
wait "$writer"; check "the writer succeeds once the lock is released"
expect_output_contains "bea@x.com" E user list
hold
expect_status 1 E user add --name Cid --email cid@x.com
expect_stderr_contains "setting WAL mode: database is locked (another embudo process is writing; try again)" \
    E user add --name Cid --email cid@x.com
release
expect_eq "nothing written by the writers that gave up" "0" "$(sqlite3 "$db" "select count(*) from users where email = 'cid@x.com'")"

# ---- export -o never replaces what is not a regular file -------------------------------
E export users -o "$TMP/real.csv" 2>/dev/null
ln -s real.csv "$TMP/link.csv"
E user add --name Dan --email dan@x.com >/dev/null
E export users -o "$TMP/link.csv" 2>/dev/null
[ -L "$TMP/link.csv" ]; check "export -o through a symlink keeps the link"
grep -q dan@x.com "$TMP/real.csv"; check "and writes its target"
ln -s made.csv "$TMP/dangling.csv"
E export users -o "$TMP/dangling.csv" 2>/dev/null
[ -L "$TMP/dangling.csv" ] && grep -q dan@x.com "$TMP/made.csv"; check "a dangling symlink gets its target created"
# Device nodes of our own (the null and full devices, made with mknod, which needs
# root): a faulty embudo replaces these, never the system's /dev/null.
if mknod "$TMP/null" c 1 3 2>/dev/null && mknod "$TMP/full" c 1 7 2>/dev/null; then
    expect_status 0 E export users -o "$TMP/null"
    [ -c "$TMP/null" ]; check "a null device is still a device"
    expect_status 1 E export users -o "$TMP/full"
    expect_stderr_contains "No space left on device" E export users -o "$TMP/full"
    [ -c "$TMP/full" ]; check "a full device is still a device"
else
    for c in 1 2 3 4 5; do skip "making device nodes needs root"; done
fi
mkfifo "$TMP/pipe"
cat "$TMP/pipe" >"$TMP/piped.csv" &
E export users -o "$TMP/pipe" 2>/dev/null
wait
[ -p "$TMP/pipe" ]; check "a FIFO stays a FIFO"
cmp -s "$TMP/piped.csv" "$TMP/real.csv"; check "and what went through it is the export"
mkdir "$TMP/dir"
expect_stderr_contains "is a directory; name a file to write" E export users -o "$TMP/dir"
[ -z "$(ls "$TMP/dir")" ]; check "nothing written into the directory"

# ---- stale temporary files -----------------------------------------------------------------
dead=$(sh -c 'echo $$') # a process that has ended
: >"$TMP/demo.db.demo-$dead.tmp"
: >"$TMP/demo.db.demo-$dead.tmp-wal"
: >"$TMP/demo.db.demo-$$.tmp" # this shell's: alive
"$EMBUDO" --db "$TMP/demo.db" demo --deals 30 >/dev/null
check "demo runs"
[ ! -e "$TMP/demo.db.demo-$dead.tmp" ] && [ ! -e "$TMP/demo.db.demo-$dead.tmp-wal" ]
check "a killed demo's temporary files are removed"
[ -e "$TMP/demo.db.demo-$$.tmp" ]; check "a live process's temporary file is kept"
: >"$TMP/demo.db.snapshot.$dead.tmp"
: >"$TMP/demo.db.snapshot.$dead-Ab12cd.tmp" # a writer's own name (the PID and a tag)
: >"$TMP/demo.db.snapshot.$$.tmp"
: >"$TMP/demo.db.snapshot.$$-Ab12cd.tmp"
: >"$TMP/demo.db.snapshot.$dead-.tmp" # no tag after the dash: not one of ours
"$EMBUDO" --db "$TMP/demo.db" kpi deals_won --period all --format csv >"$TMP/k0"
check "kpi builds the snapshot"
[ ! -e "$TMP/demo.db.snapshot.$dead.tmp" ] && [ ! -e "$TMP/demo.db.snapshot.$dead-Ab12cd.tmp" ]
check "a killed snapshot build's temporary files are removed"
[ -e "$TMP/demo.db.snapshot.$$.tmp" ] && [ -e "$TMP/demo.db.snapshot.$$-Ab12cd.tmp" ]; check "a live one's are kept"
[ -e "$TMP/demo.db.snapshot.$dead-.tmp" ]; check "a name that is not a writer's is left alone"
[ -z "$(ls "$TMP" | grep -E '^demo\.db\.snapshot\.[0-9]+-[A-Za-z0-9]{6}\.tmp$' | grep -v -- "$$-Ab12cd")" ]
check "the build leaves no temporary file of its own"
rm -f "$TMP/demo.db.snapshot.$$.tmp" "$TMP/demo.db.snapshot.$$-Ab12cd.tmp" "$TMP/demo.db.snapshot.$dead-.tmp"

# ---- the snapshot: flipped bits and a FIFO in its place ---------------------------------------
K() { "$EMBUDO" --db "$TMP/demo.db" kpi revenue_won,deals_won,win_rate,activities,open_pipeline --period all --by rep --format csv; }
rm -f "$TMP/demo.db.snapshot"
K >"$TMP/want"
cp "$TMP/demo.db.snapshot" "$TMP/good.snapshot"
size=$(wc -c <"$TMP/good.snapshot" | tr -d ' ')
bad=0
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    at=$(( (size / 21) * k + k * 7 ))
    python3 - "$TMP/good.snapshot" "$TMP/demo.db.snapshot" "$at" "$k" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
at, bit = int(sys.argv[3]), int(sys.argv[4]) % 8
data[at] ^= 1 << bit
open(sys.argv[2], 'wb').write(data)
PY
    K >"$TMP/got" 2>"$TMP/err"; rc=$?
    if [ $rc -ne 0 ] || ! cmp -s "$TMP/want" "$TMP/got"; then
        bad=$((bad + 1)); echo "# flip at byte $at: exit $rc"; head -3 "$TMP/err" | sed 's/^/#   /'
    fi
done
expect_eq "KPIs after 20 single-bit flips of the snapshot, all equal to a fresh build's (exit 0)" "0" "$bad"
rm -f "$TMP/demo.db.snapshot"
mkfifo "$TMP/demo.db.snapshot"
K >"$TMP/got" 2>"$TMP/err"
check "a FIFO in the snapshot's place is not waited on"
cmp -s "$TMP/want" "$TMP/got"; check "and the KPIs are those of a fresh build"
[ -p "$TMP/demo.db.snapshot" ]; check "the FIFO is left as it was"
finish
