#!/bin/sh
# api_faults: the server under faults. kill -9 during a burst of deal creations:
# after a restart every acknowledged deal is there, whole, and nothing else (at most
# the one request in flight, committed but not acknowledged); two servers and a CLI
# import writing one database file at once: every request answered 201, no "database
# is locked", the import whole, the counts adding up.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db"
unset EMBUDO_USER
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
q() { sqlite3 "$EMBUDO_DB" "$1"; }
$E init --currency EUR --owner ana@x.com --owner-name Ana >/dev/null
TOKEN=$($E token create --user ana@x.com 2>/dev/null)
check "fixture created"
A="Authorization: Bearer $TOKEN"
J="Content-Type: application/json"

# burst PORT PREFIX N: creates deals PREFIX-1 .. PREFIX-N one after the other; each
# acknowledged one (201) is appended to $TMP/PREFIX.acked, any other answer to
# $TMP/PREFIX.other (status and body); stops at the first failed connection.
burst() {
    port=$1 prefix=$2 count=$3 i=1
    : >"$TMP/$prefix.acked"
    : >"$TMP/$prefix.other"
    while [ "$i" -le "$count" ]; do
        code=$(curl -s -o "$TMP/$prefix.body" -w '%{http_code}' -H "$A" -H "$J" -X POST \
            -d "{\"id\":\"$prefix-$i\",\"title\":\"Deal $prefix $i\",\"stage\":\"Proposal\",\"amount\":$i}" \
            "http://127.0.0.1:$port/api/v1/deals") || break
        if [ "$code" = 201 ]; then echo "$prefix-$i" >>"$TMP/$prefix.acked"
        else echo "$code $(cat "$TMP/$prefix.body")" >>"$TMP/$prefix.other"; fi
        i=$((i + 1))
    done
}

# 1. kill -9 in the middle of a burst.
start s1
: >"$TMP/K.acked"
burst "$PORT" K 100000 &
BURST=$!
i=0
while [ "$(wc -l <"$TMP/K.acked" 2>/dev/null || echo 0)" -lt 40 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 "$PID"
wait "$BURST"
acked=$(wc -l <"$TMP/K.acked")
[ "$acked" -ge 40 ]
check "the burst was acknowledged $acked times before the kill"
expect_eq "no other answer than 201 before the kill" "" "$(cat "$TMP/K.other")"
start s2
check "the server restarts on the database"
expect_eq "the database is sound" "ok" "$(q "PRAGMA integrity_check")"
stored=$(q "SELECT count(*) FROM deals")
missing=0
while read -r id; do
    [ "$(q "SELECT count(*) FROM deals WHERE ext_id = '$id' AND title = 'Deal K ${id#K-}' AND amount = ${id#K-}00")" = 1 ] ||
        missing=$((missing + 1))
done <"$TMP/K.acked"
expect_eq "every acknowledged deal is there, whole" "0" "$missing"
[ "$stored" -ge "$acked" ] && [ "$stored" -le $((acked + 1)) ]
check "and nothing else but the one in flight ($stored stored, $acked acknowledged)"
expect_eq "each stored deal is one the client sent, with its history and audit row" "0|0|0" \
    "$(q "SELECT (SELECT count(*) FROM deals WHERE title != 'Deal K ' || substr(ext_id, 3)) || '|' ||
             (SELECT count(*) FROM deals d WHERE NOT EXISTS (SELECT 1 FROM deal_history h WHERE h.deal_id = d.id)) || '|' ||
             (SELECT count(*) FROM deals d WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.kind = 'deals' AND a.record_id = d.id))")"
curl -s -o /dev/null -w '%{http_code}' -H "$A" "http://127.0.0.1:$PORT/api/v1/deals/K-1" >"$TMP/code"
expect_eq "the restarted server reads them" "200" "$(cat "$TMP/code")"
kill -TERM "$PID"
wait_exit "$PID"
expect_eq "and stops cleanly" "0" "$STATUS"

# 2. Two servers and a CLI import on one file at once.
start s3
P3=$PORT
start s4
P4=$PORT
i=1
{
    echo "id,title,stage,amount"
    while [ $i -le 3000 ]; do echo "I-$i,Imported $i,Qualification,$i"; i=$((i + 1)); done
} >"$TMP/import.csv"
before=$(q "SELECT count(*) FROM deals")
burst "$P3" X 150 &
B3=$!
burst "$P4" Y 150 &
B4=$!
$E import deals "$TMP/import.csv" >"$TMP/import.out" 2>"$TMP/import.err"
check "the CLI import succeeds while both servers write"
wait "$B3" "$B4"
expect_eq "every request of both servers answered 201" "150 150||" \
    "$(wc -l <"$TMP/X.acked") $(wc -l <"$TMP/Y.acked")|$(cat "$TMP/X.other")|$(cat "$TMP/Y.other")"
grep -qi "locked" "$TMP/import.err" "$TMP/X.other" "$TMP/Y.other" "$TMP/s3.err" "$TMP/s4.err"
[ $? -ne 0 ]
check "nobody saw 'database is locked'"
expect_eq "the counts add up: before + 3000 imported + 300 created" "$((before + 3300))" "$(q "SELECT count(*) FROM deals")"
expect_eq "each server sees the other's and the import's writes" "200 200" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "$A" "http://127.0.0.1:$P3/api/v1/deals/Y-150") $(curl -s -o /dev/null -w '%{http_code}' -H "$A" "http://127.0.0.1:$P4/api/v1/deals/I-3000")"
finish
