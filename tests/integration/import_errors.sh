#!/bin/sh
# import_errors: bad input through the real binary. Each case gives one clear message
# and a non-zero exit status, and leaves the database unchanged.
. "$SRCDIR/tests/integration/lib.sh"
D="$SRCDIR/tests/data/import"
db="$TMP/e.db"
q() { sqlite3 "$db" "$1"; }
"$EMBUDO" --db "$db" init >/dev/null
dump() { sqlite3 "$db" .dump | md5sum; }
before=$(dump)

# Invalid rows without --skip-invalid: all or nothing.
expect_status 1 "$EMBUDO" --db "$db" import deals "$D/deals_bad.csv"
grep -qF "row 3, column 'amount': \"abc\" is not a number" "$TMP/err"; check "bad number: row, column and value"
grep -qF "row 4, column 'stage': unknown stage 'Frobnicating'; the pipeline's stages are Prospecting, Qualification" "$TMP/err"; check "unknown stage lists the stages"
grep -qF "row 5: a deal cannot close before it is created" "$TMP/err"; check "rule of the store"
grep -qF "3 of 5 rows are invalid, so nothing was imported" "$TMP/err"; check "summary of the failure"
expect_eq "database unchanged" "$before" "$(dump)"

# --dry-run: same checks, same summary, nothing written.
expect_status 0 "$EMBUDO" --db "$db" import deals "$D/deals_us.csv" --create-missing --dry-run
grep -qF "created 3, updated 0" "$TMP/out"; check "dry run reports what it would do"
grep -qF "dry run: nothing was written" "$TMP/out"; check "dry run says so"
expect_eq "dry run leaves the database unchanged" "$before" "$(dump)"
expect_status 1 "$EMBUDO" --db "$db" import deals "$D/deals_bad.csv" --dry-run
expect_eq "failed dry run leaves it unchanged" "$before" "$(dump)"

# --skip-invalid: valid rows in, rejected rows out with their reason.
expect_status 0 "$EMBUDO" --db "$db" import deals "$D/deals_bad.csv" --skip-invalid "$TMP/rej.csv"
grep -qF "created 2, updated 0, repeated 0, rejected 3" "$TMP/out"; check "counts with rejects"
expect_eq "valid rows written" "B1|10000;B5|20050" "$(q "select ext_id, amount from deals order by ext_id" | paste -sd';')"
expect_eq "rejects header" "id,title,stage,amount,created,closed,reason" "$(head -1 "$TMP/rej.csv")"
expect_eq "rejected ids" "B2 B3 B4" "$(tail -n +2 "$TMP/rej.csv" | cut -d, -f1 | paste -sd' ')"
grep -qF "B2,Bad amount,Prospecting,abc,2025-01-01,,\"column 'amount': \"\"abc\"\" is not a number" "$TMP/rej.csv"; check "reason quoted in CSV"
expect_eq "rejected rows left no history" "2" "$(q "select count(*) from deal_history")"
before=$(dump)

# A parent that never appears: the row is rejected at the end and leaves nothing;
# its child, whose parent was rejected, goes too.
printf 'name,parent\nA,Nowhere\nB,A\nC,\n' > "$TMP/parents.csv"
"$EMBUDO" --db "$TMP/p.db" init --currency EUR --timezone UTC >/dev/null
expect_status 1 "$EMBUDO" --db "$TMP/p.db" import accounts "$TMP/parents.csv"
expect_status 0 "$EMBUDO" --db "$TMP/p.db" import accounts "$TMP/parents.csv" --skip-invalid "$TMP/prej.csv"
grep -qF "created 1, updated 0, repeated 0, rejected 2" "$TMP/out"; check "deferred rejects counted"
expect_eq "only C stored" "C" "$(sqlite3 "$TMP/p.db" "select group_concat(name) from accounts")"
expect_eq "rejects" "A,Nowhere,column 'parent': no account 'Nowhere'; import accounts first or add --create-missing|B,A,column 'parent': no account 'A'; import accounts first or add --create-missing" \
    "$(tail -n +2 "$TMP/prej.csv" | paste -sd'|')"

# Files.
expect_status 1 "$EMBUDO" --db "$db" import deals "$TMP/missing.csv"
expect_stderr_contains "file '$TMP/missing.csv' does not exist" "$EMBUDO" --db "$db" import deals "$TMP/missing.csv"
expect_status 1 "$EMBUDO" --db "$db" import deals "$TMP"
: > "$TMP/empty.csv"
expect_stderr_contains "is empty; it needs a header row" "$EMBUDO" --db "$db" import deals "$TMP/empty.csv"
printf 'id,title,stage\nZ1,"never closed,Won\n' > "$TMP/quote.csv"
expect_stderr_contains "line 2: a quoted field starting on this row is never closed" "$EMBUDO" --db "$db" import deals "$TMP/quote.csv"
printf 'id,title,stage\nZ1,caf\351,Prospecting\n' > "$TMP/latin1.csv"
expect_stderr_contains "row 2, column 'title': is not valid UTF-8" "$EMBUDO" --db "$db" import deals "$TMP/latin1.csv" --encoding utf-8
if [ "$(id -u)" -ne 0 ]; then
    printf 'id,title,stage\n' > "$TMP/unreadable.csv"; chmod 000 "$TMP/unreadable.csv"
    expect_stderr_contains "cannot open" "$EMBUDO" --db "$db" import deals "$TMP/unreadable.csv"
