#!/bin/sh
# audit: every write outside a bulk load leaves who, when, what, and the values
# before and after in the audit log (an insert what it set, an update what it
# changed, a delete the whole record, never a secret); `embudo audit` and
# GET /api/v1/audit (admins only) read it back, filtered and paged.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db" EMBUDO_NOW=2026-04-15T12:00:00Z
unset EMBUDO_USER
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
q() { sqlite3 "$EMBUDO_DB" "$1"; }
$E init --currency EUR --timezone Europe/Madrid --owner ana@x.com --owner-name Ana >/dev/null
$E user add --name Ben --email ben@x.com --role rep >/dev/null
$E deal add --title D1 --stage Proposal --amount 100 --created 2026-03-01 >/dev/null
EMBUDO_USER=ben@x.com EMBUDO_NOW=2026-04-16T09:30:00Z $E deal update D1 --amount 200,50 --source web >/dev/null
EMBUDO_NOW=2026-04-17T08:00:00Z $E deal delete D1 --yes >/dev/null 2>&1
printf 'long enough pw\n' | $E user passwd ben@x.com --password-stdin 2>/dev/null
check "fixture created"

# The details as stored: 2026-03-01 at midnight in Madrid is 1772319600; the
# default pipeline is #1 and Proposal its stage #3.
expect_eq "the insert: the fields it set, with the defaults the rules gave" \
    '{"after":{"title":"D1","pipeline":1,"stage":3,"status":"open","amount":10000,"currency":"EUR","created":1772319600}}' \
    "$(q "SELECT detail FROM audit_log WHERE kind = 'deals' AND action = 'insert'")"
expect_eq "the update: only what changed, before and after, by Ben" \
    '2|{"before":{"amount":10000,"source":null},"after":{"amount":20050,"source":"web"}}' \
    "$(q "SELECT user_id || '|' || detail FROM audit_log WHERE kind = 'deals' AND action = 'update'")"
q "SELECT detail FROM audit_log WHERE kind = 'deals' AND action = 'delete'" >"$TMP/del"
grep -qF '{"before":{"id":null,"title":"D1","account":null,' "$TMP/del" && grep -qF '"amount":20050,"currency":"EUR",' "$TMP/del" &&
    grep -qF '"source":"web","lead":null,"created":1772319600,"closed":null}}' "$TMP/del"
check "the delete keeps the whole record"
expect_eq "no password hash in any detail" "0" "$(q "SELECT count(*) FROM audit_log WHERE detail LIKE '%argon%' OR detail LIKE '%password_hash%'")"

# The CLI.
$E audit --format csv --kind deals >"$TMP/out"
check "audit --kind deals"
expect_eq "newest first, times in the organisation's zone" \
    "id,at,user,action,kind,record|5,2026-04-17T10:00:00+02:00,ana@x.com,delete,deals,1|4,2026-04-16T11:30:00+02:00,ben@x.com,update,deals,1|3,2026-04-15T14:00:00+02:00,ana@x.com,insert,deals,1" \
    "$(cut -d, -f1-6 "$TMP/out" | tr -d '\r' | paste -sd'|')"
COLUMNS=200 $E audit --user ben@x.com >"$TMP/out"
grep -qF "amount 10000 → 20050, source - → web" "$TMP/out"
check "a table shows an update as field before → after"
expect_eq "--user: Ben's one change" "1" "$(grep -c "ben@x.com" "$TMP/out")"
expect_eq "--since/--until: a date alone is its whole day in the organisation's zone" "4" \
    "$($E audit --format csv --since 2026-04-16 --until 2026-04-16 | sed 1d | cut -d, -f1 | paste -sd'|')"
expect_eq "--record names a deleted record by its id" "5|4|3" \
    "$($E audit --format csv --kind deal --record 1 | sed 1d | cut -d, -f1 | paste -sd'|')"
expect_eq "--limit and --before page through" "4|3" \
    "$($E audit --format csv --limit 2 --before 5 | sed 1d | cut -d, -f1 | paste -sd'|')"