else
    skip "unreadable file (running as root)"
fi

printf 'id,title,stage\nZ1,Smith, John,Prospecting\nZ2,ok,Prospecting,\n' > "$TMP/ragged.csv"
expect_stderr_contains "row 2: the row has 4 cells but the header names 3 columns" \
    "$EMBUDO" --db "$db" import deals "$TMP/ragged.csv"
grep -qF "row 3" "$TMP/err"; not_ok_if_found=$?
[ "$not_ok_if_found" -ne 0 ]; check "an empty extra cell is fine"

# Usage errors: exit 2, naming what is wrong and what exists.
expect_status 2 "$EMBUDO" --db "$db" import dealz "$D/deals_bad.csv"
expect_stderr_contains "unknown kind 'dealz'; kinds: regions, users" "$EMBUDO" --db "$db" import dealz "$D/deals_bad.csv"
expect_status 2 "$EMBUDO" --db "$db" import deals "$D/deals_bad.csv" --map amount=Importe
expect_stderr_contains "the file has no column 'Importe'; its columns are: 'id', 'title', 'stage', 'amount', 'created', 'closed'" \
    "$EMBUDO" --db "$db" import deals "$D/deals_bad.csv" --map amount=Importe
expect_stderr_contains "deals have no field 'importe' to import; fields: id, title" \
    "$EMBUDO" --db "$db" import deals "$D/deals_bad.csv" --map importe=amount
expect_status 2 "$EMBUDO" --db "$db" import deals "$D/deals_bad.csv" --set status=won
expect_status 2 "$EMBUDO" --db "$db" import deals "$D/deals_bad.csv" --decimal period
expect_status 2 "$EMBUDO" --db "$db" import deals
expect_stderr_contains "deals need field 'stage' but no column matches it" \
    "$EMBUDO" --db "$db" import deals "$D/orders.csv"
expect_eq "database unchanged by every failure" "$before" "$(dump)"
# A wrong --map or a missing file creates no database.
expect_status 2 "$EMBUDO" --db "$TMP/new.db" import deals "$D/deals_bad.csv" --map amount=Nope
[ ! -e "$TMP/new.db" ]; check "no database created by a usage error"
expect_status 1 "$EMBUDO" --db "$TMP/new.db" import deals "$D/deals_bad.csv"
[ ! -e "$TMP/new.db" ]; check "no database left by a failed import into a new file"
expect_status 1 "$EMBUDO" --db "$TMP/new.db" import deals "$D/deals_us.csv" --create-missing --dry-run
[ ! -e "$TMP/new.db" ]; check "no database left by a dry run into a new file"
# Only init creates a database (its currency and time zone decide how amounts and
# dates are read): an import into a new path says which command to run.
expect_stderr_contains "database '$TMP/new.db' does not exist; create it first with \`embudo --db $TMP/new.db init --currency CODE --timezone ZONE\`" \
    "$EMBUDO" --db "$TMP/new.db" import deals "$D/deals_us.csv" --create-missing
[ ! -e "$TMP/new.db" ]; check "no database created by an import into a new path"

# Databases: corrupt, locked, read-only.
printf 'garbage%.0s' $(seq 1 300) > "$TMP/bad.db"
expect_stderr_contains "not an embudo database" "$EMBUDO" --db "$TMP/bad.db" import deals "$D/deals_us.csv"
python3 - "$db" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[1] + ".locked", "w").close()
time.sleep(8)
c.execute("ROLLBACK")
PY
locker=$!
i=0; while [ ! -e "$db.locked" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
expect_stderr_contains "locked" "$EMBUDO" --db "$db" import deals "$D/deals_us.csv" --create-missing
kill "$locker" 2>/dev/null; wait "$locker" 2>/dev/null
expect_eq "database unchanged by the locked attempt" "$before" "$(dump)"
if [ "$(id -u)" -ne 0 ]; then
    chmod 444 "$db"
    expect_status 1 "$EMBUDO" --db "$db" import deals "$D/deals_us.csv" --create-missing
    chmod 644 "$db"
    expect_eq "database unchanged by the read-only attempt" "$before" "$(dump)"
else
    skip "read-only database (running as root: permissions do not stop root)"
fi
finish