$E audit --limit 2 >/dev/null 2>"$TMP/err"
grep -qF "more changes are older: add --before 5" "$TMP/err"
check "a full page says how to see the next"
$E audit --format json --action update >"$TMP/out"
grep -qF '"detail": {"before":{"amount":10000,"source":null},"after":{"amount":20050,"source":"web"}}' "$TMP/out"
check "json embeds the detail as an object"
expect_status 2 $E audit --since yesterday
grep -qF -- "--since 'yesterday' is not a date or time" "$TMP/err"
check "a bad --since is named"
expect_status 2 $E audit --kind ships
expect_status 2 $E audit --record 1
expect_status 2 $E audit --limit 0
$E --lang es audit --action update >"$TMP/out" 2>&1
grep -qF "16 abr 2026, 11:30" "$TMP/out"
check "Spanish dates in the table"

# The API: admins only.
printf 'an admin password\n' | $E user passwd ana@x.com --password-stdin 2>/dev/null
ADMIN=$($E token create --user ana@x.com 2>/dev/null)
REP=$($E token create --user ben@x.com 2>/dev/null)
start s
U="http://127.0.0.1:$PORT/api/v1/audit"
# get TOKEN URL: the status; the body in $TMP/body, and the answer recorded for the
# OpenAPI check at the end.
: >"$TMP/answers"
get() { # runs in $(...): the answer's number is the count of answers so far
    n=$(($(wc -l <"$TMP/answers") + 1))
    curl -s -o "$TMP/body" -w '%{http_code} %{content_type}' -H "Authorization: Bearer $1" "$2" >"$TMP/code"
    cp "$TMP/body" "$TMP/body$n"
    read -r status ctype <"$TMP/code"
    echo "GET /api/v1/audit $status $TMP/body$n $ctype" >>"$TMP/answers"
    echo "$status"
}
expect_eq "a rep is refused" "403" "$(get "$REP" "$U")"
expect_eq "no credentials: 401" "401" "$(get "" "$U")"
expect_eq "an admin reads it" "200" "$(get "$ADMIN" "$U?kind=deals&limit=2")"
python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
e = b["entries"]
print(len(e), e[0]["id"], e[0]["at"], e[0]["action"], e[1]["user"], json.dumps(e[1]["detail"], separators=(",", ":")), b["next"])
' "$TMP/body" >"$TMP/out"
expect_eq "entries newest first in UTC, detail as an object, and the next page's link" \
    '2 5 2026-04-17T08:00:00Z delete ben@x.com {"before":{"amount":10000,"source":null},"after":{"amount":20050,"source":"web"}} /api/v1/audit?before=4&kind=deals&limit=2' \
    "$(cat "$TMP/out")"
expect_eq "the next link gives the rest" "200" "$(get "$ADMIN" "http://127.0.0.1:$PORT/api/v1/audit?before=4&kind=deals&limit=2")"
expect_eq "one more, no next" "3 None" \
    "$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print(" ".join(str(e["id"]) for e in b["entries"]), b.get("next"))' "$TMP/body")"
expect_eq "an unknown parameter is a 400 naming it" "400" "$(get "$ADMIN" "$U?colour=red")"
grep -qF '"field":"colour"' "$TMP/body"
check "the field error names the parameter"
expect_eq "a bad limit" "400" "$(get "$ADMIN" "$U?limit=5000")"
grep -qF '"field":"limit"' "$TMP/body"
check "named"
expect_eq "since in the organisation's zone, as the CLI" "200" "$(get "$ADMIN" "$U?since=2026-04-16&until=2026-04-17")"
expect_eq "gives Ben's update" "4" \
    "$(python3 -c 'import json,sys; print(" ".join(str(e["id"]) for e in json.load(open(sys.argv[1]))["entries"]))' "$TMP/body")"
expect_eq "user by email" "200" "$(get "$ADMIN" "$U?user=ben%40x.com&kind=deals")"
expect_eq "Ben's changes of deals" "4" \
    "$(python3 -c 'import json,sys; print(" ".join(str(e["id"]) for e in json.load(open(sys.argv[1]))["entries"]))' "$TMP/body")"
expect_eq "an unknown user is a 400" "400" "$(get "$ADMIN" "$U?user=zoe%40x.com")"
python3 "$SRCDIR/tests/integration/openapi_check.py" "$SRCDIR/docs/openapi.json" "$TMP/answers" >"$TMP/check" 2>&1
check "every answer matches docs/openapi.json"
sed 's/^/#   /' "$TMP/check" | head -20
finish
